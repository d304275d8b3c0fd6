import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { KubeApi } from '../../../../src-renderer/kube/index.js';
import { planDrain } from '../../../../src-renderer/components/actions/drain-plan.js';
import { drainNode, type EvictionProgress } from '../../../../src-renderer/components/actions/drain.js';

const pod = (
  name: string,
  extra: { owner?: string; phase?: string; mirror?: boolean; emptyDir?: boolean; deleting?: boolean } = {},
): Pod => ({
  metadata: {
    name,
    namespace: 'default',
    ...(extra.owner
      ? {
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: extra.owner, name: `${name}-owner`, uid: 'u', controller: true },
          ],
        }
      : {}),
    ...(extra.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'abc' } } : {}),
    ...(extra.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
  },
  spec: {
    nodeName: 'n1',
    containers: [],
    ...(extra.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
  },
  status: { phase: extra.phase ?? 'Running' },
});

const names = (pods: { metadata?: { name?: string } }[]) => pods.map((p) => p.metadata?.name);

describe('drain: which pods are evicted', () => {
  const pods = [
    pod('web', { owner: 'ReplicaSet' }),
    pod('agent', { owner: 'DaemonSet' }),
    pod('static', { mirror: true }),
    pod('bare'),
    pod('bare-done', { phase: 'Succeeded' }),
    pod('cache', { owner: 'StatefulSet', emptyDir: true }),
    pod('leaving', { owner: 'ReplicaSet', deleting: true }),
  ];

  it('skips DaemonSet, mirror and terminating pods; blocks unmanaged and emptyDir pods by default', () => {
    const plan = planDrain(pods);
    expect(names(plan.evict)).toEqual(['web', 'bare-done']);
    expect(plan.skipped.map((s) => [s.pod.metadata?.name, s.reason])).toEqual([
      ['agent', 'managed by DaemonSet agent-owner'],
      ['static', 'mirror pod (static pod of the kubelet)'],
      ['leaving', 'already being deleted'],
    ]);
    expect(plan.blocked.map((b) => b.pod.metadata?.name)).toEqual(['bare', 'cache']);
  });

  it('evicts unmanaged pods with force and emptyDir pods when their data may go', () => {
    const plan = planDrain(pods, { force: true, deleteEmptyDirData: true });
    expect(names(plan.evict)).toEqual(['web', 'bare', 'bare-done', 'cache']);
    expect(plan.blocked).toEqual([]);
    expect(names(plan.skipped.map((s) => s.pod))).toEqual(['agent', 'static', 'leaving']);
  });
});

describe('drain: the run', () => {
  /** A fetch answering the cordon patch, the pod list and evictions (the first eviction of `pdb` gets a 429). */
  function fakeApi(pods: Pod[]) {
    const calls: string[] = [];
    let refused = false;
    const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
      const url = new URL(String(input));
      const method = init.method ?? 'GET';
      calls.push(`${method} ${url.pathname}${url.search}`);
      const json = (status: number, body: unknown) =>
        new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
      if (method === 'PATCH')
        return json(200, { metadata: { name: 'n1' }, spec: JSON.parse(String(init.body)).spec });
      if (method === 'GET') return json(200, { metadata: {}, items: pods });
      const name = url.pathname.split('/').at(-2);
      if (name === 'pdb' && !refused) {
        refused = true;
        return json(429, {
          kind: 'Status',
          status: 'Failure',
          code: 429,
          reason: 'TooManyRequests',
          message: "Cannot evict pod as it would violate the pod's disruption budget.",
        });
      }
      if (name === 'broken')
        return json(403, {
          kind: 'Status',
          status: 'Failure',
          code: 403,
          reason: 'Forbidden',
          message: 'evictions are forbidden here',
        });
      return json(201, { kind: 'Status', status: 'Success' });
    }) as typeof globalThis.fetch;
    return { api: new KubeApi({ baseUrl: 'https://kube.test', fetch }), calls };
  }

  it('cordons, evicts through the eviction subresource, retries PDB 429s and reports failures', async () => {
    const { api, calls } = fakeApi([
      pod('web', { owner: 'ReplicaSet' }),
      pod('pdb', { owner: 'ReplicaSet' }),
      pod('broken', { owner: 'ReplicaSet' }),
      pod('agent', { owner: 'DaemonSet' }),
    ]);
    const seen: EvictionProgress[][] = [];
    const sleeps: number[] = [];
    const result = await drainNode({
      api,
      node: 'n1',
      onProgress: (p) => seen.push(p),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    expect(calls[0]).toBe('PATCH /api/v1/nodes/n1');
    expect(calls[1]).toBe('GET /api/v1/pods?fieldSelector=spec.nodeName%3Dn1');
    expect(calls.filter((c) => c.endsWith('/eviction'))).toEqual([
      'POST /api/v1/namespaces/default/pods/web/eviction',
      'POST /api/v1/namespaces/default/pods/pdb/eviction',
      'POST /api/v1/namespaces/default/pods/broken/eviction',
      'POST /api/v1/namespaces/default/pods/pdb/eviction',
    ]);
    expect(sleeps).toEqual([5000]);
    expect(
      seen.some((p) =>
        p.some(
          (e) =>
            e.name === 'pdb' && e.phase === 'waiting-budget' && /disruption budget/.test(e.message ?? ''),
        ),
      ),
    ).toBe(true);
    expect(result.progress.map((p) => [p.name, p.phase, p.message])).toEqual([
      ['web', 'evicted', undefined],
      ['pdb', 'evicted', undefined],
      ['broken', 'failed', 'evictions are forbidden here'],
    ]);
    expect(result.plan.skipped.map((s) => s.pod.metadata?.name)).toEqual(['agent']);
  });

  it('cordons but evicts nothing while a pod blocks the drain', async () => {
    const { api, calls } = fakeApi([pod('web', { owner: 'ReplicaSet' }), pod('bare')]);
    const result = await drainNode({ api, node: 'n1' });
    expect(result.plan.blocked.map((b) => b.pod.metadata?.name)).toEqual(['bare']);
    expect(calls.some((c) => c.endsWith('/eviction'))).toBe(false);
    expect(calls[0]).toBe('PATCH /api/v1/nodes/n1');
  });
});
