/**
 * Open a link clicked in a terminal in a new browser tab, with no way back to this window
 * (`noopener`: the page cannot navigate the app's window; `noreferrer`: nor learn its URL).
 * Only http(s): a terminal can print anything, and `javascript:` or `file:` links must do nothing.
 * In Electron, the main process's new-window handler decides where the link goes.
 */
export function openTerminalLink(
  uri: string,
  open: (url: string, target: string, features: string) => unknown = (u, t, f) => window.open(u, t, f),
): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  open(url.href, '_blank', 'noopener,noreferrer');
  return true;
}
