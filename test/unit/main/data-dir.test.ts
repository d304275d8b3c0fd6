/** The default data directory follows each platform's convention. */
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../../src-main/cluster-host/data-dir.js';

describe('defaultDataDir', () => {
  it('Linux: $XDG_DATA_HOME/kubedesk, else ~/.local/share/kubedesk; a relative XDG_DATA_HOME is ignored', () => {
    expect(defaultDataDir({ platform: 'linux', env: {}, home: '/home/ana' })).toBe(
      '/home/ana/.local/share/kubedesk',
    );
    expect(
      defaultDataDir({ platform: 'linux', env: { XDG_DATA_HOME: '/data/xdg' }, home: '/home/ana' }),
    ).toBe('/data/xdg/kubedesk');
    expect(defaultDataDir({ platform: 'linux', env: { XDG_DATA_HOME: 'rel/xdg' }, home: '/home/ana' })).toBe(
      '/home/ana/.local/share/kubedesk',
    );
    expect(defaultDataDir({ platform: 'freebsd', env: { XDG_DATA_HOME: '' }, home: '/home/ana' })).toBe(
      '/home/ana/.local/share/kubedesk',
    );
  });

  it('macOS: ~/Library/Application Support/Kubedesk', () => {
    expect(defaultDataDir({ platform: 'darwin', env: { XDG_DATA_HOME: '/x' }, home: '/Users/ana' })).toBe(
      '/Users/ana/Library/Application Support/Kubedesk',
    );
  });

  it('Windows: %APPDATA%\\Kubedesk, else the roaming profile under the home folder', () => {
    expect(
      defaultDataDir({
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' },
        home: 'C:\\Users\\ana',
      }),
    ).toBe('C:\\Users\\ana\\AppData\\Roaming\\Kubedesk');
    expect(defaultDataDir({ platform: 'win32', env: {}, home: 'C:\\Users\\ana' })).toBe(
      'C:\\Users\\ana\\AppData\\Roaming\\Kubedesk',
    );
  });
});
