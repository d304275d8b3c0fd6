// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import PodContainers from '../../../../src-renderer/components/details/PodContainers.vue';
import { POD } from './pod-fixture.js';

describe('the container-state panel', () => {
  const now = Date.parse('2025-01-01T00:10:00Z');

  it('shows every container with its role, state, exit code explained, restarts and probes', () => {
    const wrapper = mount(PodContainers, { props: { pod: POD, now } });
    const cards = wrapper.findAll('[data-container]');
    expect(cards.map((c) => c.attributes('data-container'))).toEqual(['migrate', 'proxy', 'app', 'worker']);

    const app = wrapper.get('[data-container="app"]');
    expect(app.get('.role').text()).toBe('app');
    expect(app.get('.state').text()).toBe('Waiting: CrashLoopBackOff');
    expect(app.get('.state').classes()).toContain('waiting');
    expect(app.get('.message').text()).toBe('back-off 40s restarting failed container');
    expect(app.get('.restarts').text()).toBe('4');
    expect(app.get('.last').text()).toContain('Terminated: OOMKilled — exit 137');
    expect(app.get('.last').text()).toContain('SIGKILL (128+9)');
    expect(app.get('.last').text()).toContain('(5m ago)');
    expect(app.findAll('.probe').map((p) => p.text())).toEqual([
      'httpGet :8080/healthz every 10s, timeout 1s, failure 3',
      'httpGet :8080/ready every 5s, timeout 1s, failure 3',
    ]);
    expect(app.text()).toContain('http 8080/TCP');

    const worker = wrapper.get('[data-container="worker"]');
    expect(worker.get('.exit').text()).toBe('143 SIGTERM (128+15): terminated, e.g. on deletion or rollout');

    const proxy = wrapper.get('[data-container="proxy"]');
    expect(proxy.get('.role').text()).toBe('sidecar');
    expect(proxy.get('.state').text()).toBe('Running for 9m58s');
  });

  it('updates when the pod changes', async () => {
    const wrapper = mount(PodContainers, { props: { pod: POD, now } });
    const next = structuredClone(POD);
    next.status!.containerStatuses![0]!.state = { running: { startedAt: '2025-01-01T00:09:00Z' } };
    next.status!.containerStatuses![0]!.restartCount = 5;
    await wrapper.setProps({ pod: next });
    const app = wrapper.get('[data-container="app"]');
    expect(app.get('.state').text()).toBe('Running for 60s');
    expect(app.get('.restarts').text()).toBe('5');
  });
});
