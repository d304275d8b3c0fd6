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

describe('API server basics', () => {
  it('answers a request without a valid token with 401 as a Status', async () => {
    for (const token of [null, 'wrong']) {
      const res = await api.get('/api/v1/namespaces', { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });

  it('reports itself as Kubernetes v1.32', async () => {
    const res = await api.get('/version');
    expect(res.body).toMatchObject({ major: '1', minor: '32' });
    expect(res.body.gitVersion).toMatch(/^v1\.32\./);
  });

  it('serves health checks, verbose on request', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const res = await api.get(path, { accept: 'text/plain' });
      expect([res.status, res.text]).toEqual([200, 'ok']);
    }
    const verbose = await api.get('/readyz?verbose', { accept: 'text/plain' });
    expect(verbose.text).toContain('[+]etcd ok');
    expect(verbose.text.trim().endsWith('readyz check passed')).toBe(true);
  });

  it('serves legacy discovery: versions, groups and resource lists with subresources', async () => {
    expect((await api.get('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await api.get('/apis')).body;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'batch',
        'networking.k8s.io',
        'rbac.authorization.k8s.io',
        'apiextensions.k8s.io',
      ]),
    );
    const core = (await api.get('/api/v1')).body;
    const pods = core.resources.find((r: { name: string }) => r.name === 'pods');
    expect(pods).toMatchObject({ kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'] });
    const names = core.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(
      expect.arrayContaining(['pods/status', 'pods/log', 'pods/exec', 'pods/binding', 'pods/eviction']),
    );
    const apps = (await api.get('/apis/apps/v1')).body;
    expect(apps.resources.find((r: { name: string }) => r.name === 'deployments/scale')).toMatchObject({
      kind: 'Scale',
      group: 'autoscaling',
      version: 'v1',
    });
  });

  it('serves aggregated discovery (apidiscovery.k8s.io/v2) with its content type', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const res = await api.get('/apis', { accept });
    expect(res.headers['content-type']).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    expect(res.body.kind).toBe('APIGroupDiscoveryList');
    const apps = res.body.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'apps');
    const deployments = apps.versions[0].resources.find(
      (r: { resource: string }) => r.resource === 'deployments',
    );
    expect(deployments).toMatchObject({
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'Namespaced',
      shortNames: ['deploy'],
    });
    const core = (await api.get('/api', { accept })).body;
    expect(core.items.map((g: { metadata: { name: string } }) => g.metadata.name)).toEqual(['']);
  });

  it('answers unknown paths and resources with 404 Status', async () => {
    const res = await api.get('/apis/example.com/v1/widgets');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });

  it('does not serve removed API versions, so kubectl reports no matches for kind', async () => {
    expect((await api.get('/apis/extensions/v1beta1')).status).toBe(404);
    expect((await api.get('/apis/apps/v1beta1/deployments')).status).toBe(404);
  });

  it('rejects bodies over 3 MiB with 413', async () => {
    const big = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'big' },
      data: { x: 'y'.repeat(3.5 * 1024 * 1024) },
    };
    const res = await api.post('/api/v1/namespaces/default/configmaps', big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
  });

  it('rejects malformed JSON and YAML with 400 and leaves nothing behind', async () => {
    const json = await api.post('/api/v1/namespaces/default/configmaps', '{"apiVersion": "v1", "kind": ');
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    const yaml = await api.post('/api/v1/namespaces/default/configmaps', 'kind: ConfigMap\n  bad: [indent', {
      contentType: 'application/yaml',
    });
    expect(yaml.status).toBe(400);
    expect((await api.get('/api/v1/namespaces/default/configmaps')).body.items).toEqual([]);
  });

  it('creates the system namespaces', async () => {
    const names = (await api.get('/api/v1/namespaces')).body.items.map(
      (n: { metadata: { name: string } }) => n.metadata.name,
    );
    expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });
});
