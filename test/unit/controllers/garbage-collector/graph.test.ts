import { describe, expect, it } from 'vitest';
import type { KubeObjectLike, MetaV1 } from '../../../../embedded-cluster/client/index.js';
import {
  GraphBuilder,
  referenceDiffs,
  type GraphNode,
  type GraphSink,
} from '../../../../embedded-cluster/controllers/garbage-collector/graph.js';

/** A sink that records what the graph asked for, by object name. */
function recorder() {
  const calls: string[] = [];
  const sink: GraphSink = {
    attemptToDelete: (n: GraphNode) => calls.push(`delete ${n.identity.name}`),
    attemptToOrphan: (n: GraphNode) => calls.push(`orphan ${n.identity.name}`),
    invalidNamespaceOwnerRef: (n: GraphNode, uid: string) =>
      calls.push(`invalid ${n.identity.name} -> ${uid}`),
  };
  return { calls, graph: new GraphBuilder(sink) };
}

function cm(
  name: string,
  owners: MetaV1.OwnerReference[] = [],
  meta: { namespace?: string; deletionTimestamp?: string; finalizers?: string[] } = {},
): KubeObjectLike {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      uid: `uid-${name}`,
      namespace: meta.namespace ?? 'ns',
      ownerReferences: owners,
      ...meta,
    },
  };
}

const ref = (name: string, extra: Partial<MetaV1.OwnerReference> = {}): MetaV1.OwnerReference => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name,
  uid: `uid-${name}`,
  ...extra,
});

describe('garbage collector graph', () => {
  it('links dependents to owners and asks about dependents when an owner is deleted', () => {
    const { graph, calls } = recorder();
    graph.process({ type: 'added', object: cm('owner') });
    graph.process({ type: 'added', object: cm('dep', [ref('owner')]) });
    expect([...graph.get('uid-owner')!.dependents].map((d) => d.identity.name)).toEqual(['dep']);
    expect(calls).toEqual([]);
    graph.process({ type: 'deleted', object: cm('owner') });
    expect(calls).toEqual(['delete dep']);
    expect(graph.get('uid-owner')).toBeUndefined();
    expect(graph.absentOwners.has({ ...ref('owner'), namespace: 'ns' })).toBe(true);
  });

  it('makes a virtual node for an unseen owner, to be verified, and turns it real when seen', () => {
    const { graph, calls } = recorder();
    graph.process({ type: 'added', object: cm('dep', [ref('owner')]) });
    expect(graph.get('uid-owner')?.observed).toBe(false);
    expect(calls).toEqual(['delete owner']);
    graph.process({ type: 'added', object: cm('owner') });
    expect(graph.get('uid-owner')?.observed).toBe(true);
    expect(calls).toEqual(['delete owner']);
  });

  it('removes a virtual node found absent and asks about its dependents', () => {
    const { graph, calls } = recorder();
    graph.process({ type: 'added', object: cm('dep', [ref('ghost')]) });
    graph.process({ type: 'virtualDeleted', identity: { ...ref('ghost'), namespace: 'ns' } });
    expect(graph.get('uid-ghost')).toBeUndefined();
    expect(calls).toEqual(['delete ghost', 'delete dep']);
  });

  it('reports a dependent that names an owner living in another namespace', () => {
    const { graph, calls } = recorder();
    graph.process({ type: 'added', object: cm('owner', [], { namespace: 'a' }) });
    graph.process({ type: 'added', object: cm('dep', [ref('owner')], { namespace: 'b' }) });
    expect(calls).toEqual(['invalid dep -> uid-owner', 'delete dep']);
  });

  it('reports it too when the dependent is seen before its owner', () => {
    const { graph, calls } = recorder();
    graph.process({ type: 'added', object: cm('dep', [ref('owner')], { namespace: 'b' }) });
    graph.process({ type: 'added', object: cm('owner', [], { namespace: 'a' }) });
    expect(calls).toEqual(['delete owner', 'invalid dep -> uid-owner', 'delete dep']);
  });

  it('asks to orphan when deletion starts with the orphan finalizer', () => {
    const { graph, calls } = recorder();
    const owner = cm('owner');
    graph.process({ type: 'added', object: owner });
    const deleting = cm('owner', [], { deletionTimestamp: 'now', finalizers: ['orphan'] });
    graph.process({ type: 'updated', object: deleting, old: owner });
    graph.process({ type: 'updated', object: deleting, old: deleting });
    expect(calls).toEqual(['orphan owner']);
  });

  it('marks a foreground deletion and asks about the owner and every dependent', () => {
    const { graph, calls } = recorder();
    const owner = cm('owner');
    graph.process({ type: 'added', object: owner });
    graph.process({ type: 'added', object: cm('a', [ref('owner', { blockOwnerDeletion: true })]) });
    graph.process({ type: 'added', object: cm('b', [ref('owner')]) });
    const deleting = cm('owner', [], { deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] });
    graph.process({ type: 'updated', object: deleting, old: owner });
    const node = graph.get('uid-owner')!;
    expect(node.deletingDependents).toBe(true);
    expect(node.blockingDependents().map((d) => d.identity.name)).toEqual(['a']);
    expect(calls).toEqual(['delete a', 'delete b', 'delete owner']);
  });

  it('asks about a waiting owner when a blocking dependent goes or stops blocking', () => {
    const { graph, calls } = recorder();
    graph.process({
      type: 'added',
      object: cm('owner', [], { deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] }),
    });
    const blocking = cm('a', [ref('owner', { blockOwnerDeletion: true })]);
    graph.process({ type: 'added', object: blocking });
    graph.process({ type: 'added', object: cm('b', [ref('owner', { blockOwnerDeletion: true })]) });
    calls.length = 0;
    graph.process({ type: 'updated', object: cm('a', [ref('owner')]), old: blocking });
    expect(calls).toEqual(['delete owner']);
    graph.process({ type: 'deleted', object: cm('b', [ref('owner', { blockOwnerDeletion: true })]) });
    expect(calls).toEqual(['delete owner', 'delete owner']);
    expect(graph.get('uid-owner')!.blockingDependents()).toEqual([]);
  });

  it('diffs ownerReferences by uid', () => {
    const diff = referenceDiffs([ref('a'), ref('b', { controller: true })], [ref('b'), ref('c')]);
    expect(diff.added.map((r) => r.name)).toEqual(['c']);
    expect(diff.removed.map((r) => r.name)).toEqual(['a']);
    expect(diff.changed.map((c) => c.now.name)).toEqual(['b']);
  });
});
