import { posix, win32 } from 'node:path';

/** What {@link defaultDataDir} reads from the machine; tests pass their own. */
export interface Platform {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
}

/**
 * The app's default data directory (the embedded cluster's state, its kubeconfig, the settings),
 * where each platform keeps an application's data:
 * - Linux and other Unixes: `$XDG_DATA_HOME/kubedesk`, else `~/.local/share/kubedesk`. The XDG
 *   Base Directory spec says a relative `$XDG_DATA_HOME` is invalid and must be ignored
 *   (https://specifications.freedesktop.org/basedir-spec/latest/).
 * - macOS: `~/Library/Application Support/Kubedesk`.
 * - Windows: `%APPDATA%\Kubedesk` (the roaming profile), else `~\AppData\Roaming\Kubedesk`.
 */
export function defaultDataDir({ platform, env, home }: Platform): string {
  if (platform === 'win32') {
    const appData = env.APPDATA;
    return win32.join(
      appData && win32.isAbsolute(appData) ? appData : win32.join(home, 'AppData', 'Roaming'),
      'Kubedesk',
    );
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'Kubedesk');
  const xdg = env.XDG_DATA_HOME;
  return posix.join(xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'share'), 'kubedesk');
}
