import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  EventRecorder,
  Informer,
  isStatus,
  resources,
  type CoreV1,
} from '../../embedded-cluster/client/index.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster?.destroy();
});

const configMap = (name: string, data: Record<string, string> = {}): CoreV1.ConfigMap => ({
  metadata: { name, namespace: 'default' },
  data,
});

describe('the in-process client', () => {
  it('creates, reads, updates and deletes through the API server', async () => {
    const maps = cluster.client.resource(resources.configMaps);
    const created = await maps.create(configMap('toolkit-crud', { a: '1' }));
    expect(created.metadata?.uid).toBeTruthy();
    const read = await maps.get('toolkit-crud', 'default');
    expect(read.data).toEqual({ a: '1' });
    const updated = await maps.update({ ...read, data: { a: '2' } });
    expect(updated.data).toEqual({ a: '2' });
    const patched = await maps.patch('toolkit-crud', { data: { b: '3' } }, { namespace: 'default' });
    expect(patched.data).toEqual({ a: '2', b: '3' });
    await maps.delete('toolkit-crud', { namespace: 'default' });
    await expect(maps.get('toolkit-crud', 'default')).rejects.toSatisfy((e) => isStatus(e, 'NotFound'));
  });

  it('gets the server’s validation and conflict errors as typed Status errors', async () => {
    const maps = cluster.client.resource(resources.configMaps);
    await expect(maps.create(configMap('Not_A_Name'))).rejects.toSatisfy((e) => isStatus(e, 'Invalid'));
    const created = await maps.create(configMap('toolkit-conflict'));
    await maps.update({ ...created, data: { x: '1' } });
    await expect(maps.update({ ...created, data: { x: '2' } })).rejects.toSatisfy((e) =>
      isStatus(e, 'Conflict'),
    );
  });

  it('applies admission: a pod gets its defaults, as over HTTPS', async () => {
    const pods = cluster.client.resource(resources.pods);
    const pod = await pods.create({
      metadata: { name: 'toolkit-pod', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    expect(pod.spec?.restartPolicy).toBe('Always');
    expect(pod.spec?.containers[0]?.terminationMessagePath).toBe('/dev/termination-log');
    await pods.delete('toolkit-pod', { namespace: 'default', gracePeriodSeconds: 0 });
  });

  it('watches from a resourceVersion', async () => {
    const maps = cluster.client.resource(resources.configMaps);
    const list = await maps.list({ namespace: 'default' });
    const abort = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const event of maps.watch({
        namespace: 'default',
        resourceVersion: list.metadata.resourceVersion!,
        signal: abort.signal,
      })) {
        seen.push(`${event.type} ${event.object.metadata?.name}`);
        if (seen.length === 2) abort.abort();
      }
    })();
    await maps.create(configMap('toolkit-watch'));
    await maps.delete('toolkit-watch', { namespace: 'default' });
    await watching;
    expect(seen).toEqual(['ADDED toolkit-watch', 'DELETED toolkit-watch']);
  });
});

describe('an informer', () => {
  it('lists, then follows changes into its store and handlers', async () => {
    const maps = cluster.client.resource(resources.configMaps);
    await maps.create(configMap('informer-before', { v: '1' }));
    const informer = new Informer(maps);
    const events: string[] = [];
    informer.addHandler({
      added: (o) => events.push(`added ${o.metadata?.name}`),
      updated: (_old, o) => events.push(`updated ${o.metadata?.name}`),
      deleted: (o) => events.push(`deleted ${o.metadata?.name}`),
    });
    informer.start();
    await informer.synced();
    expect(informer.store.getByName('default', 'informer-before')?.data).toEqual({ v: '1' });
    expect(informer.store.getByName('default', 'informer-before')?.kind).toBe('ConfigMap');
    await maps.patch('informer-before', { data: { v: '2' } }, { namespace: 'default' });
    await maps.delete('informer-before', { namespace: 'default' });
    await vi.waitFor(() => expect(events).toContain('deleted informer-before'));
    expect(events.filter((e) => e.endsWith('informer-before'))).toEqual([
      'added informer-before',
      'updated informer-before',
      'deleted informer-before',
    ]);
    expect(informer.store.getByName('default', 'informer-before')).toBeUndefined();
    informer.stop();
  });
});

describe('the event recorder', () => {
  it('records an Event, and the same event again bumps its count instead of adding another', async () => {
    const maps = cluster.client.resource(resources.configMaps);
    const subject = await maps.create(configMap('event-subject'));
    const recorder = new EventRecorder(cluster.client, { component: 'toolkit-test' });
    const typed = { ...subject, kind: 'ConfigMap', apiVersion: 'v1' };
    recorder.event(typed, 'Warning', 'Tested', 'it happened');
    recorder.event(typed, 'Warning', 'Tested', 'it happened');
    recorder.event(typed, 'Normal', 'Other', 'something else');
    await recorder.flush();
    const events = await cluster.client.resource(resources.events).list({
      namespace: 'default',
      fieldSelector: `involvedObject.uid=${subject.metadata!.uid}`,
    });
    const byReason = Object.fromEntries(events.items.map((e) => [e.reason, e]));
    expect(events.items).toHaveLength(2);
    expect(byReason.Tested).toMatchObject({
      type: 'Warning',
      message: 'it happened',
      count: 2,
      source: { component: 'toolkit-test' },
      involvedObject: { kind: 'ConfigMap', name: 'event-subject', namespace: 'default' },
    });
  });
});
