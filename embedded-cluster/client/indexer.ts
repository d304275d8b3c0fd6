import type { KubeObjectLike } from './resources.js';

/** `namespace/name`, or `name` for a cluster-scoped object: how caches and work queues key objects. */
export function objectKey(object: KubeObjectLike): string {
  const meta = object.metadata ?? {};
  return meta.namespace ? `${meta.namespace}/${meta.name ?? ''}` : (meta.name ?? '');
}

/** The namespace (empty for cluster-scoped) and name in a key made by {@link objectKey}. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export type IndexFunction<T> = (object: T) => readonly string[];

/**
 * An informer's cache: objects by key, plus secondary indexes (client-go's `cache.Indexer`). The
 * `namespace` index is always there. Objects in it are shared: never mutate one; copy it first.
 */
export class Indexer<T extends KubeObjectLike> {
  private readonly objects = new Map<string, T>();
  private readonly indexFunctions = new Map<string, IndexFunction<T>>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndex('namespace', (object) => [object.metadata?.namespace ?? '']);
  }

  /** Add an index; existing objects are indexed at once. */
  addIndex(name: string, fn: IndexFunction<T>): void {
    if (this.indexFunctions.has(name)) return;
    this.indexFunctions.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indexes.set(name, index);
    for (const [key, object] of this.objects) this.indexInto(index, fn, key, object);
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  keys(): string[] {
    return [...this.objects.keys()];
  }

  get size(): number {
    return this.objects.size;
  }

  /** Objects whose index `name` holds `value`, e.g. `byIndex('namespace', 'default')`. */
  byIndex(name: string, value: string): T[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`no index named ${name}`);
    const keys = index.get(value);
    if (!keys) return [];
    const result: T[] = [];
    for (const key of keys) result.push(this.objects.get(key)!);
    return result;
  }

  /** Store `object`; answers the object it replaced. */
  upsert(object: T): T | undefined {
    const key = objectKey(object);
    const previous = this.objects.get(key);
    if (previous) this.unindex(key, previous);
    this.objects.set(key, object);
    for (const [name, fn] of this.indexFunctions) this.indexInto(this.indexes.get(name)!, fn, key, object);
    return previous;
  }

  remove(key: string): T | undefined {
    const previous = this.objects.get(key);
    if (!previous) return undefined;
    this.unindex(key, previous);
    this.objects.delete(key);
    return previous;
  }

  private indexInto(index: Map<string, Set<string>>, fn: IndexFunction<T>, key: string, object: T): void {
    for (const value of fn(object)) {
      let keys = index.get(value);
      if (!keys) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, object: T): void {
    for (const [name, fn] of this.indexFunctions) {
      const index = this.indexes.get(name)!;
      for (const value of fn(object)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
