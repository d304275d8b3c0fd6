import type { KubeObject } from './object.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** Subresources the API server knows how to serve. */
export type SubresourceName =
  | 'status'
  | 'scale'
  | 'binding'
  | 'eviction'
  | 'log'
  | 'exec'
  | 'attach'
  | 'portforward'
  | 'proxy'
  | 'ephemeralcontainers'
  | 'finalize'
  | 'token';

/**
 * One served resource: the single source of truth for discovery, OpenAPI,
 * storage keys, short names and categories (`kubectl get all`, `kubectl
 * api-resources`) and the renderer's resource menu.
 */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  /** Plural, lower case: the URL segment and the storage prefix. */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly Verb[];
  subresources: readonly SubresourceName[];
  /** The OpenAPI v2 definition name of the kind, e.g. `io.k8s.api.core.v1.Pod`. */
  definition: string;
  /** For CustomResourceDefinitions: the CRD's name; absent for built-ins. */
  crd?: string;
}

/**
 * Behaviour of one kind beyond storage (see {@link ResourceType}); every hook is optional.
 *
 * The API server calls them in Kubernetes' order: on create `default` (when
 * decoding), fill system fields (uid, creationTimestamp, a name from
 * generateName), `prepareForCreate`, `validate`; on update `default`,
 * `prepareForUpdate(new, old)`, `validateUpdate(new, old)`. `default` may throw
 * a `DecodeError` (validation/quantity.ts) for a body Kubernetes cannot decode
 * (a malformed quantity): answer 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: <message>`.
 */
export interface KindStrategy<T extends KubeObject = KubeObject> {
  /** Fill defaults in place, as the API server's defaulting does before validation. */
  default?(obj: T): void;
  /**
   * The registry strategy's PrepareForCreate, in full: reset status, set
   * `metadata.generation` to 1 where {@link hasGeneration}, and the kind's own
   * touches (a Job's generated selector, a Namespace's `kubernetes` finalizer,
   * a Pod's Pending phase and QoS class). Needs `metadata.uid` and `name` set.
   */
  prepareForCreate?(obj: T): void;
  /**
   * The registry strategy's PrepareForUpdate, in full: keep the old status where
   * {@link hasStatus}, bump `metadata.generation` when the spec changed where
   * {@link hasGeneration}, and the kind's own touches.
   */
  prepareForUpdate?(obj: T, old: T): void;
  /** Problems with a new object, metadata included (as the strategy's Validate then BeforeCreate's generic checks). */
  validate?(obj: T): FieldProblem[];
  /** Problems with an update, immutable fields and metadata included. */
  validateUpdate?(obj: T, old: T): FieldProblem[];
  /** Whether `metadata.generation` follows spec changes (most kinds with a spec). */
  hasGeneration?: boolean;
  /** Whether the kind has a status subresource whose changes the main resource ignores. */
  hasStatus?: boolean;
}

/** A validation finding; turned into a {@link FieldCause} by the API server. */
export interface FieldProblem {
  type:
    | 'Required'
    | 'Invalid'
    | 'NotSupported'
    | 'Forbidden'
    | 'Duplicate'
    | 'TooLong'
    | 'TooMany'
    | 'NotFound'
    | 'TypeInvalid';
  field: string;
  /** The offending value, for Invalid / NotSupported / Duplicate / TypeInvalid. */
  value?: unknown;
  /** Detail text, e.g. `must be no more than 63 characters`; for NotSupported, the supported values. */
  detail?: string;
  supported?: readonly string[];
}

/** Storage key prefix of a resource: `/registry/<group/resource>` as Kubernetes lays it out (core: no group). */
export function storagePrefix(type: Pick<ResourceType, 'group' | 'resource'>): string {
  return type.group === '' ? `/registry/${type.resource}/` : `/registry/${type.group}/${type.resource}/`;
}
