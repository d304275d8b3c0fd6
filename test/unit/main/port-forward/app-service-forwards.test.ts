/** The bridge's port-forward methods: handed to the port-forward service, or refused without one. */
import { describe, expect, it, vi } from 'vitest';
import { createAppService, type PortForwardControl } from '../../../../src-main/app/app-service.js';
import { SettingsStore } from '../../../../src-main/app/settings-store.js';
import type { PortForwardInfo } from '../../../../src-main/shared/bridge.js';

const info: PortForwardInfo = {
  id: 'f1',
  clusterId: 'embedded',
  namespace: 'default',
  target: { kind: 'Pod', name: 'web' },
  port: 80,
  localPort: 40000,
  url: 'http://127.0.0.1:40000',
  state: 'active',
  connections: 0,
};

function service(portForwards?: PortForwardControl) {
  return createAppService({
    mode: 'browser',
    version: '1.0.0',
    gatewayUrl: () => 'http://127.0.0.1:7420',
    directory: { list: async () => [], connect: async () => undefined },
    embedded: {
      state: () => ({ phase: 'running', runtime: 'simulated', restarts: 0, dataDir: '/d' }),
      restart: async () => {},
    },
    settings: new SettingsStore('/nonexistent/settings.json'),
    ...(portForwards ? { portForwards } : {}),
  });
}

describe('the bridge’s port-forward methods', () => {
  it('pass the renderer’s arguments to the port-forward service', async () => {
    const control = {
      start: vi.fn(async () => info),
      list: vi.fn(() => [info]),
      stop: vi.fn(async () => {}),
    };
    const bridge = service(control);
    const request = { clusterId: 'embedded', namespace: 'default', target: info.target, port: 80 };
    expect(await bridge.startPortForward(request)).toEqual(info);
    expect(control.start).toHaveBeenCalledWith(request);
    expect(await bridge.listPortForwards()).toEqual([info]);
    await bridge.stopPortForward('f1');
    expect(control.stop).toHaveBeenCalledWith('f1');
  });

  it('say so when the app has no port-forwarding, and list none', async () => {
    const bridge = service();
    await expect(bridge.startPortForward({ ...info })).rejects.toThrow(/not available/);
    await expect(bridge.stopPortForward('f1')).rejects.toThrow(/not available/);
    expect(await bridge.listPortForwards()).toEqual([]);
  });
});
