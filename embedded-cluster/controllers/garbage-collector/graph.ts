import type { KubeObjectLike } from '../../client/index.js';
import type { MetaV1 } from '../../client/index.js';

/**
 * The garbage collector's dependency graph, as kube's `GraphBuilder` keeps it: one node per object
 * uid (from the informers of every resource), each knowing its owners (its ownerReferences) and
 * its dependents (the nodes whose ownerReferences name it). An owner referenced before it is seen
 * gets a *virtual* node, which the collector verifies against the API server.
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/garbagecollector/graph_builder.go
 *
 * {@link GraphBuilder.process} applies one change, in the order the informers saw them (kube
 * funnels them through one `graphChanges` queue with a single worker; here they arrive on the
 * one event loop), and tells the collector which nodes to look at through {@link GraphSink}. It
 * makes no API calls.
 */

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** Which object a node is: the coordinates an ownerReference carries, plus the namespace. */
export interface Identity {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  /** '' for a cluster-scoped object (or a virtual owner not yet known to be namespaced). */
  namespace: string;
}

export class GraphNode {
  readonly dependents = new Set<GraphNode>();
  owners: MetaV1.OwnerReference[] = [];
  /** Seen through an informer; false for a virtual node made from an ownerReference. */
  observed = false;
  beingDeleted = false;
  /** Being deleted in the foreground: waits for its blocking dependents to go first. */
  deletingDependents = false;

  constructor(public identity: Identity) {}

  /** Dependents whose reference to this node blocks its deletion (`blockOwnerDeletion: true`). */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((dep) =>
      dep.owners.some((ref) => ref.uid === this.identity.uid && ref.blockOwnerDeletion === true),
    );
  }
}

/** What the graph asks the collector to do. */
export interface GraphSink {
  /** Look at the node: collect it if its owners are gone, finish a foreground deletion. */
  attemptToDelete(node: GraphNode): void;
  /** The node is being deleted with the orphan finalizer: release its dependents. */
  attemptToOrphan(node: GraphNode): void;
  /** `dependent` names an owner that lives in another namespace (kube's OwnerRefInvalidNamespace). */
  invalidNamespaceOwnerRef(dependent: GraphNode, ownerUid: string): void;
}

export type GraphEvent =
  | { type: 'added'; object: KubeObjectLike }
  | { type: 'updated'; object: KubeObjectLike; old: KubeObjectLike }
  | { type: 'deleted'; object: KubeObjectLike }
  /** The collector found this object absent from the API server. */
  | { type: 'virtualDeleted'; identity: Identity };

/**
 * Owners that were verified absent, so that their other dependents need no lookup (kube's
 * `absentOwnerCache`, an LRU of owner coordinates).
 */
export class AbsentOwnerCache {
  private readonly keys = new Set<string>();

  constructor(private readonly limit = 500) {}

  add(identity: Identity): void {
    const key = identityKey(identity);
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.limit) this.keys.delete(this.keys.values().next().value!);
  }

  has(identity: Identity): boolean {
    return this.keys.has(identityKey(identity));
  }
}

export class GraphBuilder {
  private readonly nodes = new Map<string, GraphNode>();

  constructor(
    private readonly sink: GraphSink,
    readonly absentOwners: AbsentOwnerCache = new AbsentOwnerCache(),
  ) {}

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  process(event: GraphEvent): void {
    if (event.type === 'virtualDeleted') {
      this.processVirtualDelete(event.identity);
      return;
    }
    const { object } = event;
    const identity = identityOf(object);
    if (!identity.uid) return;
    const existing = this.nodes.get(identity.uid);
    if (event.type === 'deleted') {
      if (existing) this.removeAndNotify(existing, identity);
      return;
    }
    const old = event.type === 'updated' ? event.old : undefined;
    if (!existing) {
      const node = new GraphNode(identity);
      node.observed = true;
      node.owners = [...(object.metadata?.ownerReferences ?? [])];
      node.beingDeleted = Boolean(object.metadata?.deletionTimestamp);
      this.nodes.set(identity.uid, node);
      this.addDependentToOwners(node, node.owners);
      this.processTransitions(old, object, node);
      return;
    }
    if (!existing.observed) this.observeVirtual(existing, identity);
    const owners = object.metadata?.ownerReferences ?? [];
    const { added, removed, changed } = referenceDiffs(existing.owners, owners);
    if (added.length > 0 || removed.length > 0 || changed.length > 0) {
      this.addUnblockedOwnersToDeleteQueue(removed, changed);
      existing.owners = [...owners];
      this.addDependentToOwners(existing, added);
      for (const ref of removed) this.nodes.get(ref.uid)?.dependents.delete(existing);
    }
    if (object.metadata?.deletionTimestamp) existing.beingDeleted = true;
    this.processTransitions(old, object, existing);
  }

  /**
   * A virtual node turns real. If its dependents named it with other coordinates (another
   * namespace above all), they may be wrong: look at them again (the good owner is seen after
   * the bad dependent; the other order is handled in {@link addDependentToOwners}).
   */
  private observeVirtual(node: GraphNode, observed: Identity): void {
    if (!sameIdentity(node.identity, observed)) {
      for (const dep of node.dependents) {
        if (matchesCoordinates(dep, observed)) continue;
        if (observed.namespace !== '' && dep.identity.namespace !== observed.namespace) {
          this.sink.invalidNamespaceOwnerRef(dep, observed.uid);
        }
        this.sink.attemptToDelete(dep);
      }
      node.identity = observed;
    }
    node.observed = true;
  }

  /** Record `node` as a dependent of each of `refs`, making virtual owners where unknown. */
  private addDependentToOwners(node: GraphNode, refs: readonly MetaV1.OwnerReference[]): void {
    let suspicious = false;
    for (const ref of refs) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        owner = new GraphNode({ ...coordinatesOf(ref), namespace: node.identity.namespace });
        this.nodes.set(ref.uid, owner);
        owner.dependents.add(node);
        // The collector asks the API server whether it exists; if not, it is removed from the
        // graph and its dependents are collected.
        this.sink.attemptToDelete(owner);
        continue;
      }
      owner.dependents.add(node);
      if (suspicious) continue;
      const ownerNamespaced = owner.identity.namespace !== '';
      if (ownerNamespaced && owner.identity.namespace !== node.identity.namespace) {
        // An ownerReference names an owner in the dependent's own namespace (or a cluster-scoped
        // one): an owner seen in another namespace is not its owner.
        if (owner.observed) this.sink.invalidNamespaceOwnerRef(node, ref.uid);
        suspicious = true;
      } else if (!sameCoordinates(ref, owner.identity)) {
        suspicious = true;
      } else if (
        !ownerNamespaced &&
        !owner.observed &&
        owner.identity.namespace !== node.identity.namespace
      ) {
        suspicious = true;
      }
    }
    // Let the collector verify whether those references dangle.
    if (suspicious) this.sink.attemptToDelete(node);
  }

  /**
   * Owners waiting in the foreground for their dependents are looked at again when a dependent
   * stops blocking them (its reference is removed or no longer blocks).
   */
  private addUnblockedOwnersToDeleteQueue(
    removed: readonly MetaV1.OwnerReference[],
    changed: readonly { old: MetaV1.OwnerReference; now: MetaV1.OwnerReference }[],
  ): void {
    const unblocked = [
      ...removed.filter((ref) => ref.blockOwnerDeletion === true),
      ...changed
        .filter((c) => c.old.blockOwnerDeletion === true && c.now.blockOwnerDeletion !== true)
        .map((c) => c.old),
    ];
    for (const ref of unblocked) {
      const owner = this.nodes.get(ref.uid);
      if (owner?.deletingDependents) this.sink.attemptToDelete(owner);
    }
  }

  /** Act on a deletion that has just begun with the orphan or foregroundDeletion finalizer. */
  private processTransitions(old: KubeObjectLike | undefined, object: KubeObjectLike, node: GraphNode): void {
    if (startsWaitingWith(old, object, ORPHAN_FINALIZER)) {
      this.sink.attemptToOrphan(node);
      return;
    }
    if (startsWaitingWith(old, object, FOREGROUND_FINALIZER)) {
      node.deletingDependents = true;
      for (const dep of node.dependents) this.sink.attemptToDelete(dep);
      this.sink.attemptToDelete(node);
    }
  }

  /** The collector verified that `identity` does not exist. */
  private processVirtualDelete(identity: Identity): void {
    const existing = this.nodes.get(identity.uid);
    if (!existing) return;
    const mismatched = [...existing.dependents].filter((dep) => !matchesCoordinates(dep, identity));
    if (existing.observed && !sameIdentity(existing.identity, identity)) {
      // A real node is not removed on a lookup made with other coordinates; but the dependents
      // that used those coordinates name an absent owner.
      this.collectMatching(existing, identity);
      return;
    }
    if (!existing.observed && mismatched.length > 0) {
      // Dependents disagree on where this owner is: keep the node for them, collect the rest.
      this.collectMatching(existing, identity);
      if (sameIdentity(existing.identity, identity)) {
        const first = mismatched[0]!;
        const ref = first.owners.find((r) => r.uid === identity.uid)!;
        existing.identity = { ...coordinatesOf(ref), namespace: first.identity.namespace };
        this.sink.attemptToDelete(existing);
      }
      return;
    }
    this.removeAndNotify(existing, identity);
  }

  private collectMatching(node: GraphNode, absent: Identity): void {
    const matching = [...node.dependents].filter((dep) => matchesCoordinates(dep, absent));
    if (matching.length === 0) return;
    this.absentOwners.add(absent);
    for (const dep of matching) this.sink.attemptToDelete(dep);
  }

  /** Remove a node; its dependents may now be garbage, and owners waiting on it may finish. */
  private removeAndNotify(node: GraphNode, identity: Identity): void {
    this.nodes.delete(node.identity.uid);
    for (const ref of node.owners) this.nodes.get(ref.uid)?.dependents.delete(node);
    if (node.dependents.size > 0) this.absentOwners.add(identity);
    for (const dep of node.dependents) this.sink.attemptToDelete(dep);
    for (const ref of node.owners) {
      const owner = this.nodes.get(ref.uid);
      if (owner?.deletingDependents) this.sink.attemptToDelete(owner);
    }
  }
}

export function identityOf(object: KubeObjectLike): Identity {
  const meta = object.metadata ?? {};
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    namespace: meta.namespace ?? '',
  };
}

export function identityKey(identity: Identity): string {
  const { apiVersion, kind, namespace, name, uid } = identity;
  return `${apiVersion}\u0000${kind}\u0000${namespace}\u0000${name}\u0000${uid}`;
}

function coordinatesOf(ref: MetaV1.OwnerReference): Omit<Identity, 'namespace'> {
  return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
}

function sameIdentity(a: Identity, b: Identity): boolean {
  return identityKey(a) === identityKey(b);
}

function sameCoordinates(ref: MetaV1.OwnerReference, identity: Identity): boolean {
  return (
    ref.apiVersion === identity.apiVersion &&
    ref.kind === identity.kind &&
    ref.name === identity.name &&
    ref.uid === identity.uid
  );
}

/**
 * Whether `dependent` names `owner` with exactly these coordinates: its reference matches, and a
 * namespaced owner is in the dependent's namespace (kube's `partitionDependents`).
 */
function matchesCoordinates(dependent: GraphNode, owner: Identity): boolean {
  if (owner.namespace !== '' && dependent.identity.namespace !== owner.namespace) return false;
  return dependent.owners.some((ref) => ref.uid === owner.uid && sameCoordinates(ref, owner));
}

/** Deletion has begun with `finalizer` now, and had not before (kube's `deletionStartsWithFinalizer`). */
function startsWaitingWith(
  old: KubeObjectLike | undefined,
  object: KubeObjectLike,
  finalizer: string,
): boolean {
  const waiting = (o: KubeObjectLike | undefined) =>
    Boolean(o?.metadata?.deletionTimestamp) && (o?.metadata?.finalizers ?? []).includes(finalizer);
  return waiting(object) && !waiting(old);
}

/** How an object's ownerReferences changed, by owner uid (kube's `referencesDiffs`). */
export function referenceDiffs(
  old: readonly MetaV1.OwnerReference[],
  now: readonly MetaV1.OwnerReference[],
): {
  added: MetaV1.OwnerReference[];
  removed: MetaV1.OwnerReference[];
  changed: { old: MetaV1.OwnerReference; now: MetaV1.OwnerReference }[];
} {
  const oldByUid = new Map(old.map((ref) => [ref.uid, ref]));
  const added: MetaV1.OwnerReference[] = [];
  const changed: { old: MetaV1.OwnerReference; now: MetaV1.OwnerReference }[] = [];
  for (const ref of now) {
    const before = oldByUid.get(ref.uid);
    if (!before) added.push(ref);
    else {
      if (JSON.stringify(before) !== JSON.stringify(ref)) changed.push({ old: before, now: ref });
      oldByUid.delete(ref.uid);
    }
  }
  return { added, removed: [...oldByUid.values()], changed };
}
