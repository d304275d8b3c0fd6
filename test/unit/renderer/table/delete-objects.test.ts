import { describe, expect, it } from 'vitest';
import { deleteObjects, parseGracePeriod } from '../../../../src-renderer/components/table/delete-objects.js';
import { KubeApi, type ResourceType } from '../../../../src-renderer/kube/index.js';

const pods: ResourceType = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };

describe('deleting the selection', () => {
  it('deletes each object with the grace period and background propagation, and reports each failure', async () => {
    const requests: { url: URL; method: string; body: unknown }[] = [];
    const api = new KubeApi({
      baseUrl: 'https://kube.test',
      fetch: (async (input: string | URL, init: RequestInit = {}) => {
        const url = new URL(String(input));
        requests.push({
          url,
          method: init.method ?? 'GET',
          body: init.body ? JSON.parse(String(init.body)) : undefined,
        });
        if (url.pathname.endsWith('/locked')) {
          return new Response(
            JSON.stringify({
              kind: 'Status',
              status: 'Failure',
              code: 403,
              reason: 'Forbidden',
              message: 'pods "locked" is forbidden',
            }),
            { status: 403, headers: { 'Content-Type': 'application/json' } },
          );
        }
        return new Response(JSON.stringify({ kind: 'Status', status: 'Success' }), { status: 200 });
      }) as typeof fetch,
    });
    const results = await deleteObjects(
      api,
      pods,
      [
        { name: 'web-1', namespace: 'shop' },
        { name: 'locked', namespace: 'shop' },
        { name: 'web-2', namespace: 'blog' },
      ],
      { gracePeriodSeconds: 0 },
    );
    expect(requests.map((r) => `${r.method} ${r.url.pathname}`).sort()).toEqual([
      'DELETE /api/v1/namespaces/blog/pods/web-2',
      'DELETE /api/v1/namespaces/shop/pods/locked',
      'DELETE /api/v1/namespaces/shop/pods/web-1',
    ]);
    const sent = JSON.stringify([...requests.map((r) => r.body), ...requests.map((r) => r.url.search)]);
    expect(sent).toMatch(/gracePeriodSeconds/);
    expect(sent).toMatch(/Background/);
    expect(results.map((r) => [r.target.name, r.error?.message])).toEqual([
      ['web-1', undefined],
      ['locked', 'pods "locked" is forbidden'],
      ['web-2', undefined],
    ]);
    expect(results[1]!.error!.code).toBe(403);
  });

  it('reads the grace period field', () => {
    expect(parseGracePeriod('')).toEqual({ ok: true, seconds: undefined });
    expect(parseGracePeriod(' 30 ')).toEqual({ ok: true, seconds: 30 });
    expect(parseGracePeriod('0')).toEqual({ ok: true, seconds: 0 });
    expect(parseGracePeriod('-1').ok).toBe(false);
    expect(parseGracePeriod('5s').ok).toBe(false);
  });
});
