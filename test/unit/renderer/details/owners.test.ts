import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src-renderer/kube/index.js';
import {
  findType,
  ownedBy,
  ownedQuery,
  ownerLinks,
  selectorString,
  typeForKind,
} from '../../../../src-renderer/components/details/owners.js';
import { TYPES, typeOf } from './fixtures.js';

const object = (kind: string, name: string, extra: Partial<KubeObject> = {}): KubeObject => ({
  kind,
  metadata: { name, namespace: 'web', uid: `uid-${name}` },
  ...extra,
});

describe('owner resolution', () => {
  it('finds the type an owner reference names, by group and kind', () => {
    const pod = object('Pod', 'web-abc-1', {
      metadata: {
        name: 'web-abc-1',
        namespace: 'web',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'uid-rs', controller: true },
          { apiVersion: 'example.com/v1beta1', kind: 'Widget', name: 'w', uid: 'uid-w' },
          { apiVersion: 'unknown.io/v1', kind: 'Gadget', name: 'g', uid: 'uid-g' },
        ],
      },
    });
    const links = ownerLinks(pod, TYPES);
    expect(links.map((l) => l.type?.resource)).toEqual(['replicasets', 'widgets', undefined]);
    expect(links[0]!.ref.controller).toBe(true);
  });

  it('matches core kinds by the empty group and falls back to another version', () => {
    expect(typeForKind(TYPES, 'v1', 'Node')?.resource).toBe('nodes');
    expect(typeForKind(TYPES, 'apps/v1beta2', 'Deployment')?.version).toBe('v1');
    expect(typeForKind(TYPES, 'v1', 'Deployment')).toBeUndefined();
    expect(findType(TYPES, 'apps', 'v1', 'replicasets')?.kind).toBe('ReplicaSet');
    expect(findType(TYPES, '', 'v1', 'replicasets')).toBeUndefined();
  });
});

describe('owned objects', () => {
  it('lists a Deployment’s ReplicaSets with its selector, and a ReplicaSet’s pods', () => {
    const deployment = object('Deployment', 'web', {
      spec: {
        selector: {
          matchLabels: { app: 'web' },
          matchExpressions: [
            { key: 'tier', operator: 'In', values: ['a', 'b'] },
            { key: 'canary', operator: 'DoesNotExist' },
          ],
        },
      },
    });
    expect(ownedQuery(deployment, TYPES)).toEqual({
      type: typeOf('ReplicaSet'),
      namespace: 'web',
      labelSelector: 'app=web,tier in (a,b),!canary',
    });
    const rs = object('ReplicaSet', 'web-abc', {
      spec: { selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } } },
    });
    expect(ownedQuery(rs, TYPES)?.type.kind).toBe('Pod');
    expect(ownedQuery(rs, TYPES)?.labelSelector).toBe('app=web,pod-template-hash=abc');
  });

  it('reads a ReplicationController’s map selector, and lists a CronJob’s Jobs without one', () => {
    const rc = object('ReplicationController', 'old', { spec: { selector: { app: 'old' } } });
    expect(ownedQuery(rc, TYPES)?.labelSelector).toBe('app=old');
    const cron = object('CronJob', 'nightly', { spec: { schedule: '@daily' } });
    expect(ownedQuery(cron, TYPES)).toEqual({
      type: typeOf('Job'),
      namespace: 'web',
      labelSelector: undefined,
    });
    expect(ownedQuery(object('ConfigMap', 'c'), TYPES)).toBeUndefined();
    expect(
      selectorString({
        matchExpressions: [
          { key: 'env', operator: 'NotIn', values: ['prod'] },
          { key: 'x', operator: 'Exists' },
        ],
      }),
    ).toBe('env notin (prod),x');
    expect(selectorString({})).toBeUndefined();
  });

  it('keeps only the objects whose ownerReferences name the owner’s uid', () => {
    const mine = object('ReplicaSet', 'a', {
      metadata: {
        name: 'a',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web' }],
      },
    });
    const other = object('ReplicaSet', 'b', {
      metadata: {
        name: 'b',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web2', uid: 'uid-web2' }],
      },
    });
    const orphan = object('ReplicaSet', 'c');
    expect(ownedBy([mine, other, orphan], 'uid-web').map((o) => o.metadata.name)).toEqual(['a']);
    expect(ownedBy([mine], undefined)).toEqual([]);
  });
});
