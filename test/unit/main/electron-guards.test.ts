/**
 * The Electron main boundary, with Electron's objects faked (no Electron runs here): the window's
 * hardening flags, navigation and new windows limited to the gateway, permissions denied, and
 * the bridge's IPC handler refusing other frames, other origins and unknown methods.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
// eslint-disable-next-line local/layering -- types only, to fake Electron's objects
import type { BrowserWindowConstructorOptions, IpcMainInvokeEvent, Session, WebContents } from 'electron';

// No Electron here: a BrowserWindow that keeps its options.
vi.mock('electron', () => ({
  BrowserWindow: class {
    constructor(readonly options: unknown) {}
  },
}));
import { callBridge, serveBridge } from '../../../src-main/electron/ipc-bridge.js';
import { denyPermissions, guardNavigation } from '../../../src-main/electron/web-guards.js';
import { createMainWindow } from '../../../src-main/electron/window.js';
import { BRIDGE_CHANNEL, type KubedeskBridge } from '../../../src-main/shared/bridge.js';

const ORIGIN = 'http://127.0.0.1:7420';

describe('main window', () => {
  it('sets every hardening flag of the security checklist', () => {
    const window = createMainWindow('/app/out/preload/preload.cjs') as unknown as {
      options: BrowserWindowConstructorOptions;
    };
    expect(window.options.webPreferences).toEqual({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(window.options.show).toBe(false); // shown on ready-to-show, without a white flash
  });
});

/** A web contents with just what guardNavigation uses. */
function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (handler: typeof openHandler) => (openHandler = handler),
  });
  const navigate = (event: string, url: string) => {
    const preventDefault = vi.fn();
    emitter.emit(event, { preventDefault }, url);
    return preventDefault.mock.calls.length > 0;
  };
  return {
    contents: contents as unknown as WebContents,
    navigate,
    open: (url: string) => openHandler!({ url }),
  };
}

describe('navigation guard', () => {
  it('lets the window move inside the gateway origin only', () => {
    const external = vi.fn();
    const { contents, navigate } = fakeContents();
    guardNavigation(contents, ORIGIN, external);
    expect(navigate('will-navigate', `${ORIGIN}/pods?x=1`)).toBe(false);
    expect(navigate('will-navigate', 'http://127.0.0.1:7421/')).toBe(true);
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(navigate('will-redirect', `${ORIGIN}/`)).toBe(false);
    expect(navigate('will-attach-webview', `${ORIGIN}/`)).toBe(true);
    // Web links go to the user's browser; other schemes go nowhere.
    expect(external.mock.calls).toEqual([['http://127.0.0.1:7421/'], ['https://evil.example/']]);
  });

  it('denies every new window, handing http(s) links to the browser', () => {
    const external = vi.fn();
    const { contents, open } = fakeContents();
    guardNavigation(contents, ORIGIN, external);
    expect(open('https://kubernetes.io/docs/')).toEqual({ action: 'deny' });
    expect(open(`${ORIGIN}/other`)).toEqual({ action: 'deny' });
    expect(open('smb://host/share')).toEqual({ action: 'deny' });
    expect(open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(external.mock.calls).toEqual([['https://kubernetes.io/docs/'], [`${ORIGIN}/other`]]);
  });
});

describe('permissions', () => {
  it('denies every request and every check', () => {
    let request: ((...args: unknown[]) => void) | undefined;
    let check: ((...args: unknown[]) => boolean) | undefined;
    const session = {
      setPermissionRequestHandler: (handler: typeof request) => (request = handler),
      setPermissionCheckHandler: (handler: typeof check) => (check = handler),
    } as unknown as Session;
    denyPermissions(session);
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      request!({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(check!({}, permission, ORIGIN, {})).toBe(false);
    }
  });
});

describe('bridge over IPC', () => {
  const bridge = {
    appVersion: vi.fn(async () => '1.2.3'),
    updateSettings: vi.fn(async (changes: unknown) => changes),
  } as unknown as KubedeskBridge;
  const mainFrame = { url: `${ORIGIN}/overview` };
  const event = (frame: { url: string } | null, main = mainFrame) =>
    ({ sender: { mainFrame: main }, senderFrame: frame }) as unknown as IpcMainInvokeEvent;

  it('answers the top frame of the dashboard, passing the arguments', async () => {
    await expect(callBridge(event(mainFrame), bridge, ORIGIN, 'appVersion', [])).resolves.toBe('1.2.3');
    await expect(
      callBridge(event(mainFrame), bridge, ORIGIN, 'updateSettings', [{ theme: 'dark' }]),
    ).resolves.toEqual({
      theme: 'dark',
    });
  });

  it('refuses a subframe, another origin, a destroyed frame and unknown methods', () => {
    const iframe = { url: `${ORIGIN}/embedded` };
    expect(() => callBridge(event(iframe), bridge, ORIGIN, 'appVersion', [])).toThrow(/top frame/);
    const elsewhere = { url: 'https://evil.example/' };
    expect(() => callBridge(event(elsewhere, elsewhere), bridge, ORIGIN, 'appVersion', [])).toThrow(
      /dashboard only/,
    );
    const otherPort = { url: 'http://127.0.0.1:9999/' };
    expect(() => callBridge(event(otherPort, otherPort), bridge, ORIGIN, 'appVersion', [])).toThrow(
      /dashboard only/,
    );
    expect(() => callBridge(event(null), bridge, ORIGIN, 'appVersion', [])).toThrow(/top frame/);
    for (const method of ['constructor', '__proto__', 'toString', 'nope', 42]) {
      expect(() => callBridge(event(mainFrame), bridge, ORIGIN, method, [])).toThrow(/unknown bridge method/);
    }
  });

  it('serves on the one bridge channel', async () => {
    const handle = vi.fn();
    serveBridge({ handle }, bridge, () => ORIGIN);
    expect(handle).toHaveBeenCalledWith(BRIDGE_CHANNEL, expect.any(Function));
    const handler = handle.mock.calls[0]![1] as (e: IpcMainInvokeEvent, ...a: unknown[]) => Promise<unknown>;
    await expect(handler(event(mainFrame), 'appVersion')).resolves.toBe('1.2.3');
  });
});
