import { afterEach, describe, expect, it } from 'vitest';
import type { KubedeskBridge } from '../../../../src-main/shared/bridge.js';
import { bridgeMethods } from '../../../../src-main/shared/bridge.js';
import { appBridge, httpBridge } from '../../../../src-renderer/bridge.js';

/** The bridge the stores call: Electron's when exposed, else HTTP JSON to the gateway. */
describe('appBridge', () => {
  afterEach(() => {
    delete (globalThis as { kubedesk?: unknown }).kubedesk;
  });

  it('uses window.kubedesk when the preload script exposed it', () => {
    const exposed = {} as KubedeskBridge;
    (globalThis as { kubedesk?: unknown }).kubedesk = exposed;
    expect(appBridge()).toBe(exposed);
  });

  it('otherwise posts each call to /app/bridge/<method> with its arguments as a JSON array', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const bridge = httpBridge({
      baseUrl: 'http://127.0.0.1:5000/',
      fetch: (async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        return new Response(JSON.stringify({ result: { theme: 'dark', namespaces: {} } }));
      }) as typeof fetch,
    });
    expect(Object.keys(bridge).sort()).toEqual(Object.keys(bridgeMethods).sort());
    await expect(bridge.updateSettings({ theme: 'dark' })).resolves.toEqual({
      theme: 'dark',
      namespaces: {},
    });
    await bridge.restartEmbedded(undefined);
    expect(calls.map((c) => [c.url, c.init.method, c.init.body])).toEqual([
      ['http://127.0.0.1:5000/app/bridge/updateSettings', 'POST', '[{"theme":"dark"}]'],
      ['http://127.0.0.1:5000/app/bridge/restartEmbedded', 'POST', '[]'],
    ]);
  });

  it("rejects with the server's message", async () => {
    const bridge = httpBridge({
      fetch: (async () =>
        new Response(JSON.stringify({ error: { message: 'Docker is not running' } }), {
          status: 500,
        })) as typeof fetch,
    });
    await expect(bridge.restartEmbedded({ runtime: 'docker' })).rejects.toThrow('Docker is not running');
  });

  it('rejects with the status when the answer is not the bridge format', async () => {
    const bridge = httpBridge({
      fetch: (async () => new Response('<html>', { status: 403, statusText: 'Forbidden' })) as typeof fetch,
    });
    await expect(bridge.listClusters()).rejects.toThrow('listClusters failed: 403 Forbidden: <html>');
  });
});
