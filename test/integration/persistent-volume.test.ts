import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resources, type CoreV1 } from '../../embedded-cluster/client/index.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    controlPlane: true,
    runtime: 'simulated',
    controllers: ['persistentvolume-binder', 'hostpath-provisioner'],
  });
});
afterAll(async () => {
  await cluster?.destroy();
});

const volumes = () => cluster.client.resource(resources.persistentVolumes);
const claims = () => cluster.client.resource(resources.persistentVolumeClaims);

function hostPathVolume(name: string, storage: string, extra: Partial<CoreV1.PersistentVolumeSpec> = {}) {
  return volumes().create({
    metadata: { name },
    spec: {
      capacity: { storage },
      accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      hostPath: { path: `/tmp/${name}` },
      ...extra,
    },
  });
}

function claim(name: string, storage: string, spec: Partial<CoreV1.PersistentVolumeClaimSpec> = {}) {
  return claims().create({
    metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...spec },
  });
}

async function eventsAbout(name: string) {
  const list = await cluster.client.resource(resources.events).list({ namespace: 'default' });
  return list.items.filter((e) => e.involvedObject.name === name).map((e) => `${e.reason}: ${e.message}`);
}

describe('PersistentVolume binding', () => {
  it('binds a claim to the smallest static volume that fits, both ways', async () => {
    await hostPathVolume('pv-small', '100Mi');
    await hostPathVolume('pv-fits', '1Gi');
    await hostPathVolume('pv-big', '5Gi');
    await hostPathVolume('pv-other-class', '1Gi', { storageClassName: 'fast' });
    await vi.waitFor(async () => expect((await volumes().get('pv-fits')).status?.phase).toBe('Available'));
    const created = await claim('data', '500Mi', { storageClassName: '' });

    await vi.waitFor(
      async () => {
        const pvc = await claims().get('data', 'default');
        expect(pvc.status).toMatchObject({
          phase: 'Bound',
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
        });
        expect(pvc.spec?.volumeName).toBe('pv-fits');
        expect(pvc.metadata?.annotations).toMatchObject({
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
        });
      },
      { timeout: 5000 },
    );
    const pv = await volumes().get('pv-fits');
    expect(pv.status?.phase).toBe('Bound');
    expect(pv.spec?.claimRef).toMatchObject({
      namespace: 'default',
      name: 'data',
      uid: created.metadata?.uid,
    });
    expect(pv.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller']).toBe('yes');
    expect((await volumes().get('pv-big')).status?.phase).toBe('Available');
  });

  it('releases a Retain volume when its claim is deleted, keeping it', async () => {
    await claims().delete('data', { namespace: 'default' });
    await vi.waitFor(async () => expect((await volumes().get('pv-fits')).status?.phase).toBe('Released'), {
      timeout: 5000,
    });
    expect((await volumes().get('pv-fits')).spec?.claimRef?.name).toBe('data');
  });

  it('binds a claim to the volume it names', async () => {
    await claim('named', '1Gi', { storageClassName: '', volumeName: 'pv-big' });
    await vi.waitFor(
      async () => {
        const pvc = await claims().get('named', 'default');
        expect(pvc.status?.phase).toBe('Bound');
        expect(pvc.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller']).toBeUndefined();
        expect((await volumes().get('pv-big')).status?.phase).toBe('Bound');
      },
      { timeout: 5000 },
    );
  });

  it('leaves a claim that nothing fits Pending, saying why', async () => {
    await claim('too-big', '50Gi', { storageClassName: '' });
    await vi.waitFor(async () =>
      expect(await eventsAbout('too-big')).toContain(
        'FailedBinding: no persistent volumes available for this claim and no storage class is set',
      ),
    );
    expect((await claims().get('too-big', 'default')).status?.phase).toBe('Pending');
  });
});

describe('the default StorageClass and the hostPath provisioner', () => {
  it('creates the default class `standard`', async () => {
    await vi.waitFor(async () => {
      const sc = await cluster.client.resource(resources.storageClasses).get('standard');
      expect(sc).toMatchObject({
        provisioner: 'kubedesk.dev/hostpath',
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
      });
      expect(sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class']).toBe('true');
    });
  });

  it('provisions a claim without a class once a pod using it is scheduled, and deletes it with the claim', async () => {
    const pvc = await claim('dynamic', '2Gi');
    const uid = pvc.metadata!.uid!;
    await vi.waitFor(async () => {
      expect((await claims().get('dynamic', 'default')).spec?.storageClassName).toBe('standard');
      expect(await eventsAbout('dynamic')).toContain(
        'WaitForFirstConsumer: waiting for first consumer to be created before binding',
      );
    });
    expect((await claims().get('dynamic', 'default')).status?.phase).toBe('Pending');

    await cluster.client.resource(resources.pods).create({
      metadata: { name: 'consumer', namespace: 'default' },
      spec: {
        containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'dynamic' } }],
      },
    });
    await vi.waitFor(
      async () => {
        const bound = await claims().get('dynamic', 'default');
        expect(bound.status?.phase).toBe('Bound');
        expect(bound.spec?.volumeName).toBe(`pvc-${uid}`);
        expect(bound.metadata?.annotations).toMatchObject({
          'volume.kubernetes.io/selected-node': 'kubedesk',
          'volume.kubernetes.io/storage-provisioner': 'kubedesk.dev/hostpath',
        });
      },
      { timeout: 5000 },
    );
    const pv = await volumes().get(`pvc-${uid}`);
    const dir = join(cluster.dataDir, 'volumes', `pvc-${uid}`);
    expect(pv.spec).toMatchObject({
      capacity: { storage: '2Gi' },
      storageClassName: 'standard',
      persistentVolumeReclaimPolicy: 'Delete',
      hostPath: { path: dir },
      claimRef: { name: 'dynamic', uid },
    });
    expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]).toMatchObject({
      key: 'kubernetes.io/hostname',
      values: ['kubedesk'],
    });
    expect(pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by']).toBe('kubedesk.dev/hostpath');
    expect(pv.status?.phase).toBe('Bound');
    expect((await stat(dir)).mode & 0o777).toBe(0o777);
    const events = await eventsAbout('dynamic');
    expect(events).toContain(`ProvisioningSucceeded: Successfully provisioned volume pvc-${uid}`);
    expect(events).toContain(
      'Provisioning: External provisioner is provisioning volume for claim "default/dynamic"',
    );
    expect(
      events.some((e) =>
        e.startsWith(
          "ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'kubedesk.dev/hostpath'",
        ),
      ),
    ).toBe(true);

    const get = await kubectl(cluster.kubeconfigPath, ['get', 'pv,pvc', '-n', 'default']);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(
      new RegExp(
        `persistentvolume/pvc-${uid}\\s+2Gi\\s+RWO\\s+Delete\\s+Bound\\s+default/dynamic\\s+standard`,
      ),
    );
    expect(get.stdout).toMatch(
      new RegExp(`persistentvolumeclaim/dynamic\\s+Bound\\s+pvc-${uid}\\s+2Gi\\s+RWO\\s+standard`),
    );

    await cluster.client.resource(resources.pods).delete('consumer', { namespace: 'default' });
    await claims().delete('dynamic', { namespace: 'default' });
    await vi.waitFor(
      async () => {
        await expect(volumes().get(`pvc-${uid}`)).rejects.toThrow(/not found/);
        await expect(stat(dir)).rejects.toThrow(/ENOENT/);
      },
      { timeout: 5000 },
    );
  });

  it('provisions at once for an Immediate class, and keeps a Retain volume and its directory', async () => {
    await cluster.client.resource(resources.storageClasses).create({
      metadata: { name: 'instant' },
      provisioner: 'kubedesk.dev/hostpath',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'Immediate',
    });
    const pvc = await claim('kept', '1Gi', { storageClassName: 'instant' });
    const name = `pvc-${pvc.metadata!.uid}`;
    await vi.waitFor(
      async () => {
        expect((await claims().get('kept', 'default')).status?.phase).toBe('Bound');
        expect((await volumes().get(name)).spec?.persistentVolumeReclaimPolicy).toBe('Retain');
      },
      { timeout: 5000 },
    );
    await claims().delete('kept', { namespace: 'default' });
    await vi.waitFor(async () => expect((await volumes().get(name)).status?.phase).toBe('Released'), {
      timeout: 5000,
    });
    expect((await stat(join(cluster.dataDir, 'volumes', name))).isDirectory()).toBe(true);
  });
});
