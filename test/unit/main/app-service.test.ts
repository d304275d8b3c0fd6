/**
 * The app service (the bridge shared by Electron and browser mode) and its settings file:
 * defaults, atomic JSON writes, checks on what the renderer sends, restart on another runtime.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppService, type EmbeddedControl } from '../../../src-main/app/app-service.js';
import { appVersion } from '../../../src-main/app/app-version.js';
import { SettingsStore } from '../../../src-main/app/settings-store.js';
import type { ClusterDirectory } from '../../../src-main/gateway/cluster-directory.js';
import type { EmbeddedState } from '../../../src-main/shared/bridge.js';
import { tempDir } from '../../support/temp-dir.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir('app-service');
});
afterEach(() => dir.remove());

describe('SettingsStore', () => {
  it('reads the defaults when there is no file, or a broken one', async () => {
    const file = join(dir.path, 'settings.json');
    expect(await new SettingsStore(file).get()).toEqual({ theme: 'system', namespaces: {} });
    await writeFile(file, '{not json');
    expect(await new SettingsStore(file).get()).toEqual({ theme: 'system', namespaces: {} });
  });

  it('merges changes, writes them atomically, and reads them back in a new store', async () => {
    const file = join(dir.path, 'nested', 'settings.json');
    const store = new SettingsStore(file);
    await store.update({ theme: 'dark' });
    const [, last] = await Promise.all([
      store.update({ namespaces: { embedded: ['default'] } }),
      store.update({ lastClusterId: 'context:kind-kind' }),
    ]);
    const expected = {
      theme: 'dark',
      namespaces: { embedded: ['default'] },
      lastClusterId: 'context:kind-kind',
    };
    expect(last).toEqual(expected);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(expected);
    expect(await readdir(join(dir.path, 'nested'))).toEqual(['settings.json']); // no temporary left
    expect(await new SettingsStore(file).get()).toEqual(expected);
  });

  it('refuses bad values from the renderer and ignores unknown keys', async () => {
    const store = new SettingsStore(join(dir.path, 'settings.json'));
    await expect(store.update({ theme: 'neon' })).rejects.toThrow(/theme must be one of system, light, dark/);
    await expect(store.update({ namespaces: { a: [1] } })).rejects.toThrow(/namespaces/);
    await expect(store.update({ lastClusterId: 5 })).rejects.toThrow(/lastClusterId/);
    await expect(store.update(null)).rejects.toThrow(/object/);
    expect(await store.update({ theme: 'light', evil: true })).toEqual({ theme: 'light', namespaces: {} });
  });

  it('keeps the good keys of a file written by another version', async () => {
    const file = join(dir.path, 'settings.json');
    await writeFile(file, JSON.stringify({ theme: 'sepia', lastClusterId: 'embedded', future: 1 }));
    expect(await new SettingsStore(file).get()).toEqual({
      theme: 'system',
      namespaces: {},
      lastClusterId: 'embedded',
    });
  });
});

describe('createAppService', () => {
  const state: EmbeddedState = { phase: 'running', runtime: 'docker', restarts: 0, dataDir: '/d' };
  const directory: ClusterDirectory = {
    list: async () => [
      { id: 'embedded', name: 'Kubedesk (embedded)', source: 'embedded', server: 'https://127.0.0.1:1' },
    ],
    connect: async () => undefined,
  };

  function service(embedded: EmbeddedControl) {
    return createAppService({
      mode: 'browser',
      version: '1.0.0',
      gatewayUrl: () => 'http://127.0.0.1:7420',
      platform: 'linux',
      directory,
      embedded,
      settings: new SettingsStore(join(dir.path, 'settings.json')),
    });
  }

  it('answers from its parts; browser mode has no file dialogs', async () => {
    const bridge = service({ state: () => state, restart: async () => {} });
    expect(await bridge.appVersion()).toBe('1.0.0');
    expect(await bridge.environment()).toEqual({
      mode: 'browser',
      gatewayUrl: 'http://127.0.0.1:7420',
      platform: 'linux',
    });
    expect((await bridge.listClusters()).map((c) => c.id)).toEqual(['embedded']);
    expect(await bridge.embeddedState()).toEqual(state);
    expect(await bridge.openFile()).toBeUndefined();
    expect(await bridge.saveFile('a.yaml', 'x')).toBeUndefined();
    expect(await bridge.updateSettings({ theme: 'dark' })).toEqual({ theme: 'dark', namespaces: {} });
    expect(await bridge.getSettings()).toEqual({ theme: 'dark', namespaces: {} });
  });

  it('restarts the embedded cluster without waiting for the old process to end', async () => {
    const restart = vi.fn(() => new Promise<void>(() => {})); // never settles: ending takes a while
    const restarting: EmbeddedState = { ...state, phase: 'restarting', runtime: 'simulated' };
    const bridge = service({ state: () => restarting, restart });
    expect(await bridge.restartEmbedded({ runtime: 'simulated' })).toEqual(restarting);
    expect(restart).toHaveBeenCalledWith({ runtime: 'simulated' });
    await expect(bridge.restartEmbedded({ runtime: 'none' as 'docker' })).rejects.toThrow(/runtime must be/);
  });
});

describe('appVersion', () => {
  it("is package.json's version", async () => {
    const manifest = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(appVersion()).toBe(manifest.version);
  });
});
