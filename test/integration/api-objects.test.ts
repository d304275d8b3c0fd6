import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
let api: ApiClient;
beforeAll(async () => {
  cluster = await startTestCluster();
  api = new ApiClient(cluster.url, cluster.token, cluster.caCert);
});
afterAll(async () => cluster?.destroy());

const cms = '/api/v1/namespaces/default/configmaps';
const deployments = '/apis/apps/v1/namespaces/default/deployments';
const configMap = (name: string, data: Record<string, string> = { a: '1' }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});
const deployment = (name: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    },
  },
});

describe('objects: create, read, update, delete', () => {
  it('creates with uid, creationTimestamp and resourceVersion; a second create conflicts', async () => {
    const res = await api.post(cms, configMap('one'));
    expect(res.status).toBe(201);
    const meta = res.body.metadata;
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(meta.resourceVersion).toMatch(/^\d+$/);
    expect(meta.namespace).toBe('default');
    const again = await api.post(cms, configMap('one'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "one" already exists' });
  });

  it('generates names from generateName', async () => {
    const res = await api.post(cms, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'gen-' },
    });
    expect(res.status).toBe(201);
    expect(res.body.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('answers a missing object with 404 NotFound naming it', async () => {
    const res = await api.get(`${cms}/nope`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      reason: 'NotFound',
      message: 'configmaps "nope" not found',
      details: { name: 'nope', kind: 'configmaps' },
    });
    const apps = await api.get(`${deployments}/nope`);
    expect(apps.body.message).toBe('deployments.apps "nope" not found');
  });

  it('refuses objects in a namespace that does not exist, or one that differs from the URL', async () => {
    const missing = await api.post('/api/v1/namespaces/ghost/configmaps', configMap('x'));
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('namespaces "ghost" not found');
    const mismatch = await api.post(cms, {
      ...configMap('x'),
      metadata: { name: 'x', namespace: 'kube-system' },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.message).toBe(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  });

  it('rejects an update with a stale resourceVersion with 409, and accepts one without', async () => {
    const created = (await api.post(cms, configMap('stale'))).body;
    const first = await api.put(`${cms}/stale`, { ...created, data: { a: '2' } });
    expect(first.status).toBe(200);
    const stale = await api.put(`${cms}/stale`, { ...created, data: { a: '3' } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again',
    });
    const { resourceVersion: _rv, ...meta } = created.metadata;
    const unconditional = await api.put(`${cms}/stale`, { ...created, metadata: meta, data: { a: '4' } });
    expect(unconditional.status).toBe(200);
    expect(unconditional.body.data).toEqual({ a: '4' });
  });

  it('writes nothing for an update that changes nothing', async () => {
    const created = (await api.post(cms, configMap('same'))).body;
    const again = await api.put(`${cms}/same`, created);
    expect(again.body.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('bumps generation on spec changes only, and keeps status out of main-resource writes', async () => {
    const created = (await api.post(deployments, deployment('gen'))).body;
    expect(created.metadata.generation).toBe(1);
    const labelled = (
      await api.patch(
        `${deployments}/gen`,
        { metadata: { labels: { extra: 'yes' } } },
        'application/merge-patch+json',
      )
    ).body;
    expect(labelled.metadata.generation).toBe(1);
    const scaled = (
      await api.patch(`${deployments}/gen`, { spec: { replicas: 3 } }, 'application/merge-patch+json')
    ).body;
    expect(scaled.metadata.generation).toBe(2);
    const withStatus = await api.patch(
      `${deployments}/gen`,
      { status: { replicas: 9 } },
      'application/merge-patch+json',
    );
    expect(withStatus.body.status?.replicas).not.toBe(9);
    const status = await api.patch(
      `${deployments}/gen/status`,
      { status: { replicas: 9 }, spec: { replicas: 7 } },
      'application/merge-patch+json',
    );
    expect(status.body.status.replicas).toBe(9);
    expect(status.body.spec.replicas).toBe(3);
    expect(status.body.metadata.generation).toBe(2);
  });

  it('serves the scale subresource of a deployment', async () => {
    await api.post(deployments, deployment('scaled', 2));
    const scale = (await api.get(`${deployments}/scaled/scale`)).body;
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 2 },
      status: { selector: 'app=scaled' },
    });
    const updated = await api.put(`${deployments}/scaled/scale`, { ...scale, spec: { replicas: 5 } });
    expect(updated.body.spec.replicas).toBe(5);
    expect((await api.get(`${deployments}/scaled`)).body.spec.replicas).toBe(5);
  });

  it('dry-runs a create without storing it', async () => {
    const res = await api.post(`${cms}?dryRun=All`, configMap('dry'));
    expect(res.status).toBe(201);
    expect((await api.get(`${cms}/dry`)).status).toBe(404);
    const bad = await api.post(`${cms}?dryRun=Maybe`, configMap('dry'));
    expect(bad.status).toBe(422);
  });

  it('keeps an object with finalizers until they are removed, marked with a deletionTimestamp', async () => {
    await api.post(cms, { ...configMap('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const deleting = await api.delete(`${cms}/fin`);
    expect(deleting.status).toBe(202);
    const held = (await api.get(`${cms}/fin`)).body;
    expect(held.metadata.deletionTimestamp).toBeDefined();
    const released = await api.patch(
      `${cms}/fin`,
      { metadata: { finalizers: null } },
      'application/merge-patch+json',
    );
    expect(released.status).toBe(200);
    expect((await api.get(`${cms}/fin`)).status).toBe(404);
  });

  it('records the propagation policy as a finalizer for the garbage collector', async () => {
    await api.post(deployments, deployment('orphaned'));
    await api.request('DELETE', `${deployments}/orphaned`, { body: { propagationPolicy: 'Orphan' } });
    expect((await api.get(`${deployments}/orphaned`)).body.metadata.finalizers).toEqual(['orphan']);
    await api.post(deployments, deployment('foreground'));
    await api.delete(`${deployments}/foreground?propagationPolicy=Foreground`);
    expect((await api.get(`${deployments}/foreground`)).body.metadata.finalizers).toEqual([
      'foregroundDeletion',
    ]);
  });

  it('deletes an unscheduled pod at once and gives a scheduled one its grace period', async () => {
    const pods = '/api/v1/namespaces/default/pods';
    const pod = (name: string, nodeName?: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox' }] },
    });
    await api.post(pods, pod('unscheduled'));
    expect((await api.delete(`${pods}/unscheduled`)).status).toBe(200);
    expect((await api.get(`${pods}/unscheduled`)).status).toBe(404);
    await api.post(pods, pod('running', 'node-1'));
    const deleting = await api.delete(`${pods}/running?gracePeriodSeconds=20`);
    expect(deleting.status).toBe(202);
    const pending = (await api.get(`${pods}/running`)).body;
    expect(pending.metadata.deletionGracePeriodSeconds).toBe(20);
    // The kubelet finishes it with a zero grace period.
    expect((await api.delete(`${pods}/running?gracePeriodSeconds=0`)).status).toBe(200);
    expect((await api.get(`${pods}/running`)).status).toBe(404);
  });

  it('binds a pod to a node once', async () => {
    const pods = '/api/v1/namespaces/default/pods';
    await api.post(pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bindme' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'bindme' },
      target: { kind: 'Node', name: 'node-1' },
    };
    expect((await api.post(`${pods}/bindme/binding`, binding)).status).toBe(201);
    const pod = (await api.get(`${pods}/bindme`)).body;
    expect(pod.spec.nodeName).toBe('node-1');
    expect(pod.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'PodScheduled', status: 'True' }),
    );
    const again = await api.post(`${pods}/bindme/binding`, binding);
    expect(again.status).toBe(409);
  });

  it('stores events with a one-hour lease', async () => {
    const res = await api.post('/api/v1/namespaces/default/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'ev1' },
      involvedObject: { kind: 'Pod', name: 'x', namespace: 'default' },
      reason: 'Test',
      message: 'hello',
    });
    expect(res.status).toBe(201);
    const { kvs } = await cluster.store.range('/registry/events/default/ev1');
    expect(kvs[0]!.lease).not.toBe(0);
    const ttl = await cluster.store.leaseTimeToLive(kvs[0]!.lease);
    expect(ttl).toBeGreaterThan(3600);
    expect(ttl).toBeLessThanOrEqual(3660);
  });

  it('allocates Service cluster IPs and node ports, and reports conflicts', async () => {
    const services = '/api/v1/namespaces/default/services';
    const svc = (name: string, spec: Record<string, unknown>) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec,
    });
    const plain = (await api.post(services, svc('plain', { selector: { app: 'x' }, ports: [{ port: 80 }] })))
      .body;
    expect(plain.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(plain.spec.clusterIPs).toEqual([plain.spec.clusterIP]);
    const headless = (await api.post(services, svc('headless', { clusterIP: 'None', ports: [{ port: 80 }] })))
      .body;
    expect(headless.spec.clusterIP).toBe('None');
    const np = (await api.post(services, svc('np', { type: 'NodePort', ports: [{ port: 80 }] }))).body;
    const nodePort = np.spec.ports[0].nodePort;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    const clash = await api.post(
      services,
      svc('clash', { type: 'NodePort', ports: [{ port: 81, nodePort }] }),
    );
    expect(clash.status).toBe(422);
    expect(clash.body.message).toBe(
      `Service "clash" is invalid: spec.ports[0].nodePort: Invalid value: ${nodePort}: provided port is already allocated`,
    );
    const sameIp = await api.post(
      services,
      svc('same-ip', { clusterIP: plain.spec.clusterIP, ports: [{ port: 80 }] }),
    );
    expect(sameIp.status).toBe(422);
    expect(sameIp.body.message).toContain('provided IP is already allocated');
    // An update keeps what was allocated.
    const relabelled = await api.patch(
      `${services}/np`,
      { metadata: { labels: { a: 'b' } } },
      'application/merge-patch+json',
    );
    expect(relabelled.body.spec.ports[0].nodePort).toBe(nodePort);
    expect(relabelled.body.spec.clusterIP).toBe(np.spec.clusterIP);
  });

  it('answers an unsupported verb with 405', async () => {
    const res = await api.get('/api/v1/namespaces/default/bindings');
    expect(res.status).toBe(405);
    expect(res.body.reason).toBe('MethodNotAllowed');
  });
});
