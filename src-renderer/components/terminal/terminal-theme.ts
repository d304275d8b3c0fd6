import type { ISearchOptions } from '@xterm/addon-search';
import type { ITheme } from '@xterm/xterm';

/** The decoration colours of a search (the addon does not export the type by name). */
export type SearchDecorations = NonNullable<ISearchOptions['decorations']>;

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

/** xterm's search decorations want `#RRGGBB`; anything else falls back. */
function hex(value: string | undefined, fallback: string): string {
  return value && /^#[0-9a-f]{6}$/i.test(value) ? value : fallback;
}

/**
 * How search matches look: every match on the warning background, the current one on the
 * accent colour, both marked in the scrollbar's overview ruler, from the app's theme.
 */
export function searchDecorations(element: Element): SearchDecorations {
  const style = getComputedStyle(element);
  const read = (name: string) => style.getPropertyValue(name).trim() || undefined;
  const match = hex(read('--kd-warning-bg'), '#fff4d6');
  const current = hex(read('--kd-accent'), '#2357c6');
  return {
    matchBackground: match,
    matchBorder: hex(read('--kd-warning'), '#8a5a00'),
    matchOverviewRuler: hex(read('--kd-warning'), '#8a5a00'),
    activeMatchBackground: current,
    activeMatchBorder: current,
    activeMatchColorOverviewRuler: current,
  };
}
