import { describe, expect, it } from 'vitest';
import { proxyModeOf } from '../../../../src-renderer/components/network/proxy-mode.js';

const node = (annotations?: Record<string, string>) => ({ metadata: { name: 'kubedesk', annotations } });

describe('the kube-proxy mode a Node reports', () => {
  it('nothing before the proxy annotates the node', () => {
    expect(proxyModeOf(node())).toBeUndefined();
    expect(proxyModeOf(node({ 'kubedesk.dev/proxy-mode': ' ' }))).toBeUndefined();
  });

  it('iptables: the kernel', () => {
    expect(
      proxyModeOf(
        node({
          'kubedesk.dev/proxy-mode': 'iptables',
          'kubedesk.dev/proxy-mode-reason': 'root on Linux with iptables',
        }),
      ),
    ).toEqual({ mode: 'iptables', reason: 'root on Linux with iptables', text: 'iptables (kernel)' });
  });

  it('userspace: with the reason it fell back, or what it means', () => {
    expect(
      proxyModeOf(
        node({
          'kubedesk.dev/proxy-mode': 'userspace',
          'kubedesk.dev/proxy-mode-reason': 'not root: cannot program iptables',
        }),
      )!.text,
    ).toBe('userspace (not root: cannot program iptables)');
    expect(proxyModeOf(node({ 'kubedesk.dev/proxy-mode': 'userspace' }))!.text).toBe(
      'userspace (in the app)',
    );
  });

  it('an unknown mode as it is', () => {
    expect(proxyModeOf(node({ 'kubedesk.dev/proxy-mode': 'ipvs' }))!.text).toBe('ipvs');
  });
});
