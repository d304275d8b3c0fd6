import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources } from '../../embedded-cluster/client/index.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['serviceaccount', 'root-ca-cert-publisher'],
  });
});
afterAll(async () => {
  await cluster?.destroy();
});

const WAIT = { timeout: 5000, interval: 50 };
const accounts = () => cluster.client.resource(resources.serviceAccounts);
const configMaps = () => cluster.client.resource(resources.configMaps);
const namespaces = () => cluster.client.resource(resources.namespaces);
const k = (args: string[]) => kubectl(cluster.kubeconfigPath, args);

describe('the ServiceAccount controller', () => {
  it('gives the namespaces a cluster starts with a default ServiceAccount', async () => {
    for (const namespace of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await vi.waitFor(
        async () => expect((await accounts().get('default', namespace)).metadata?.uid).toBeTruthy(),
        WAIT,
      );
    }
  });

  it('gives a new namespace its default ServiceAccount at once, and recreates it when deleted', async () => {
    const created = await k(['create', 'namespace', 'team-a']);
    expect(created.code, created.stderr).toBe(0);
    await vi.waitFor(async () => {
      const get = await k(['get', 'serviceaccount', 'default', '-n', 'team-a']);
      expect(get.code, get.stderr).toBe(0);
    }, WAIT);
    const first = await accounts().get('default', 'team-a');

    const deleted = await k(['delete', 'serviceaccount', 'default', '-n', 'team-a']);
    expect(deleted.code, deleted.stderr).toBe(0);
    await vi.waitFor(async () => {
      const again = await accounts().get('default', 'team-a');
      expect(again.metadata?.uid).not.toBe(first.metadata?.uid);
    }, WAIT);
  });

  it('makes nothing in a namespace being deleted', async () => {
    await namespaces().create({ metadata: { name: 'going' } });
    await vi.waitFor(async () => expect(await accounts().get('default', 'going')).toBeTruthy(), WAIT);
    await namespaces().delete('going');
    await accounts().delete('default', { namespace: 'going' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(accounts().get('default', 'going')).rejects.toMatchObject({ reason: 'NotFound' });
  });
});

describe('the root CA publisher', () => {
  it('publishes the cluster CA as kube-root-ca.crt in every namespace', async () => {
    await namespaces().create({ metadata: { name: 'team-b' } });
    for (const namespace of ['default', 'kube-system', 'team-b']) {
      await vi.waitFor(async () => {
        const cm = await configMaps().get('kube-root-ca.crt', namespace);
        expect(cm.data).toEqual({ 'ca.crt': cluster.caCert });
        expect(cm.metadata?.annotations?.['kubernetes.io/description']).toBe(
          'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints ' +
            'such as the internal service IP or kubernetes.default.svc. ' +
            'No other usage is guaranteed across distributions of Kubernetes clusters.',
        );
      }, WAIT);
    }
    const get = await k([
      'get',
      'configmap',
      'kube-root-ca.crt',
      '-n',
      'team-b',
      '-o',
      'jsonpath={.data.ca\\.crt}',
    ]);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout.trim()).toBe(cluster.caCert.trim());
  });

  it('restores the ConfigMap when edited and recreates it when deleted', async () => {
    const edited = await k([
      'patch',
      'configmap',
      'kube-root-ca.crt',
      '-n',
      'team-b',
      '--type=merge',
      '-p',
      '{"data":{"ca.crt":"tampered","extra":"x"}}',
    ]);
    expect(edited.code, edited.stderr).toBe(0);
    await vi.waitFor(async () => {
      expect((await configMaps().get('kube-root-ca.crt', 'team-b')).data).toEqual({
        'ca.crt': cluster.caCert,
      });
    }, WAIT);

    const before = await configMaps().get('kube-root-ca.crt', 'team-b');
    await configMaps().delete('kube-root-ca.crt', { namespace: 'team-b' });
    await vi.waitFor(async () => {
      const again = await configMaps().get('kube-root-ca.crt', 'team-b');
      expect(again.metadata?.uid).not.toBe(before.metadata?.uid);
      expect(again.data).toEqual({ 'ca.crt': cluster.caCert });
    }, WAIT);
  });
});
