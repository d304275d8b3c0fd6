import {
  isStatus,
  type EventRecorder,
  type KubeClient,
  type KubeObjectLike,
  type MetaV1,
  type ResourceClient,
  refOf,
  type ResourceMapper,
} from '../../client/index.js';
import {
  FOREGROUND_FINALIZER,
  ORPHAN_FINALIZER,
  type GraphBuilder,
  type GraphNode,
  type Identity,
} from './graph.js';

/**
 * What the garbage collector does to one node of the graph, against the API server: kube's
 * `attemptToDeleteItem` (collect an object whose owners are all gone, finish a foreground
 * deletion) and `attemptToOrphan` (release the dependents of an owner deleted with the orphan
 * finalizer). Every decision to delete rests on a live read of the owners, never on the cache
 * alone, so a lagging informer cannot make it delete what still has an owner.
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/garbagecollector/garbagecollector.go
 */

/** The owner's kind is not served (yet): retried, as a CRD may be on its way. */
export class RestMappingError extends Error {
  constructor(apiVersion: string, kind: string) {
    super(`unable to map ${apiVersion}, Kind=${kind} to a served resource`);
  }
}

/** A cluster-scoped object names a namespaced owner: invalid, and retrying will not help. */
export class NamespacedOwnerOfClusterScopedError extends Error {}

/** The node turned out absent and was removed from the graph: nothing more to do. */
export class VirtualDeleteError extends Error {}

type Policy = 'Background' | 'Foreground' | 'Orphan';

export class Collector {
  constructor(
    private readonly client: KubeClient,
    private readonly graph: GraphBuilder,
    private readonly mapper: () => ResourceMapper,
    private readonly recorder: EventRecorder,
    /** Queue a node for {@link attemptToDelete}. */
    private readonly enqueue: (node: GraphNode) => void,
  ) {}

  /**
   * Look at one node. Throws {@link VirtualDeleteError} or {@link NamespacedOwnerOfClusterScopedError}
   * when there is nothing more to do, other errors to be retried.
   */
  async attemptToDelete(node: GraphNode): Promise<void> {
    // Deletion is under way and does not wait on us.
    if (node.beingDeleted && !node.deletingDependents) return;
    const latest = await this.getObject(node.identity);
    if (!latest || latest.metadata?.uid !== node.identity.uid) {
      this.graph.process({ type: 'virtualDeleted', identity: node.identity });
      throw new VirtualDeleteError(`${node.identity.kind} ${node.identity.name} is absent`);
    }
    if (node.deletingDependents) {
      await this.processDeletingDependents(node);
      return;
    }
    const refs = latest.metadata?.ownerReferences ?? [];
    if (refs.length === 0) return;
    const { solid, dangling, waiting } = await this.classifyReferences(node, refs);
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      // Keep the object for its live owners; drop the references to absent ones and to those
      // waiting for their dependents to go.
      const drop = new Set([...dangling, ...waiting].map((ref) => ref.uid));
      await this.patchOwnerReferences(node.identity, (current) =>
        current.filter((ref) => !drop.has(ref.uid)),
      );
      return;
    }
    if (waiting.length > 0 && node.dependents.size > 0) {
      if ([...node.dependents].some((dep) => dep.deletingDependents)) {
        // A cycle of foreground deletions would wait forever: stop this object from blocking.
        await this.patchOwnerReferences(node.identity, (current) =>
          current.map((ref) =>
            ref.blockOwnerDeletion === true ? { ...ref, blockOwnerDeletion: false } : ref,
          ),
        );
      }
      // An owner waits for this object, which has dependents of its own: delete them first.
      await this.deleteObject(node.identity, 'Foreground');
      return;
    }
    // No owner is left: collect it, keeping the propagation it was already being deleted with.
    const finalizers = latest.metadata?.finalizers ?? [];
    const policy: Policy = finalizers.includes(ORPHAN_FINALIZER)
      ? 'Orphan'
      : finalizers.includes(FOREGROUND_FINALIZER)
        ? 'Foreground'
        : 'Background';
    await this.deleteObject(node.identity, policy);
  }

  /** Release every dependent of an owner deleted with the orphan finalizer, then the owner. */
  async attemptToOrphan(node: GraphNode): Promise<void> {
    const owner = node.identity.uid;
    const errors: string[] = [];
    await Promise.all(
      [...node.dependents].map(async (dep) => {
        try {
          await this.patchOwnerReferences(dep.identity, (refs) => refs.filter((ref) => ref.uid !== owner));
        } catch (error) {
          errors.push(`orphaning ${dep.identity.kind} ${dep.identity.name}: ${String(error)}`);
        }
      }),
    );
    if (errors.length > 0) throw new Error(errors.join('; '));
    await this.removeFinalizer(node.identity, ORPHAN_FINALIZER);
  }

  /** Report an ownerReference to an owner seen in another namespace, on the dependent. */
  reportInvalidNamespaceOwnerRef(dependent: GraphNode, ownerUid: string): void {
    const ref = dependent.owners.find((r) => r.uid === ownerUid);
    if (!ref) return;
    // Go's json.Marshal of the OwnerReference: its field order, optional fields omitted.
    const json = JSON.stringify({
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      name: ref.name,
      uid: ref.uid,
      ...(ref.controller !== undefined ? { controller: ref.controller } : {}),
      ...(ref.blockOwnerDeletion !== undefined ? { blockOwnerDeletion: ref.blockOwnerDeletion } : {}),
    });
    const { apiVersion, kind, name, namespace, uid } = dependent.identity;
    this.recorder.event(
      { apiVersion, kind, metadata: { name, namespace, uid } },
      'Warning',
      'OwnerRefInvalidNamespace',
      `ownerRef ${json} does not exist in namespace "${namespace}"`,
    );
  }

  /** A foreground deletion ends when no dependent blocks it (`processDeletingDependentsItem`). */
  private async processDeletingDependents(node: GraphNode): Promise<void> {
    const blocking = node.blockingDependents();
    if (blocking.length === 0) {
      await this.removeFinalizer(node.identity, FOREGROUND_FINALIZER);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.enqueue(dep);
  }

  /** Sort the references by what their owners are, read live (`classifyReferences`). */
  private async classifyReferences(node: GraphNode, refs: readonly MetaV1.OwnerReference[]) {
    const solid: MetaV1.OwnerReference[] = [];
    const dangling: MetaV1.OwnerReference[] = [];
    const waiting: MetaV1.OwnerReference[] = [];
    for (const ref of refs) {
      const owner = await this.liveOwner(node, ref);
      if (!owner) dangling.push(ref);
      else if (
        owner.metadata?.deletionTimestamp &&
        owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER)
      ) {
        waiting.push(ref);
      } else solid.push(ref);
    }
    return { solid, dangling, waiting };
  }

  /** The owner a reference names, or undefined when it is absent (`isDangling`). */
  private async liveOwner(node: GraphNode, ref: MetaV1.OwnerReference): Promise<KubeObjectLike | undefined> {
    const coordinates = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
    const absent = this.graph.absentOwners;
    if (absent.has({ ...coordinates, namespace: '' })) return undefined;
    if (absent.has({ ...coordinates, namespace: node.identity.namespace })) return undefined;
    const resource = this.mapper().forKind(ref.apiVersion, ref.kind);
    if (!resource) throw new RestMappingError(ref.apiVersion, ref.kind);
    if (resource.namespaced && node.identity.namespace === '') {
      throw new NamespacedOwnerOfClusterScopedError(
        `cluster-scoped ${node.identity.kind} ${node.identity.name} names a namespaced owner ${ref.kind} ${ref.name}`,
      );
    }
    const identity: Identity = {
      ...coordinates,
      namespace: resource.namespaced ? node.identity.namespace : '',
    };
    let owner: KubeObjectLike;
    try {
      owner = await this.client.resource(refOf(resource)).get(ref.name, identity.namespace || undefined);
    } catch (error) {
      if (!isStatus(error, 'NotFound')) throw error;
      absent.add(identity);
      return undefined;
    }
    if (owner.metadata?.uid !== ref.uid) {
      absent.add(identity);
      return undefined;
    }
    return owner;
  }

  /** The object as the API server has it now; undefined when absent. */
  private async getObject(identity: Identity): Promise<KubeObjectLike | undefined> {
    const { client, namespace } = this.clientFor(identity);
    if (namespace === null) return undefined;
    try {
      return await client.get(identity.name, namespace);
    } catch (error) {
      if (isStatus(error, 'NotFound')) return undefined;
      throw error;
    }
  }

  private async deleteObject(identity: Identity, propagationPolicy: Policy): Promise<void> {
    const { client, namespace } = this.clientFor(identity);
    if (namespace === null) return;
    try {
      await client.delete(identity.name, {
        ...(namespace ? { namespace } : {}),
        propagationPolicy,
        preconditions: { uid: identity.uid },
      });
    } catch (error) {
      // Gone already: the informer will tell the graph.
      if (!isStatus(error, 'NotFound')) throw error;
    }
  }

  /** Rewrite an object's ownerReferences, guarded by its resourceVersion; absent objects are skipped. */
  private async patchOwnerReferences(
    identity: Identity,
    change: (refs: MetaV1.OwnerReference[]) => MetaV1.OwnerReference[],
  ): Promise<void> {
    await this.patchMeta(identity, (latest) => {
      const refs = latest.metadata?.ownerReferences ?? [];
      const next = change(refs);
      if (JSON.stringify(next) === JSON.stringify(refs)) return undefined;
      // null removes the field, as Go's omitempty leaves no empty list behind.
      return { ownerReferences: next.length > 0 ? next : null };
    });
  }

  private async removeFinalizer(identity: Identity, finalizer: string): Promise<void> {
    await this.patchMeta(identity, (latest) => {
      const finalizers = latest.metadata?.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return undefined;
      const rest = finalizers.filter((f) => f !== finalizer);
      return { finalizers: rest.length > 0 ? rest : null };
    });
  }

  /**
   * Merge-patch the object's metadata with what `change` answers for its latest state (nothing
   * when it answers undefined), with its resourceVersion as precondition; conflicts read again.
   */
  private async patchMeta(
    identity: Identity,
    change: (latest: KubeObjectLike) => Record<string, unknown> | undefined,
  ): Promise<void> {
    const { client, namespace } = this.clientFor(identity);
    if (namespace === null) return;
    for (let attempt = 0; ; attempt++) {
      const latest = await this.getObject(identity);
      if (!latest || latest.metadata?.uid !== identity.uid) return;
      const patch = change(latest);
      if (!patch) return;
      try {
        await client.patch(
          identity.name,
          { metadata: { ...patch, resourceVersion: latest.metadata?.resourceVersion } },
          { ...(namespace ? { namespace } : {}), type: 'merge' },
        );
        return;
      } catch (error) {
        if (isStatus(error, 'NotFound')) return;
        if (!isStatus(error, 'Conflict') || attempt >= 5) throw error;
      }
    }
  }

  /**
   * The client for an object's resource and the namespace to address it in; namespace null when a
   * namespaced kind has no namespace (a virtual owner of a cluster-scoped dependent: it cannot
   * exist).
   */
  private clientFor(identity: Identity): {
    client: ResourceClient<KubeObjectLike>;
    namespace: string | undefined | null;
  } {
    const resource = this.mapper().forKind(identity.apiVersion, identity.kind);
    if (!resource) throw new RestMappingError(identity.apiVersion, identity.kind);
    const client = this.client.resource(refOf(resource));
    if (!resource.namespaced) return { client, namespace: undefined };
    return { client, namespace: identity.namespace === '' ? null : identity.namespace };
  }
}
