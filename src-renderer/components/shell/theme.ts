import type { Settings } from '../../../src-main/shared/bridge.js';

/** The user's theme setting: follow the OS, or force light or dark. */
export type ThemeSetting = Settings['theme'];

/**
 * Apply the setting to the page: `data-theme` on <html> forces a palette (theme.css reads it);
 * no attribute lets `prefers-color-scheme` decide.
 */
export function applyTheme(setting: ThemeSetting, root: HTMLElement = document.documentElement): void {
  if (setting === 'light' || setting === 'dark') root.setAttribute('data-theme', setting);
  else root.removeAttribute('data-theme');
}

/** The toggle's order: system → light → dark → system. */
export function nextTheme(setting: ThemeSetting): ThemeSetting {
  return setting === 'system' ? 'light' : setting === 'light' ? 'dark' : 'system';
}

/** What the toggle says about a setting. */
export function themeLabel(setting: ThemeSetting): string {
  return setting === 'system'
    ? 'Theme: follow the system'
    : setting === 'light'
      ? 'Theme: light'
      : 'Theme: dark';
}
