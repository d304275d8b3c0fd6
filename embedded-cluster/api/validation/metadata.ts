import type { FieldProblem } from '../catalog.js';
import { goSyntax } from './format.js';
import { isQualifiedName, validateNamespaceName, type NameValidator } from './names.js';
import {
  arr,
  child,
  deepEqual,
  forbidden,
  GoSyntax,
  index,
  invalid,
  isObj,
  num,
  obj,
  required,
  str,
  tooLong,
} from './problems.js';
import { validateLabels } from './selectors.js';

/**
 * ObjectMeta validation, after k8s.io/apimachinery/pkg/api/validation/objectmeta.go
 * and the core additions in pkg/apis/core/validation (legacy finalizer names).
 */

export const FIELD_IMMUTABLE = 'field is immutable';
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
export const IS_NEGATIVE = 'must be greater than or equal to 0';

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export interface ObjectMetaOptions {
  /** Whether the kind lives in a namespace (`metadata.namespace` required) or not (forbidden). */
  namespaced: boolean;
  /** The kind's name rule, e.g. {@link nameIsDNSSubdomain}. */
  nameFn: NameValidator;
  /** Check legacy finalizer names as pkg/apis/core/validation does (default true). */
  kubeFinalizers?: boolean;
}

export function validateNonnegative(value: unknown, fldPath: string): FieldProblem[] {
  const n = num(value);
  return n !== undefined && n < 0 ? [invalid(fldPath, n, IS_NEGATIVE)] : [];
}

export function validateAnnotations(annotations: unknown, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!isObj(annotations)) return out;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) out.push(invalid(fldPath, k, msg));
    total += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) out.push(tooLong(fldPath, TOTAL_ANNOTATION_SIZE_LIMIT));
  return out;
}

/** The controller, owner and banned-kind rules for `ownerReferences`. */
export function validateOwnerReferences(refs: unknown, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  let firstController = '';
  for (const r of arr(refs)) {
    const ref = obj(r) ?? {};
    const apiVersion = str(ref.apiVersion);
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    if (!version) out.push(invalid(child(fldPath, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!str(ref.kind)) out.push(invalid(child(fldPath, 'kind'), str(ref.kind), 'kind must not be empty'));
    if (!str(ref.name)) out.push(invalid(child(fldPath, 'name'), str(ref.name), 'name must not be empty'));
    if (!str(ref.uid)) out.push(invalid(child(fldPath, 'uid'), str(ref.uid), 'uid must not be empty'));
    if (group === '' && version === 'v1' && str(ref.kind) === 'Event')
      out.push(invalid(fldPath, goOwnerReference(ref), '/v1, Kind=Event is disallowed from being an owner'));
    if (ref.controller === true) {
      const name = `${str(ref.kind)}/${str(ref.name)}`;
      if (firstController)
        out.push(
          invalid(
            fldPath,
            new GoSyntax(
              `[]v1.OwnerReference{${arr(refs)
                .map((x) => goOwnerReference(obj(x) ?? {}).text)
                .join(', ')}}`,
            ),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`,
          ),
        );
      else firstController = name;
    }
  }
  return out;
}

function goOwnerReference(ref: Record<string, unknown>): GoSyntax {
  const ptrBool = (v: unknown) => (typeof v === 'boolean' ? `(*bool)(${v})` : '(*bool)(nil)');
  return new GoSyntax(
    `v1.OwnerReference{APIVersion:${goSyntax(str(ref.apiVersion))}, Kind:${goSyntax(str(ref.kind))}, Name:${goSyntax(str(ref.name))}, UID:${goSyntax(str(ref.uid))}, Controller:${ptrBool(ref.controller)}, BlockOwnerDeletion:${ptrBool(ref.blockOwnerDeletion)}}`,
  );
}

/** `ValidateFinalizers`: qualified names, and not both `orphan` and `foregroundDeletion`. */
export function validateFinalizers(finalizers: unknown, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const list = arr(finalizers).map(str);
  for (const f of list) for (const msg of isQualifiedName(f)) out.push(invalid(fldPath, f, msg));
  if (list.includes('orphan') && list.includes('foregroundDeletion'))
    out.push(
      invalid(
        fldPath,
        new GoSyntax(goSyntax(list)),
        'finalizer orphan and foregroundDeletion cannot be both set',
      ),
    );
  return out;
}

/** pkg/apis/core/validation `validateKubeFinalizerName`: an unqualified finalizer must be a standard one. */
export function validateKubeFinalizerName(name: string, fldPath: string): FieldProblem[] {
  return !name.includes('/') && !STANDARD_FINALIZERS.has(name)
    ? [invalid(fldPath, name, 'name is neither a standard finalizer name nor is it fully qualified')]
    : [];
}

/** `ValidateObjectMeta`: name (or generateName), namespace, labels, annotations, owners, finalizers. */
export function validateObjectMeta(
  meta: unknown,
  opts: ObjectMetaOptions,
  fldPath = 'metadata',
): FieldProblem[] {
  const m = obj(meta) ?? {};
  const out: FieldProblem[] = [];
  const generateName = str(m.generateName);
  const name = str(m.name);
  if (generateName)
    for (const msg of opts.nameFn(generateName, true))
      out.push(invalid(child(fldPath, 'generateName'), generateName, msg));
  if (!name) out.push(required(child(fldPath, 'name'), 'name or generateName is required'));
  else for (const msg of opts.nameFn(name, false)) out.push(invalid(child(fldPath, 'name'), name, msg));
  const namespace = str(m.namespace);
  if (opts.namespaced) {
    if (!namespace) out.push(required(child(fldPath, 'namespace')));
    else
      for (const msg of validateNamespaceName(namespace, false))
        out.push(invalid(child(fldPath, 'namespace'), namespace, msg));
  } else if (namespace) {
    out.push(forbidden(child(fldPath, 'namespace'), 'not allowed on this type'));
  }
  out.push(...validateNonnegative(m.generation, child(fldPath, 'generation')));
  out.push(...validateLabels(m.labels, child(fldPath, 'labels')));
  out.push(...validateAnnotations(m.annotations, child(fldPath, 'annotations')));
  out.push(...validateOwnerReferences(m.ownerReferences, child(fldPath, 'ownerReferences')));
  out.push(...validateFinalizers(m.finalizers, child(fldPath, 'finalizers')));
  if (opts.kubeFinalizers !== false)
    arr(m.finalizers).forEach((f, i) =>
      out.push(...validateKubeFinalizerName(str(f), index(child(fldPath, 'finalizers'), i))),
    );
  return out;
}

/** `ValidateImmutableField`: `Invalid value: <new>: field is immutable`. */
export function validateImmutable(
  newVal: unknown,
  oldVal: unknown,
  fldPath: string,
  printed?: unknown,
): FieldProblem[] {
  return deepEqual(newVal, oldVal)
    ? []
    : [invalid(fldPath, printed !== undefined ? printed : newVal, FIELD_IMMUTABLE)];
}

/**
 * `ValidateObjectMetaUpdate`: name, namespace, uid, creationTimestamp,
 * deletionTimestamp and deletionGracePeriodSeconds are immutable; a
 * resourceVersion is required; generation never goes down; no finalizer may
 * be added once deletion has begun.
 */
export function validateObjectMetaUpdate(
  newMeta: unknown,
  oldMeta: unknown,
  fldPath = 'metadata',
  kubeFinalizers = true,
): FieldProblem[] {
  const n = obj(newMeta) ?? {};
  const o = obj(oldMeta) ?? {};
  const out: FieldProblem[] = [];
  if (o.deletionTimestamp) {
    const oldF = new Set(arr(o.finalizers).map(str));
    const extra = [...new Set(arr(n.finalizers).map(str))].filter((f) => !oldF.has(f)).sort();
    if (extra.length)
      out.push(
        forbidden(
          child(fldPath, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goSyntax(extra)}`,
        ),
      );
  }
  if (!str(n.resourceVersion))
    out.push(
      invalid(child(fldPath, 'resourceVersion'), str(n.resourceVersion), 'must be specified for an update'),
    );
  const ng = num(n.generation) ?? 0;
  const og = num(o.generation) ?? 0;
  if (ng < og) out.push(invalid(child(fldPath, 'generation'), ng, 'must not be decremented'));
  out.push(...validateImmutable(str(n.name), str(o.name), child(fldPath, 'name')));
  out.push(...validateImmutable(str(n.namespace), str(o.namespace), child(fldPath, 'namespace')));
  out.push(...validateImmutable(str(n.uid), str(o.uid), child(fldPath, 'uid')));
  out.push(...immutableTime(n.creationTimestamp, o.creationTimestamp, child(fldPath, 'creationTimestamp')));
  out.push(
    ...immutableTime(n.deletionTimestamp, o.deletionTimestamp, child(fldPath, 'deletionTimestamp'), true),
  );
  if (!deepEqual(n.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds)) {
    const v = num(n.deletionGracePeriodSeconds);
    out.push(
      invalid(child(fldPath, 'deletionGracePeriodSeconds'), v === undefined ? null : v, FIELD_IMMUTABLE),
    );
  }
  out.push(...validateLabels(n.labels, child(fldPath, 'labels')));
  out.push(...validateAnnotations(n.annotations, child(fldPath, 'annotations')));
  out.push(...validateOwnerReferences(n.ownerReferences, child(fldPath, 'ownerReferences')));
  if (kubeFinalizers)
    arr(n.finalizers).forEach((f, i) =>
      out.push(...validateKubeFinalizerName(str(f), index(child(fldPath, 'finalizers'), i))),
    );
  return out;
}

/** Timestamps print as a Go `metav1.Time` stringifies: `2024-05-01 10:00:00 +0000 UTC`. */
function immutableTime(n: unknown, o: unknown, fldPath: string, pointer = false): FieldProblem[] {
  if (str(n) === str(o)) return [];
  const text = str(n);
  if (!text && pointer) return [invalid(fldPath, null, FIELD_IMMUTABLE)];
  return [invalid(fldPath, new GoSyntax(goTime(text)), FIELD_IMMUTABLE)];
}

export function goTime(rfc3339: string): string {
  const d = rfc3339 ? new Date(rfc3339) : new Date(Date.UTC(1, 0, 1));
  if (Number.isNaN(d.getTime())) return rfc3339;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}
