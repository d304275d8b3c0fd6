import { monaco } from './monaco.js';

/** The app's theme now: `data-theme` on <html> when the shell sets it, else the OS preference. */
export function appTheme(): 'light' | 'dark' {
  const set = document.documentElement.dataset.theme;
  if (set === 'light' || set === 'dark') return set;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/**
 * Keeps Monaco's theme (global to the page) in step with the app's, following both a change of
 * `data-theme` and of the OS preference. Returns the function that stops following.
 */
export function followAppTheme(): () => void {
  const apply = () => monaco.editor.setTheme(appTheme() === 'dark' ? 'vs-dark' : 'vs');
  apply();
  const observer = new MutationObserver(apply);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = window.matchMedia?.('(prefers-color-scheme: dark)');
  media?.addEventListener('change', apply);
  return () => {
    observer.disconnect();
    media?.removeEventListener('change', apply);
  };
}
