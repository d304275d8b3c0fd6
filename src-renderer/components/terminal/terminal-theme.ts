import type { ITheme } from '@xterm/xterm';

/**
 * xterm's colours from the app's theme: xterm paints on a canvas and cannot read CSS
 * variables, so their computed values are passed in (again when the theme changes).
 */
export function terminalTheme(element: Element): ITheme {
  const style = getComputedStyle(element);
  const read = (name: string) => style.getPropertyValue(name).trim() || undefined;
  const theme: ITheme = {};
  const background = read('--kd-surface') ?? read('--kd-bg');
  const foreground = read('--kd-fg');
  const accent = read('--kd-accent');
  if (background) theme.background = background;
  if (foreground) theme.foreground = foreground;
  if (accent) theme.cursor = accent;
  const muted = read('--kd-muted');
  if (muted) theme.selectionBackground = muted;
  return theme;
}
