import type { KubeObjectLike } from '../../client/index.js';

type Expectation = { resourceVersion: number } | 'deleted';

/**
 * Tells whether the informer cache has caught up with this controller's own writes, as
 * `staleEndpointsTracker` (pkg/controller/endpoint) and `EndpointSliceTracker`
 * (k8s.io/endpointslice/util) do. A sync that read a cache still missing its previous write would
 * write again from stale data: create a duplicate EndpointSlice, or send a doomed update. Such a
 * sync throws {@link CacheBehindError} instead and is retried with backoff.
 *
 * Writes are grouped by the service they were made for. A created or updated object is remembered
 * by the resourceVersion the API server answered; the cache is behind while it lacks the object or
 * holds an older version (this cluster's resourceVersions are increasing store revisions, and an
 * informer only moves forward); a deleted one, while the cache still holds it.
 */
export class WriteTracker {
  private readonly groups = new Map<string, Map<string, Expectation>>();

  /** Remember a create or update of the object at `key`, as the server answered it. */
  wrote(group: string, key: string, object: KubeObjectLike): void {
    const resourceVersion = Number(object.metadata?.resourceVersion);
    if (Number.isFinite(resourceVersion)) this.group(group).set(key, { resourceVersion });
  }

  deleted(group: string, key: string): void {
    this.group(group).set(key, 'deleted');
  }

  /**
   * Whether the cache (read through `cached`) still lacks a write made for `group`; forgets the
   * writes it has seen.
   */
  isBehind(group: string, cached: (key: string) => KubeObjectLike | undefined): boolean {
    const writes = this.groups.get(group);
    if (!writes) return false;
    for (const [key, expected] of writes) {
      const object = cached(key);
      const behind =
        expected === 'deleted'
          ? object !== undefined
          : object === undefined || Number(object.metadata?.resourceVersion) < expected.resourceVersion;
      if (behind) return true;
      writes.delete(key);
    }
    this.groups.delete(group);
    return false;
  }

  /** Whether an informer event (`object`, or undefined for a deletion) is the echo of our own write. */
  isOwnEcho(group: string, key: string, object: KubeObjectLike | undefined): boolean {
    const expected = this.groups.get(group)?.get(key);
    if (expected === undefined) return false;
    if (expected === 'deleted') return object === undefined;
    return object !== undefined && Number(object.metadata?.resourceVersion) === expected.resourceVersion;
  }

  /** The object at `key` was deleted by someone else: whatever we last wrote there, the cache can no longer show it. */
  forgetObject(group: string, key: string): void {
    this.groups.get(group)?.delete(key);
  }

  forget(group: string): void {
    this.groups.delete(group);
  }

  private group(name: string): Map<string, Expectation> {
    let writes = this.groups.get(name);
    if (!writes) this.groups.set(name, (writes = new Map()));
    return writes;
  }
}

/**
 * The cache has not yet seen this controller's last write: retry later. It carries the `Conflict`
 * reason, which the workers treat as the routine race it is.
 */
export class CacheBehindError extends Error {
  readonly reason = 'Conflict';

  constructor(what: string) {
    super(`informer cache is behind our last write for ${what}; will retry`);
    this.name = 'CacheBehindError';
  }
}
