import { describe, expect, it } from 'vitest';
import type { CoreV1, StorageV1 } from '../../../../embedded-cluster/client/index.js';
import {
  defaultStorageClass,
  findBestMatch,
  nodeAffinityMatches,
} from '../../../../embedded-cluster/controllers/volumes/matching.js';

const pv = (
  name: string,
  storage: string,
  spec: Partial<CoreV1.PersistentVolumeSpec> = {},
  labels = {},
): CoreV1.PersistentVolume => ({
  metadata: { name, labels },
  spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp' }, ...spec },
  status: { phase: 'Available' },
});
const pvc = (
  storage: string,
  spec: Partial<CoreV1.PersistentVolumeClaimSpec> = {},
): CoreV1.PersistentVolumeClaim => ({
  metadata: { name: 'c', namespace: 'ns', uid: 'u1' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...spec },
});

describe('finding a volume for a claim', () => {
  it('takes the smallest volume that is big enough', () => {
    const volumes = [pv('big', '10Gi'), pv('small', '1Gi'), pv('tiny', '500Mi'), pv('mid', '2Gi')];
    expect(findBestMatch(pvc('1Gi'), volumes)?.metadata?.name).toBe('small');
    expect(findBestMatch(pvc('20Gi'), volumes)).toBeUndefined();
  });

  it('matches class, access modes (fewest extra first), selector and volume mode', () => {
    const volumes = [
      pv('classy', '1Gi', { storageClassName: 'fast' }),
      pv('rwx', '1Gi', { accessModes: ['ReadWriteOnce', 'ReadWriteMany'] }),
      pv('rwo', '5Gi', {}, { tier: 'gold' }),
      pv('block', '1Gi', { volumeMode: 'Block' }),
    ];
    expect(findBestMatch(pvc('1Gi', { storageClassName: 'fast' }), volumes)?.metadata?.name).toBe('classy');
    expect(findBestMatch(pvc('1Gi'), volumes)?.metadata?.name).toBe('rwo');
    expect(findBestMatch(pvc('1Gi', { accessModes: ['ReadWriteMany'] }), volumes)?.metadata?.name).toBe(
      'rwx',
    );
    expect(
      findBestMatch(pvc('1Gi', { selector: { matchLabels: { tier: 'gold' } } }), volumes)?.metadata?.name,
    ).toBe('rwo');
    expect(findBestMatch(pvc('1Gi', { volumeMode: 'Block' }), volumes)?.metadata?.name).toBe('block');
  });

  it('prefers a volume pre-bound to the claim and skips volumes bound to others or not Available', () => {
    const mine = pv('mine', '5Gi', { claimRef: { namespace: 'ns', name: 'c' } });
    const theirs = pv('theirs', '1Gi', { claimRef: { namespace: 'ns', name: 'other', uid: 'u2' } });
    const released = { ...pv('released', '1Gi'), status: { phase: 'Released' } };
    expect(findBestMatch(pvc('1Gi'), [theirs, released, pv('free', '1Gi'), mine])?.metadata?.name).toBe(
      'mine',
    );
    expect(findBestMatch(pvc('1Gi'), [theirs, released])).toBeUndefined();
  });

  it('with delayed binding and no node, takes only pre-bound volumes; with a node, only those that fit it', () => {
    const pinned = pv('pinned', '1Gi', {
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] },
          ],
        },
      },
    });
    expect(findBestMatch(pvc('1Gi'), [pinned], { delayBinding: true })).toBeUndefined();
    const n1 = { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } };
    const n2 = { name: 'n2', labels: { 'kubernetes.io/hostname': 'n2' } };
    expect(findBestMatch(pvc('1Gi'), [pinned], { delayBinding: true, node: n1 })?.metadata?.name).toBe(
      'pinned',
    );
    expect(findBestMatch(pvc('1Gi'), [pinned], { delayBinding: true, node: n2 })).toBeUndefined();
  });
});

describe('node affinity and default classes', () => {
  it('evaluates node selector terms (ORed) of requirements (ANDed), fields included', () => {
    const volume = pv('v', '1Gi', {
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'disk', operator: 'Exists' },
                { key: 'cpus', operator: 'Gt', values: ['4'] },
              ],
            },
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['special'] }] },
          ],
        },
      },
    });
    expect(nodeAffinityMatches(volume, { name: 'a', labels: { disk: 'ssd', cpus: '8' } })).toBe(true);
    expect(nodeAffinityMatches(volume, { name: 'a', labels: { disk: 'ssd', cpus: '2' } })).toBe(false);
    expect(nodeAffinityMatches(volume, { name: 'special', labels: {} })).toBe(true);
  });

  it('picks the newest default class', () => {
    const sc = (name: string, created: string, isDefault: boolean): StorageV1.StorageClass => ({
      metadata: {
        name,
        creationTimestamp: created,
        annotations: isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {},
      },
      provisioner: 'p',
    });
    const classes = [
      sc('old', '2030-01-01T00:00:00Z', true),
      sc('new', '2030-02-01T00:00:00Z', true),
      sc('x', '2031-01-01T00:00:00Z', false),
    ];
    expect(defaultStorageClass(classes)?.metadata?.name).toBe('new');
    expect(defaultStorageClass([classes[2]!])).toBeUndefined();
  });
});
