// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  connectionTone,
  embeddedTone,
  retryText,
} from '../../../../src-renderer/components/shell/connection-state.js';
import { pickLabel, togglePick } from '../../../../src-renderer/components/shell/namespace-choice.js';
import { dockerAdvice, nodeNotReady } from '../../../../src-renderer/components/shell/node-readiness.js';
import { applyTheme, nextTheme } from '../../../../src-renderer/components/shell/theme.js';
import { StatusError } from '../../../../src-renderer/kube/index.js';

describe('theme', () => {
  it('puts data-theme on <html> for light and dark, and removes it to follow the system', () => {
    const root = document.documentElement;
    applyTheme('dark', root);
    expect(root.getAttribute('data-theme')).toBe('dark');
    applyTheme('system', root);
    expect(root.hasAttribute('data-theme')).toBe(false);
    expect([nextTheme('system'), nextTheme('light'), nextTheme('dark')]).toEqual(['light', 'dark', 'system']);
  });
});

describe('connection state', () => {
  it('maps informer connection phases to a dot and words', () => {
    expect(connectionTone({ phase: 'connected' }).tone).toBe('ok');
    const down = connectionTone({
      phase: 'disconnected',
      error: new StatusError({ kind: 'Status', code: 0, message: 'connection refused' }),
    });
    expect(down).toEqual({ tone: 'danger', label: 'Disconnected: connection refused' });
    expect(
      embeddedTone(
        { phase: 'restarting', runtime: 'docker', restarts: 1, dataDir: '/d', message: 'crashed' },
        { phase: 'idle' },
      ),
    ).toEqual({
      tone: 'warning',
      label: 'Cluster restarting: crashed',
    });
    expect(retryText(10_500, 1_000)).toBe('retrying in 10 s');
    expect(retryText(900, 1_000)).toBe('retrying now');
  });
});

describe('namespace pick', () => {
  it('says all, one or how many, and toggles names in a multiple pick', () => {
    expect(pickLabel([])).toBe('All namespaces');
    expect(pickLabel(['default'])).toBe('default');
    expect(pickLabel(['a', 'b'])).toBe('2 namespaces');
    expect(togglePick(['b'], 'a')).toEqual(['a', 'b']);
    expect(togglePick(['a', 'b'], 'a')).toEqual(['b']);
  });
});

describe('the embedded node', () => {
  const node = (status: string, message?: string) => ({
    metadata: { name: 'kubedesk' },
    status: { conditions: [{ type: 'Ready', status, reason: 'KubeletNotReady', message }] },
  });

  it("reports the Ready condition's message when the node is not ready", () => {
    expect(nodeNotReady([node('True')])).toBeUndefined();
    expect(nodeNotReady([])).toBeUndefined();
    expect(
      nodeNotReady([node('False', 'container runtime is down: connect ENOENT /var/run/docker.sock')]),
    ).toEqual({
      reason: 'KubeletNotReady',
      message: 'container runtime is down: connect ENOENT /var/run/docker.sock',
    });
    expect(dockerAdvice('linux')).toMatch(/systemctl start docker/);
    expect(dockerAdvice('darwin')).toMatch(/Docker Desktop/);
  });
});
