import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  compareQuantities,
  duplicate,
  ensureObj,
  forbidden,
  formatQuantity,
  index,
  invalid,
  isQualifiedName,
  key,
  nameIsDNSSubdomain,
  obj,
  objs,
  required,
  str,
  tryParseQuantity,
  type Obj,
} from '../validation/index.js';
import { defineKind } from './common.js';
import { defaultResourceList } from './pod-spec-defaults.js';
import {
  isOvercommitAllowed,
  isStandardQuotaResourceName,
  quantityPrint,
  validateContainerResourceName,
  validateQuotaResourceName,
  validateResourceName,
  validateResourceQuantityValue,
} from './resources.js';

/** LimitRanges and ResourceQuotas (core/v1). */

function defaultLimitRange(lr: Obj): void {
  for (const item of objs(obj(lr.spec)?.limits)) {
    if (str(item.type) === 'Container') {
      const def = ensureObj(item, 'default');
      const defReq = ensureObj(item, 'defaultRequest');
      for (const [k, v] of Object.entries(obj(item.max) ?? {})) if (!(k in def)) def[k] = v;
      for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
      for (const [k, v] of Object.entries(obj(item.min) ?? {})) if (!(k in defReq)) defReq[k] = v;
    }
    for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'])
      defaultResourceList(item[f]);
  }
}

const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];

function validateLimitRange(lr: Obj): FieldProblem[] {
  const out: FieldProblem[] = [];
  const types = new Set<string>();
  objs(obj(lr.spec)?.limits).forEach((limit, i) => {
    const p = index('spec.limits', i);
    const type = str(limit.type);
    const typeErrs = isQualifiedName(type).map((m) => invalid(child(p, 'type'), type, m));
    out.push(...typeErrs);
    if (!typeErrs.length && !type.includes('/') && !LIMIT_TYPES.includes(type))
      out.push(invalid(child(p, 'type'), type, 'must be a standard limit type or fully qualified'));
    if (types.has(type)) out.push(duplicate(child(p, 'type'), type));
    types.add(type);
    const nameCheck = (k: string, fp: string) =>
      type === 'Pod' || type === 'Container'
        ? validateContainerResourceName(k, fp)
        : validateResourceName(k, fp);
    const lists: Record<string, Obj> = {};
    const keys = new Set<string>();
    for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
      lists[f] = obj(limit[f]) ?? {};
      if (type === 'Pod' && (f === 'default' || f === 'defaultRequest')) {
        if (Object.keys(lists[f]).length)
          out.push(forbidden(child(p, f), "may not be specified when `type` is 'Pod'"));
        lists[f] = {};
        continue;
      }
      for (const k of Object.keys(lists[f])) {
        out.push(...nameCheck(k, key(child(p, f), k)));
        keys.add(k);
      }
    }
    if (type === 'PersistentVolumeClaim' && !('storage' in lists.min!) && !('storage' in lists.max!))
      out.push(
        required(
          child(p, 'limits'),
          'either minimum or maximum storage value is required, but neither was provided',
        ),
      );
    for (const k of keys) {
      const q = (f: string) => (k in lists[f]! ? tryParseQuantity(lists[f]![k]) : undefined);
      const [min, max, def, defReq, ratio] = [
        'min',
        'max',
        'default',
        'defaultRequest',
        'maxLimitRequestRatio',
      ].map(q);
      const s = (x: NonNullable<typeof min>) => formatQuantity(x);
      if (min && max && compareQuantities(min, max) > 0)
        out.push(
          invalid(
            key(child(p, 'min'), k),
            quantityPrint(min),
            `min value ${s(min)} is greater than max value ${s(max)}`,
          ),
        );
      if (defReq && min && compareQuantities(min, defReq) > 0)
        out.push(
          invalid(
            key(child(p, 'defaultRequest'), k),
            quantityPrint(defReq),
            `min value ${s(min)} is greater than default request value ${s(defReq)}`,
          ),
        );
      if (defReq && max && compareQuantities(defReq, max) > 0)
        out.push(
          invalid(
            key(child(p, 'defaultRequest'), k),
            quantityPrint(defReq),
            `default request value ${s(defReq)} is greater than max value ${s(max)}`,
          ),
        );
      if (defReq && def && compareQuantities(defReq, def) > 0)
        out.push(
          invalid(
            key(child(p, 'defaultRequest'), k),
            quantityPrint(defReq),
            `default request value ${s(defReq)} is greater than default limit value ${s(def)}`,
          ),
        );
      if (def && min && compareQuantities(min, def) > 0)
        out.push(
          invalid(
            key(child(p, 'default'), k),
            quantityPrint(min),
            `min value ${s(min)} is greater than default value ${s(def)}`,
          ),
        );
      if (def && max && compareQuantities(def, max) > 0)
        out.push(
          invalid(
            key(child(p, 'default'), k),
            quantityPrint(max),
            `default value ${s(def)} is greater than max value ${s(max)}`,
          ),
        );
      if (ratio && ratio.nanos < 1_000_000_000n)
        out.push(
          invalid(
            key(child(p, 'maxLimitRequestRatio'), k),
            quantityPrint(ratio),
            `ratio ${s(ratio)} is less than 1`,
          ),
        );
      if (ratio && min && max && min.nanos > 0n) {
        const limit = Number(max.nanos) / Number(min.nanos);
        if (Number(ratio.nanos) / 1e9 > limit)
          out.push(
            invalid(
              key(child(p, 'maxLimitRequestRatio'), k),
              quantityPrint(ratio),
              `ratio ${s(ratio)} is greater than max/min = ${limit.toFixed(6)}`,
            ),
          );
      }
      if (!isOvercommitAllowed(k) && def && defReq && compareQuantities(def, defReq) !== 0)
        out.push(
          invalid(
            key(child(p, 'defaultRequest'), k),
            quantityPrint(defReq),
            `default value ${s(def)} must equal to defaultRequest value ${s(defReq)} in ${k}`,
          ),
        );
    }
  });
  return out;
}

export const limitRangeStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  default: defaultLimitRange,
  validate: validateLimitRange,
});

// ResourceQuotas ------------------------------------------------------------

const STANDARD_SCOPES = [
  'Terminating',
  'NotTerminating',
  'BestEffort',
  'NotBestEffort',
  'PriorityClass',
  'CrossNamespacePodAffinity',
  'VolumeAttributesClass',
];
const POD_OBJECT_COUNT = new Set(['pods', 'count/pods']);
const POD_COMPUTE = new Set([
  'cpu',
  'memory',
  'limits.cpu',
  'limits.memory',
  'requests.cpu',
  'requests.memory',
  'ephemeral-storage',
  'requests.ephemeral-storage',
  'limits.ephemeral-storage',
]);

function scopeValidForResource(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
    case 'PriorityClass':
      return (
        POD_OBJECT_COUNT.has(resource) ||
        POD_COMPUTE.has(resource) ||
        resource.startsWith('hugepages-') ||
        resource.startsWith('requests.hugepages-')
      );
    case 'BestEffort':
      return POD_OBJECT_COUNT.has(resource);
    case 'CrossNamespacePodAffinity':
      return POD_OBJECT_COUNT.has(resource);
    default:
      return true;
  }
}

function validateQuotaSpec(spec: Obj, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const hard = obj(spec.hard) ?? {};
  for (const [k, v] of Object.entries(hard)) {
    const p = key(child(fldPath, 'hard'), k);
    out.push(...validateQuotaResourceName(k, p));
    out.push(...validateResourceQuantityValue(k, v, p));
  }
  const scopes = arr(spec.scopes).map(str);
  if (scopes.length) {
    const sp = child(fldPath, 'scopes');
    const value = scopes;
    for (const scope of scopes) {
      if (!STANDARD_SCOPES.includes(scope)) out.push(invalid(sp, value, 'unsupported scope'));
      for (const k of Object.keys(hard).sort())
        if (isStandardQuotaResourceName(k) && !scopeValidForResource(scope, k))
          out.push(invalid(sp, value, 'unsupported scope applied to resource'));
    }
    const set = new Set(scopes);
    if (
      (set.has('BestEffort') && set.has('NotBestEffort')) ||
      (set.has('Terminating') && set.has('NotTerminating'))
    )
      out.push(invalid(sp, value, 'conflicting scopes'));
  }
  return out;
}

export const resourceQuotaStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasStatus: true,
  default: (rq) => {
    defaultResourceList(obj(rq.spec)?.hard);
    defaultResourceList(obj(rq.status)?.hard);
    defaultResourceList(obj(rq.status)?.used);
  },
  validate: (rq) => validateQuotaSpec(obj(rq.spec) ?? {}, 'spec'),
  validateUpdate: (rq, old) => {
    const a = new Set(arr(obj(rq.spec)?.scopes).map(str));
    const b = new Set(arr(obj(old.spec)?.scopes).map(str));
    const same = a.size === b.size && [...a].every((s) => b.has(s));
    return same ? [] : [invalid('spec.scopes', arr(obj(rq.spec)?.scopes).map(str), 'field is immutable')];
  },
});
