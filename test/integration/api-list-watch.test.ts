import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
let api: ApiClient;
beforeAll(async () => {
  cluster = await startTestCluster();
  api = new ApiClient(cluster.url, cluster.token, cluster.caCert);
  await api.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lists' } });
});
afterAll(async () => cluster?.destroy());

const cms = '/api/v1/namespaces/lists/configmaps';
const cm = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data: { name },
});

describe('lists', () => {
  it('pages with limit and continue at one consistent revision, counting what remains', async () => {
    for (let i = 0; i < 7; i++) await api.post(cms, cm(`page-${i}`));
    const first = (await api.get(`${cms}?limit=3`)).body;
    expect(first.kind).toBe('ConfigMapList');
    expect(first.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual([
      'page-0',
      'page-1',
      'page-2',
    ]);
    expect(first.metadata.remainingItemCount).toBe(4);
    // A write between pages does not show up: the list is read at the first page's revision.
    await api.post(cms, cm('page-9'));
    const second = (await api.get(`${cms}?limit=3&continue=${first.metadata.continue}`)).body;
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const third = (await api.get(`${cms}?limit=3&continue=${second.metadata.continue}`)).body;
    expect(third.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['page-6']);
    expect(third.metadata.continue).toBeUndefined();
  });

  it('lists at an exact past resourceVersion, and says 410 once it is compacted', async () => {
    const before = (await api.get(cms)).body.metadata.resourceVersion;
    await api.post(cms, cm('later'));
    const exact = (await api.get(`${cms}?resourceVersion=${before}&resourceVersionMatch=Exact`)).body;
    expect(exact.items.map((i: { metadata: { name: string } }) => i.metadata.name)).not.toContain('later');
    const { revision } = await cluster.store.status();
    await cluster.store.compact(revision);
    const gone = await api.get(`${cms}?resourceVersion=${before}&resourceVersionMatch=Exact`);
    expect(gone.status).toBe(410);
    expect(gone.body.reason).toBe('Expired');
  });

  it('validates resourceVersionMatch and refuses a version from the future', async () => {
    expect((await api.get(`${cms}?resourceVersionMatch=Exact`)).status).toBe(400);
    expect((await api.get(`${cms}?resourceVersion=0&resourceVersionMatch=Exact`)).status).toBe(400);
    const future = await api.get(`${cms}?resourceVersion=99999999&resourceVersionMatch=NotOlderThan`);
    expect(future.status).toBe(504);
    expect(future.body.message).toMatch(/^Too large resource version: 99999999, current: \d+$/);
  });

  it('gzips large responses for clients that accept it, as kube-apiserver does', async () => {
    for (let i = 0; i < 80; i++) await api.post(cms, { ...cm(`big-${i}`), data: { blob: 'x'.repeat(2048) } });
    const zipped = await api.get(cms);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.items.length).toBeGreaterThanOrEqual(80);
    const plain = await api.get(cms, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.items.length).toBe(zipped.body.items.length);
    const small = await api.get(`${cms}?limit=1`);
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('lists across all namespaces', async () => {
    const all = (await api.get('/api/v1/configmaps')).body;
    expect(
      all.items.every((i: { metadata: { namespace?: string } }) => i.metadata.namespace !== undefined),
    ).toBe(true);
    expect(all.items.length).toBeGreaterThanOrEqual(8);
  });
});

describe('watches', () => {
  it('starts with the current state as ADDED events when no resourceVersion is given', async () => {
    const events = await api.watch(`${cms}?watch=1`, (e) => e.length >= 3, 3000);
    expect(events.slice(0, 3).every((e) => e.type === 'ADDED')).toBe(true);
  });

  it('delivers ADDED, MODIFIED and DELETED after a resourceVersion, with the deletion revision', async () => {
    const rv = (await api.get(cms)).body.metadata.resourceVersion;
    const watching = api.watch(`${cms}?watch=1&resourceVersion=${rv}`, (e) => e.length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    const created = (await api.post(cms, cm('w1'))).body;
    await api.patch(`${cms}/w1`, { data: { x: 'y' } }, 'application/merge-patch+json');
    await api.delete(`${cms}/w1`);
    const events = await watching;
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[0]!.object.metadata.uid).toBe(created.metadata.uid);
    const [added, modified, deleted] = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(added! < modified! && modified! < deleted!).toBe(true);
  });

  it('sends bookmarks when allowed, and marks the end of initial events for streaming lists', async () => {
    const rv = (await api.get(cms)).body.metadata.resourceVersion;
    const events = await api.watch(
      `${cms}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`,
      (e) => e.some((x) => x.type === 'BOOKMARK'),
    );
    const bookmark = events[events.length - 1]!;
    expect(bookmark.type).toBe('BOOKMARK');
    expect(bookmark.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(bookmark.object.kind).toBe('ConfigMap');
    expect(events.slice(0, -1).every((e) => e.type === 'ADDED')).toBe(true);
    const bad = await api.get(`${cms}?watch=1&sendInitialEvents=true`);
    expect(bad.status).toBe(400);
  });

  it('ends the watch of a client that stops reading, instead of buffering without end', async () => {
    const { request } = await import('node:https');
    const rv = (await api.get(cms)).body.metadata.resourceVersion;
    // 900 KB values: a ConfigMap may hold at most 1 MiB.
    const blob = (i: number) => `${String(i).padStart(3, '0')}${'x'.repeat(900 * 1024)}`;
    const received = await new Promise<{ bytes: number }>((resolve, reject) => {
      const req = request(new URL(`${cluster.url}${cms}?watch=1&resourceVersion=${rv}`), {
        ca: cluster.caCert,
        headers: { Authorization: `Bearer ${cluster.token}` },
      });
      req.on('response', async (res) => {
        res.pause();
        await api.post(cms, { ...cm('hog'), data: { blob: blob(0) } });
        for (let i = 1; i <= 40; i++) {
          const r = await api.patch(
            `${cms}/hog`,
            { data: { blob: blob(i) } },
            'application/merge-patch+json',
          );
          expect(r.status).toBe(200);
        }
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ bytes }));
        res.resume();
      });
      req.on('error', reject);
      req.end();
    });
    // 41 events of 900 KB were made; the server ended the watch at 16 MiB unread.
    expect(received.bytes).toBeGreaterThan(16 * 1024 * 1024);
    expect(received.bytes).toBeLessThan(41 * 900 * 1024);
  }, 30_000);

  it('reports a compacted resourceVersion as an ERROR event with 410 Expired', async () => {
    const events = await api.watch(`${cms}?watch=1&resourceVersion=2`, (e) => e.length >= 1);
    expect(events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
    expect(events[0]!.object.message).toMatch(/^too old resource version: 2 \(\d+\)$/);
  });
});
