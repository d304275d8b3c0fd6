import type { ResourceType } from '../../api/catalog.js';
import { errors, StatusError } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { CompactedError, prefixEnd, StoreError, type KeyValue, type Store } from '../../store/store.js';
import { collectionPrefix, decodeContinue, encodeContinue, objectKey } from './keys.js';
import { decodeObject, encodeObject, rawWithVersion } from './object-codec.js';

/** `resourceVersion` / `resourceVersionMatch` of a read, already validated. */
export interface ReadVersion {
  resourceVersion?: string | undefined;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact' | undefined;
}

export interface ListOptions extends ReadVersion {
  /** Keep only objects this accepts (label and field selectors). */
  filter?: ((obj: KubeObject) => boolean) | undefined;
  /** True when a selector is set: then no remainingItemCount, as Kubernetes. */
  filtered?: boolean;
  limit?: number | undefined;
  continueToken?: string | undefined;
}

const OPEN_BRACKET = Buffer.from('[');
const CLOSE_BRACKET = Buffer.from(']');
const COMMA = Buffer.from(',');

/** One page of a list: the stored entries, decoded on demand. */
export class ListResult {
  private decodedItems: KubeObject[] | undefined;
  continue?: string;
  remainingItemCount?: number;

  constructor(
    readonly kvs: KeyValue[],
    /** Objects already decoded (to filter them), by position; the rest decode when asked. */
    private readonly decoded: (KubeObject | undefined)[],
    readonly resourceVersion: string,
  ) {}

  get items(): KubeObject[] {
    this.decodedItems ??= this.kvs.map((kv, i) => this.decoded[i] ?? decodeObject(kv));
    return this.decodedItems;
  }

  /** The items as a JSON array, without decoding them (see rawWithVersion). */
  rawItemsArray(): Buffer {
    const parts: Buffer[] = [OPEN_BRACKET];
    this.kvs.forEach((kv, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(...rawWithVersion(kv));
    });
    parts.push(CLOSE_BRACKET);
    return Buffer.concat(parts);
  }
}

export interface WriteOptions {
  dryRun: boolean;
  /** Store the object attached to this lease (events expire with it). */
  lease?: number;
}

/**
 * Generic storage of API objects over the store, with Kubernetes' storage
 * semantics (k8s.io/apiserver/pkg/storage/etcd3/store.go): resourceVersion
 * is the key's modRevision, creates and updates are compare-and-swap
 * transactions, lists read one consistent revision page by page, and a
 * failed compare means someone else wrote first.
 *
 * It knows nothing of validation or defaulting: callers hand it finished
 * objects, or a mutation to apply to the current one.
 */
export class Registry {
  constructor(readonly store: Store) {}

  async get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    version: ReadVersion = {},
  ): Promise<KubeObject> {
    await this.checkReadVersion(version);
    const revision = version.resourceVersionMatch === 'Exact' ? Number(version.resourceVersion) : undefined;
    const { kvs } = await this.read(() =>
      this.store.range(objectKey(type, namespace, name), revision ? { revision } : {}),
    );
    if (kvs.length === 0) throw errors.notFound(type, name);
    return decodeObject(kvs[0]!);
  }

  /** The current object and its modRevision, or undefined. */
  async current(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): Promise<KeyValue | undefined> {
    const { kvs } = await this.read(() => this.store.range(objectKey(type, namespace, name)));
    return kvs[0];
  }

  async list(
    type: ResourceType,
    namespace: string | undefined,
    options: ListOptions = {},
  ): Promise<ListResult> {
    const prefix = collectionPrefix(type, namespace);
    const end = prefixEnd(prefix);
    let revision: number | undefined;
    let start = prefix;
    if (options.continueToken) {
      const token = decodeContinue(options.continueToken);
      revision = token.revision;
      start = prefix + token.start;
    } else {
      await this.checkReadVersion(options);
      if (options.resourceVersionMatch === 'Exact') revision = Number(options.resourceVersion);
    }
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    const kvs: KeyValue[] = [];
    const decoded: (KubeObject | undefined)[] = [];
    let more = false;
    let lastKey: string | undefined;
    // Read pages at one revision until `limit` objects passed the filter.
    const page = limit ? Math.max(limit, options.filter ? 500 : 0) : 0;
    read: for (;;) {
      const result = await this.read(
        () =>
          this.store.range(start, {
            end,
            ...(revision ? { revision } : {}),
            ...(page ? { limit: page } : {}),
          }),
        options.continueToken !== undefined,
      );
      revision ??= result.revision;
      for (const kv of result.kvs) {
        if (limit && kvs.length === limit) {
          more = true;
          break read;
        }
        lastKey = kv.key;
        if (options.filter) {
          const obj = decodeObject(kv);
          if (!options.filter(obj)) continue;
          decoded.push(obj);
        } else {
          decoded.push(undefined);
        }
        kvs.push(kv);
      }
      if (!result.more) break;
      start = lastKey + '\0';
    }
    const out = new ListResult(kvs, decoded, String(revision));
    if (more && lastKey !== undefined) {
      out.continue = encodeContinue({ revision: revision!, start: lastKey.slice(prefix.length) + '\0' });
      if (!options.filtered) {
        const { count } = await this.read(() =>
          this.store.range(lastKey + '\0', { end, revision: revision!, countOnly: true }),
        );
        out.remainingItemCount = count;
      }
    }
    return out;
  }

  /** Store a new object; 409 AlreadyExists if the name is taken. */
  async create(type: ResourceType, obj: KubeObject, options: WriteOptions): Promise<KubeObject> {
    const key = objectKey(type, obj.metadata.namespace, obj.metadata.name!);
    if (options.dryRun) {
      if ((await this.read(() => this.store.range(key, { countOnly: true }))).count > 0) {
        throw errors.alreadyExists(type, obj.metadata.name!);
      }
      return obj;
    }
    const value = encodeObject(obj);
    const txn = await this.write(() =>
      this.store.txn({
        compare: [{ key, target: 'createRevision', result: '=', value: 0 }],
        success: [{ op: 'put', key, value, ...(options.lease ? { lease: options.lease } : {}) }],
      }),
    );
    if (!txn.succeeded) throw errors.alreadyExists(type, obj.metadata.name!);
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(txn.revision) } };
  }

  /**
   * Read, mutate, compare-and-swap; on a lost race read again and retry
   * (GuaranteedUpdate). `mutate` may throw to stop (e.g. a stale
   * resourceVersion precondition: 409). Returning an object equal to the
   * current one writes nothing, as Kubernetes skips no-op updates.
   * `mutate(undefined)` is asked when the object does not exist; throw
   * NotFound there unless creating on update is allowed.
   */
  async update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    mutate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
    options: WriteOptions,
  ): Promise<{ object: KubeObject; created: boolean }> {
    const key = objectKey(type, namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.current(type, namespace, name);
      const current = kv ? decodeObject(kv) : undefined;
      const next = await mutate(current ? structuredClone(current) : undefined);
      if (current && sameObject(current, next)) return { object: current, created: false };
      if (options.dryRun) return { object: next, created: !current };
      const value = encodeObject(next);
      const txn = await this.write(() =>
        this.store.txn({
          compare: [{ key, target: 'modRevision', result: '=', value: kv ? kv.modRevision : 0 }],
          success: [{ op: 'put', key, value, ...(options.lease ? { lease: options.lease } : {}) }],
        }),
      );
      if (txn.succeeded) {
        return {
          object: { ...next, metadata: { ...next.metadata, resourceVersion: String(txn.revision) } },
          created: !kv,
        };
      }
      if (attempt > 100) throw errors.internal(`too many conflicts updating ${key}`);
    }
  }

  /** Write `obj` over the stored object if that is still at `modRevision`; undefined when it changed meanwhile. */
  async swap(type: ResourceType, obj: KubeObject, modRevision: number): Promise<KubeObject | undefined> {
    const key = objectKey(type, obj.metadata.namespace, obj.metadata.name!);
    const txn = await this.write(() =>
      this.store.txn({
        compare: [{ key, target: 'modRevision', result: '=', value: modRevision }],
        success: [{ op: 'put', key, value: encodeObject(obj) }],
      }),
    );
    if (!txn.succeeded) return undefined;
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(txn.revision) } };
  }

  /** Remove an object if it is still at `modRevision`; false when it changed meanwhile. */
  async remove(
    type: ResourceType,
    obj: KubeObject,
    modRevision: number,
  ): Promise<{ removed: boolean; revision: number }> {
    const key = objectKey(type, obj.metadata.namespace, obj.metadata.name!);
    const txn = await this.write(() =>
      this.store.txn({
        compare: [{ key, target: 'modRevision', result: '=', value: modRevision }],
        success: [{ op: 'delete', key }],
      }),
    );
    return { removed: txn.succeeded, revision: txn.revision };
  }

  /** Validate resourceVersion against the store; too new a version is a 504 as in Kubernetes. */
  private async checkReadVersion(version: ReadVersion): Promise<void> {
    const rv = version.resourceVersion;
    if (rv === undefined || rv === '' || rv === '0') return;
    const wanted = Number(rv);
    if (!Number.isSafeInteger(wanted) || wanted < 0) {
      throw errors.badRequest(`invalid resource version "${rv}"`);
    }
    const { revision } = await this.read(() => this.store.status());
    if (wanted > revision) {
      throw errors.timeout(`Too large resource version: ${wanted}, current: ${revision}`);
    }
  }

  private async read<T>(op: () => Promise<T>, continuing = false): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw storeError(error, continuing);
    }
  }

  private async write<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw storeError(error, false);
    }
  }
}

/**
 * Equal as JSON apart from resourceVersion: nothing to write. Walks both objects and stops at the
 * first difference (most updates differ early), instead of serialising both on every update.
 */
function sameObject(a: KubeObject, b: KubeObject): boolean {
  const { metadata: metaA, ...restA } = a;
  const { metadata: metaB, ...restB } = b;
  return (
    sameJson({ ...metaA, resourceVersion: undefined }, { ...metaB, resourceVersion: undefined }) &&
    sameJson(restA, restB)
  );
}

/** JSON equality: key order does not matter, and a key whose value is undefined is absent. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (!isPlainObject(a) || !isPlainObject(b) || Array.isArray(b)) return false;
  let keys = 0;
  for (const key in a) {
    const value = a[key];
    if (value === undefined) continue;
    keys++;
    if (!sameJson(value, b[key])) return false;
  }
  for (const key in b) if (b[key] !== undefined) keys--;
  return keys === 0;
}

/** Store failures as the API reports them. */
export function storeError(error: unknown, continuing: boolean): Error {
  if (error instanceof StatusError) return error;
  if (error instanceof CompactedError) {
    return continuing
      ? errors.expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        )
      : errors.expired(`The resourceVersion for the provided list is too old.`);
  }
  if (error instanceof StoreError) {
    switch (error.reason) {
      case 'TooLarge':
        return errors.requestEntityTooLarge(`etcdserver: request is too large`);
      case 'FutureRevision':
        return errors.timeout(`Too large resource version: ${error.message}`);
      case 'NoSpace':
      case 'Unavailable':
      case 'Closed':
        return errors.serviceUnavailable(`storage is unavailable: ${error.message}`);
      default:
        return errors.internal(error.message);
    }
  }
  return errors.internal(error instanceof Error ? error.message : String(error));
}
