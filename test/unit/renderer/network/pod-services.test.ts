import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { describe, expect, it } from 'vitest';
import {
  podServices,
  portMapping,
  selects,
} from '../../../../src-renderer/components/network/pod-services.js';

function pod(
  overrides: { ready?: boolean; ip?: string; phase?: string; labels?: Record<string, string> } = {},
): Pod {
  const ready = overrides.ready ?? true;
  return {
    metadata: {
      name: 'kubia-abc',
      namespace: 'default',
      uid: 'pod-uid',
      labels: overrides.labels ?? { app: 'kubia', tier: 'web' },
    },
    spec: { containers: [{ name: 'kubia', image: 'kubia', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: {
      phase: overrides.phase ?? 'Running',
      ...(overrides.ip === '' ? {} : { podIP: overrides.ip ?? '10.244.0.5' }),
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? undefined : 'ContainersNotReady' },
      ],
      containerStatuses: [{ name: 'kubia', ready, restartCount: 0, image: 'kubia', imageID: '' }],
    },
  };
}

function service(
  name: string,
  selector: Record<string, string> | undefined,
  extra: Service['spec'] = {},
  namespace = 'default',
): Service {
  return {
    metadata: { name, namespace },
    spec: { type: 'ClusterIP', selector, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], ...extra },
  };
}

/** A slice the EndpointSlice controller would write for `service`, listing the pod with these conditions. */
function slice(
  service: string,
  conditions: Record<string, boolean> | undefined,
  ref: { uid?: string; name?: string } = { uid: 'pod-uid' },
): EndpointSlice {
  return {
    metadata: {
      name: `${service}-x1`,
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': service },
    },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: ['10.244.0.9'],
        targetRef: { kind: 'Pod', name: 'other', uid: 'other-uid' },
        conditions: { ready: true },
      },
      {
        addresses: ['10.244.0.5'],
        targetRef: { kind: 'Pod', namespace: 'default', ...ref },
        ...(conditions ? { conditions } : {}),
      },
    ],
  };
}

describe('the Services that choose a pod', () => {
  it('by selector (every pair among the pod’s labels), sorted, with ready from its EndpointSlice', () => {
    const matches = podServices(
      pod(),
      [
        service('kubia', { app: 'kubia' }),
        service('api', { app: 'kubia', tier: 'web' }),
        service('other', { app: 'other' }),
        service('wide', { app: 'kubia', tier: 'db' }),
      ],
      [slice('kubia', { ready: true, serving: true, terminating: false }), slice('api', { ready: true })],
    );
    expect(matches).toEqual([
      { name: 'api', type: 'ClusterIP', ports: ['80→8080/TCP'], via: 'selector', state: 'ready' },
      { name: 'kubia', type: 'ClusterIP', ports: ['80→8080/TCP'], via: 'selector', state: 'ready' },
    ]);
  });

  it('not ready in the slice: no traffic, and why (the containers not ready)', () => {
    const [m] = podServices(
      pod({ ready: false }),
      [service('kubia', { app: 'kubia' })],
      [slice('kubia', { ready: false, serving: false, terminating: false })],
    );
    expect(m).toMatchObject({
      state: 'not ready',
      detail: 'container kubia not ready: no traffic until it is',
    });
  });

  it('a nil ready condition counts as ready, as discovery/v1 says', () => {
    expect(
      podServices(pod(), [service('kubia', { app: 'kubia' })], [slice('kubia', undefined)])[0]!.state,
    ).toBe('ready');
  });

  it('terminating endpoints', () => {
    const [m] = podServices(
      pod(),
      [service('kubia', { app: 'kubia' })],
      [slice('kubia', { ready: false, serving: true, terminating: true })],
    );
    expect(m).toMatchObject({ state: 'terminating', detail: 'still serving while it shuts down' });
  });

  it('publishNotReadyAddresses: traffic though the pod is not Ready', () => {
    const [m] = podServices(
      pod({ ready: false }),
      [service('kubia', { app: 'kubia' }, { publishNotReadyAddresses: true })],
      [slice('kubia', { ready: true })],
    );
    expect(m).toMatchObject({
      state: 'ready',
      detail: 'publishNotReadyAddresses: gets traffic though the pod is not Ready',
    });
  });

  it('chosen but not listed: no IP yet, finished, or the controller has not caught up', () => {
    const svc = [service('kubia', { app: 'kubia' })];
    expect(podServices(pod({ ip: '' }), svc, [])[0]).toMatchObject({
      state: 'not listed',
      detail: 'the pod has no IP yet',
    });
    expect(podServices(pod({ phase: 'Succeeded' }), svc, [])[0]!.detail).toMatch(/finished \(Succeeded\)/);
    expect(podServices(pod(), svc, [])[0]!.detail).toBe('not in its EndpointSlices yet');
  });

  it('unknown when slices cannot be read', () => {
    expect(podServices(pod(), [service('kubia', { app: 'kubia' })], undefined)[0]).toMatchObject({
      state: 'unknown',
    });
  });

  it('a Service without a selector counts when its hand-made slice names the pod (by uid or, without one, by name)', () => {
    const manual = [service('manual', undefined), service('empty', {})];
    expect(podServices(pod(), manual, [])).toEqual([]);
    const byName = podServices(pod(), manual, [slice('manual', { ready: true }, { name: 'kubia-abc' })]);
    expect(byName).toEqual([expect.objectContaining({ name: 'manual', via: 'endpoints', state: 'ready' })]);
  });

  it('ignores Services and slices of other namespaces, and slices of other Services', () => {
    const elsewhere = service('kubia', { app: 'kubia' }, {}, 'other');
    expect(podServices(pod(), [elsewhere], [])).toEqual([]);
    const [m] = podServices(
      pod(),
      [service('kubia', { app: 'kubia' })],
      [slice('not-kubia', { ready: false })],
    );
    expect(m!.state).toBe('not listed');
  });

  it('ExternalName Services send no traffic to pods', () => {
    const [m] = podServices(
      pod(),
      [service('ext', { app: 'kubia' }, { type: 'ExternalName', externalName: 'x.com' })],
      [],
    );
    expect(m).toMatchObject({
      state: 'unknown',
      detail: 'ExternalName: a DNS alias, it sends no traffic to pods',
    });
  });

  it('names target ports by number, or by name resolved in this pod', () => {
    const p = pod();
    expect(portMapping({ port: 80, targetPort: 8080 }, p)).toBe('80→8080/TCP');
    expect(portMapping({ port: 53, protocol: 'UDP' }, p)).toBe('53→53/UDP');
    expect(portMapping({ port: 80, targetPort: 'http' }, p)).toBe('80→http (8080)/TCP');
    expect(portMapping({ port: 80, targetPort: 'metrics' }, p)).toBe(
      '80→metrics (no such container port)/TCP',
    );
  });

  it('an empty selector chooses nothing', () => {
    expect(selects(service('a', {}), { app: 'kubia' })).toBe(false);
    expect(selects(service('a', { app: 'kubia' }), undefined)).toBe(false);
  });
});
