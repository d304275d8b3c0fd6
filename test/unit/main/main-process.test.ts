/**
 * src-main/main.ts wired against a mocked `electron` (no Electron runs here): on ready it denies
 * permissions, starts the gateway and the supervised cluster, serves the bridge on IPC and opens
 * one hardened window on the gateway's launch URL; quitting waits for the cluster to stop.
 */
import { EventEmitter } from 'node:events';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultDataDir } from '../../../src-main/cluster-host/data-dir.js';
import { BRIDGE_CHANNEL } from '../../../src-main/shared/bridge.js';

const fake = vi.hoisted(() => {
  // Hoisted above the imports, so it loads its own EventEmitter.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const app = Object.assign(new Emitter(), {
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => Promise.resolve()),
    getAppPath: () => '/app',
    getPath: () => '/home/user',
    getVersion: () => '9.9.9',
    quit: vi.fn(),
  });
  const windows: { options: unknown; url?: string }[] = [];
  class BrowserWindow extends Emitter {
    static getAllWindows = () => windows;
    constructor(readonly options: unknown) {
      super();
      windows.push(this as unknown as { options: unknown });
    }
    loadURL(url: string) {
      (this as unknown as { url: string }).url = url;
      return Promise.resolve();
    }
  }
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  const permission: { request?: (...a: unknown[]) => void; check?: (...a: unknown[]) => boolean } = {};
  const spawned: string[][] = [];
  const killed: string[] = [];
  const gatewayClose = vi.fn(async () => {});
  return { app, windows, BrowserWindow, handlers, permission, spawned, killed, gatewayClose };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.BrowserWindow,
  ipcMain: {
    handle: (channel: string, handler: (...args: unknown[]) => unknown) =>
      fake.handlers.set(channel, handler),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: typeof fake.permission.request) => (fake.permission.request = h),
      setPermissionCheckHandler: (h: typeof fake.permission.check) => (fake.permission.check = h),
    },
  },
  shell: { openExternal: vi.fn() },
  dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showErrorBox: vi.fn() },
  utilityProcess: { fork: vi.fn() },
}));

vi.mock('../../../src-main/gateway/gateway.js', () => ({
  startGateway: vi.fn(async () => ({
    url: 'http://127.0.0.1:5555',
    token: 'tok',
    launchUrl: 'http://127.0.0.1:5555/?token=tok',
    close: fake.gatewayClose,
  })),
}));

// The utility process, as a fake that prints the ready line and exits when told to.
vi.mock('../../../src-main/electron/utility-process-spawn.js', () => ({
  utilityProcessStrategy:
    () => (args: string[], events: { stdout(t: string): void; exit(r: object): void }) => {
      fake.spawned.push(args);
      queueMicrotask(() =>
        events.stdout('Kubedesk API server ready at https://127.0.0.1:1 — kubeconfig: /k\n'),
      );
      return {
        pid: 77,
        kill: (signal: string) => {
          fake.killed.push(signal);
          queueMicrotask(() => events.exit({ code: 0, signal: null }));
        },
      };
    },
}));

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

beforeAll(async () => {
  await import('../../../src-main/main.js');
  await settle();
});

describe('Electron main (mocked)', () => {
  it('opens one sandboxed window on the launch URL', () => {
    expect(fake.app.enableSandbox).toHaveBeenCalled();
    expect(fake.windows).toHaveLength(1);
    const window = fake.windows[0]!;
    expect(window.url).toBe('http://127.0.0.1:5555/?token=tok');
    expect(window.options).toMatchObject({
      show: false,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
    });
    expect((window.options as { webPreferences: { preload: string } }).webPreferences.preload).toMatch(
      /preload\.cjs$/,
    );
  });

  it('runs the cluster in the (fake) utility process with the Docker runtime', () => {
    expect(fake.spawned).toHaveLength(1);
    expect(fake.spawned[0]!.slice(0, 1)).toEqual(['serve']);
    expect(fake.spawned[0]).toContain('docker');
    expect(fake.spawned[0]![fake.spawned[0]!.indexOf('--data-dir') + 1]).toBe(
      defaultDataDir({ platform: process.platform, env: process.env, home: '/home/user' }),
    );
  });

  it('denies permissions on the default session', () => {
    const callback = vi.fn();
    fake.permission.request!({}, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect(fake.permission.check!({}, 'notifications', 'http://127.0.0.1:5555', {})).toBe(false);
  });

  it('serves the bridge to the dashboard only', async () => {
    const handler = fake.handlers.get(BRIDGE_CHANNEL)!;
    const frame = { url: 'http://127.0.0.1:5555/' };
    await expect(handler({ sender: { mainFrame: frame }, senderFrame: frame }, 'appVersion')).resolves.toBe(
      '9.9.9',
    );
    await expect(
      handler({ sender: { mainFrame: frame }, senderFrame: frame }, 'environment'),
    ).resolves.toEqual({
      mode: 'electron',
      gatewayUrl: 'http://127.0.0.1:5555',
      platform: process.platform,
    });
    await expect(
      handler({ sender: { mainFrame: frame }, senderFrame: frame }, 'embeddedState'),
    ).resolves.toMatchObject({
      phase: 'running',
      runtime: 'docker',
    });
    const other = { url: 'https://evil.example/' };
    expect(() => handler({ sender: { mainFrame: other }, senderFrame: other }, 'appVersion')).toThrow();
  });

  it('guards every web contents created', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    fake.app.emit('web-contents-created', {}, contents);
    const preventDefault = vi.fn();
    contents.emit('will-navigate', { preventDefault }, 'https://evil.example/');
    expect(preventDefault).toHaveBeenCalled();
    const stay = vi.fn();
    contents.emit('will-navigate', { preventDefault: stay }, 'http://127.0.0.1:5555/pods');
    expect(stay).not.toHaveBeenCalled();
    expect(contents.setWindowOpenHandler.mock.calls[0]![0]({ url: 'https://x.example/' })).toEqual({
      action: 'deny',
    });
  });

  it('on quit, stops the gateway and the cluster before letting the app go', async () => {
    const event = { preventDefault: vi.fn() };
    fake.app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    await settle();
    expect(fake.gatewayClose).toHaveBeenCalled();
    expect(fake.killed).toEqual(['SIGTERM']);
    expect(fake.app.quit).toHaveBeenCalled();
    const again = { preventDefault: vi.fn() };
    fake.app.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });
});
