import type { FieldProblem, KindStrategy } from '../catalog.js';
import type { KubeObject } from '../object.js';
import {
  deepEqual,
  obj,
  pathSegmentName,
  validateObjectMeta,
  validateObjectMetaUpdate,
  type NameValidator,
  type Obj,
} from '../validation/index.js';

/**
 * How one kind behaves, in the pieces its Kubernetes registry strategy and
 * validation are made of; {@link defineKind} assembles them into a
 * {@link KindStrategy} with the generic parts (ObjectMeta checks,
 * generation, status handling) done once, in Kubernetes' order.
 */
export interface KindDef {
  namespaced: boolean;
  /** The name rule ValidateObjectMeta applies for this kind. */
  nameFn: NameValidator;
  /** Whether metadata.generation starts at 1 and follows changes of {@link generationFields}. */
  hasGeneration?: boolean;
  /** Top-level fields whose change bumps the generation (default `['spec']`). */
  generationFields?: readonly string[];
  /** Whether the kind has a status the main resource may not change. */
  hasStatus?: boolean;
  /** The status a new object starts with (default `{}`) when {@link hasStatus}. */
  initialStatus?(o: Obj): unknown;
  /** Whether the update validation re-runs the full create validation (name included). Default true. */
  revalidateOnUpdate?: boolean;
  /** The object validation re-run on update, when it differs from {@link validate} (create-only rules left out). */
  revalidate?(o: Obj): FieldProblem[];
  /** Check unqualified finalizer names against the legacy standard ones (pkg/apis/core/validation). Default true. */
  kubeFinalizers?: boolean;
  default?(o: Obj): void;
  /** Kind-specific PrepareForCreate, after the generic status reset and generation. */
  prepareForCreate?(o: Obj): void;
  /** Kind-specific PrepareForUpdate, after the generic status copy and before the generation bump. */
  prepareForUpdate?(o: Obj, old: Obj): void;
  /** Problems with the object beyond its metadata. */
  validate?(o: Obj): FieldProblem[];
  /** Problems with an update beyond the new object's own validity: immutable fields and transitions. */
  validateUpdate?(o: Obj, old: Obj): FieldProblem[];
}

function asObj(o: KubeObject): Obj {
  return o as unknown as Obj;
}

/** Build the {@link KindStrategy} of a kind from its {@link KindDef}. */
export function defineKind(def: KindDef): KindStrategy {
  const generationFields = def.generationFields ?? ['spec'];
  const metaOpts = {
    namespaced: def.namespaced,
    nameFn: def.nameFn,
    kubeFinalizers: def.kubeFinalizers ?? true,
  };

  const createProblems = (o: Obj): FieldProblem[] => [
    ...validateObjectMeta(o.metadata, metaOpts),
    ...(def.validate?.(o) ?? []),
  ];

  const strategy: KindStrategy = {
    hasGeneration: def.hasGeneration ?? false,
    hasStatus: def.hasStatus ?? false,

    prepareForCreate(kobj) {
      const o = asObj(kobj);
      if (def.hasStatus) o.status = def.initialStatus ? def.initialStatus(o) : {};
      if (def.hasGeneration) metaOf(o).generation = 1;
      def.prepareForCreate?.(o);
    },

    prepareForUpdate(kobj, kold) {
      const o = asObj(kobj);
      const old = asObj(kold);
      if (def.hasStatus) {
        if (old.status === undefined) delete o.status;
        else o.status = structuredClone(old.status);
      }
      def.prepareForUpdate?.(o, old);
      // BeforeUpdate: requests cannot set the generation; the strategy bumps it on spec changes.
      const oldGen = metaOf(old).generation;
      if (typeof oldGen === 'number') metaOf(o).generation = oldGen;
      else delete metaOf(o).generation;
      if (def.hasGeneration) {
        const changed = generationFields.some((f) => !deepEqual(pathValue(o, f), pathValue(old, f)));
        if (changed) metaOf(o).generation = (typeof oldGen === 'number' ? oldGen : 0) + 1;
      }
    },

    validate(kobj) {
      const o = asObj(kobj);
      const problems = createProblems(o);
      if (problems.length) return problems;
      // BeforeCreate's generic check, run only once the kind's own validation passed.
      return validateObjectMeta(o.metadata, {
        namespaced: def.namespaced,
        nameFn: pathSegmentName,
        kubeFinalizers: false,
      });
    },

    validateUpdate(kobj, kold) {
      const o = asObj(kobj);
      const old = asObj(kold);
      return [
        ...validateObjectMetaUpdate(o.metadata, old.metadata, 'metadata', metaOpts.kubeFinalizers),
        ...(def.revalidateOnUpdate === false
          ? []
          : [...validateObjectMeta(o.metadata, metaOpts), ...((def.revalidate ?? def.validate)?.(o) ?? [])]),
        ...(def.validateUpdate?.(o, old) ?? []),
      ];
    },
  };
  if (def.default) {
    const fn = def.default;
    strategy.default = (kobj) => fn(asObj(kobj));
  }
  return strategy;
}

export function metaOf(o: Obj): Obj {
  const m = obj(o.metadata);
  if (m) return m;
  const fresh: Obj = {};
  o.metadata = fresh;
  return fresh;
}

/** The value at a dotted path (`metadata.annotations`). */
function pathValue(o: Obj, path: string): unknown {
  let cur: unknown = o;
  for (const part of path.split('.')) cur = obj(cur)?.[part];
  return cur;
}
