import type { ResourceType } from '../api/catalog.js';
import type { KubeObject } from '../api/object.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Who is writing, and how: the parts of a request that shape an object on its way to storage. */
export interface WriteContext {
  now: number;
  fieldManager: string;
  fieldValidation: FieldValidation;
  /** Warnings to return in `Warning` headers (fieldValidation=Warn). */
  warnings: string[];
  subresource?: string | undefined;
}

/**
 * Everything between a decoded request body and the registry: defaulting,
 * admission, validation, unknown-field handling, managed fields, patches
 * and tables. The REST handlers call it; its parts live in `api/`.
 */
export interface ObjectPipeline {
  /** Unknown fields are reported per `fieldValidation` and dropped. */
  decode(type: ResourceType, obj: KubeObject, ctx: WriteContext): KubeObject;
  /** Defaults, admission and validation of a new object (metadata already prepared); throws 422. */
  admitCreate(type: ResourceType, obj: KubeObject, ctx: WriteContext): Promise<void>;
  /** The same for an update, `old` being what is stored; throws 422. */
  admitUpdate(type: ResourceType, obj: KubeObject, old: KubeObject, ctx: WriteContext): Promise<void>;
  /**
   * Allocate what the server hands out (Service cluster IPs and node ports),
   * after managed fields are recorded so that nobody owns allocated values.
   */
  allocate(type: ResourceType, obj: KubeObject, old: KubeObject | undefined): Promise<void>;
  hasGeneration(type: ResourceType): boolean;
  hasStatus(type: ResourceType): boolean;
  /** Set `metadata.managedFields` after a create, update or non-apply patch. */
  trackManagedFields(
    type: ResourceType,
    old: KubeObject | undefined,
    updated: KubeObject,
    ctx: WriteContext,
  ): void;
  /** Apply a patch to `current` (undefined: the object does not exist; only apply may create). */
  patch(
    type: ResourceType,
    patchType: PatchType,
    current: KubeObject | undefined,
    patch: unknown,
    ctx: WriteContext & { force: boolean },
  ): KubeObject;
  /** A `meta.k8s.io/v1` Table of objects, as `kubectl get` asks for. */
  table(
    type: ResourceType,
    objects: KubeObject[],
    includeObject: 'None' | 'Metadata' | 'Object',
    now: number,
  ): KubeObject;
  /** A predicate for `labelSelector` and `fieldSelector`; throws 400 on bad syntax or unsupported fields. */
  selector(
    type: ResourceType,
    labelSelector: string | null,
    fieldSelector: string | null,
  ): ((obj: KubeObject) => boolean) | undefined;
}
