import type { Session, WebContents } from 'electron';

/**
 * Where the window may go: the gateway's origin only. Any other navigation is stopped; a http(s)
 * link is handed to the user's browser instead (never another scheme: `file:`, `smb:` or a
 * custom protocol handed to the OS can run code). New windows are always denied, and `<webview>`
 * is never attached. Follows "Limit navigation" and "Limit creation of new windows" in
 * https://www.electronjs.org/docs/latest/tutorial/security.
 */
export function guardNavigation(
  contents: WebContents,
  allowedOrigin: string,
  openExternal: (url: string) => void,
): void {
  const outside = (url: string) => originOf(url) !== allowedOrigin;
  const handOver = (url: string) => {
    if (isWebUrl(url)) openExternal(url);
  };
  contents.on('will-navigate', (event, url) => {
    if (!outside(url)) return;
    event.preventDefault();
    handOver(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (outside(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    handOver(url);
    return { action: 'deny' };
  });
}

/**
 * Deny every permission the page asks for (camera, notifications, geolocation, …) and answer
 * every permission check with no: the dashboard needs none ("Handle session permission
 * requests from remote content").
 */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** The origin of `url` (`http://127.0.0.1:7420`), or undefined when it does not parse or is opaque. */
export function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
