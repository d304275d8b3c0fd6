import type { FieldProblem } from '../catalog.js';
import {
  compareQuantities,
  formatQuantity,
  forbidden,
  GoSyntax,
  invalid,
  isObj,
  isQualifiedName,
  key,
  quantityMilliValue,
  quantityValue,
  required,
  tryParseQuantity,
  type Quantity,
} from '../validation/index.js';

/**
 * Resource names and quantities of requests, limits and quotas, after
 * pkg/apis/core/helper (IsNativeResource, IsExtendedResourceName, …) and the
 * resource checks of pkg/apis/core/validation/validation.go.
 */

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const STANDARD_QUOTA_RESOURCES = new Set([
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'cpu',
  'memory',
  'ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith('hugepages-');
}

function isQuotaHugePageResourceName(name: string): boolean {
  return (
    name.startsWith('hugepages-') ||
    name.startsWith('requests.hugepages-') ||
    name.startsWith('limits.hugepages-')
  );
}

export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName('requests.' + name).length === 0;
}

export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

export function isIntegerResourceName(name: string): boolean {
  return INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);
}

export function isStandardQuotaResourceName(name: string): boolean {
  return STANDARD_QUOTA_RESOURCES.has(name) || isQuotaHugePageResourceName(name);
}

/** validateResourceName. */
export function validateResourceName(name: string, fldPath: string): FieldProblem[] {
  const out = isQualifiedName(name).map((m) => invalid(fldPath, name, m));
  if (out.length) return out;
  if (!name.includes('/') && !(STANDARD_RESOURCES.has(name) || isQuotaHugePageResourceName(name)))
    return [invalid(fldPath, name, 'must be a standard resource type or fully qualified')];
  return out;
}

/** validateContainerResourceName. */
export function validateContainerResourceName(name: string, fldPath: string): FieldProblem[] {
  const out = validateResourceName(name, fldPath);
  if (!name.includes('/')) {
    if (!(STANDARD_CONTAINER_RESOURCES.has(name) || isHugePageResourceName(name)))
      return [...out, invalid(fldPath, name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [...out, invalid(fldPath, name, "doesn't follow extended resource name standard")];
  }
  return out;
}

/** ValidateResourceQuotaResourceName. */
export function validateQuotaResourceName(name: string, fldPath: string): FieldProblem[] {
  const out = validateResourceName(name, fldPath);
  if (!name.includes('/') && !isStandardQuotaResourceName(name))
    return [...out, invalid(fldPath, name, 'must be a standard resource for quota')];
  return out;
}

/** A quantity as it was given, parsed (undefined when malformed: decoding rejects those first). */
export function quantityOf(v: unknown): Quantity | undefined {
  return tryParseQuantity(v);
}

/** ValidateResourceQuantityValue: not negative; a whole number for integer resources. */
export function validateResourceQuantityValue(
  resource: string,
  value: unknown,
  fldPath: string,
): FieldProblem[] {
  const q = quantityOf(value);
  if (!q) return [];
  const out: FieldProblem[] = [];
  if (q.nanos < 0n) out.push(invalid(fldPath, formatQuantity(q), 'must be greater than or equal to 0'));
  if (isIntegerResourceName(resource) && quantityMilliValue(q) % 1000n !== 0n)
    out.push(invalid(fldPath, quantityPrint(q), 'must be an integer'));
  return out;
}

/**
 * A `resource.Quantity` passed by value prints with Go's `%#v` (its String()
 * has a pointer receiver): `resource.Quantity{i:resource.int64Amount{value:15, scale:-1}, …}`.
 */
export function quantityPrint(q: Quantity): GoSyntax {
  let value = q.nanos;
  let scale = -9;
  while (value !== 0n && value % 10n === 0n) {
    value /= 10n;
    scale++;
  }
  if (value === 0n) scale = 0;
  return new GoSyntax(
    `resource.Quantity{i:resource.int64Amount{value:${value}, scale:${scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${JSON.stringify(formatQuantity(q))}, Format:${JSON.stringify(q.format)}}`,
  );
}

/** validateBasicResource: `must be a valid resource quantity` for a negative value. */
export function validateBasicResource(value: unknown, fldPath: string): FieldProblem[] {
  const q = quantityOf(value);
  if (q && quantityValue(q) < 0n)
    return [invalid(fldPath, Number(quantityValue(q)), 'must be a valid resource quantity')];
  return [];
}

/** ValidatePositiveQuantityValue. */
export function validatePositiveQuantity(value: unknown, fldPath: string): FieldProblem[] {
  const q = quantityOf(value);
  if (q && q.nanos <= 0n) return [invalid(fldPath, formatQuantity(q), 'must be greater than zero')];
  return [];
}

/** ValidateContainerResourceRequirements (requests ≤ limits, names, quantities, hugepages). */
export function validateResourceRequirements(resources: unknown, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!isObj(resources)) return out;
  const limPath = `${fldPath}.limits`;
  const reqPath = `${fldPath}.requests`;
  const limits = isObj(resources.limits) ? resources.limits : {};
  const requests = isObj(resources.requests) ? resources.requests : {};
  let limCpuMem = false;
  let reqCpuMem = false;
  let hugePages = false;
  for (const [name, value] of Object.entries(limits)) {
    const p = key(limPath, name);
    out.push(...validateContainerResourceName(name, p));
    out.push(...validateResourceQuantityValue(name, value, p));
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') limCpuMem = true;
  }
  for (const [name, value] of Object.entries(requests)) {
    const p = key(reqPath, name);
    out.push(...validateContainerResourceName(name, p));
    out.push(...validateResourceQuantityValue(name, value, p));
    const q = quantityOf(value);
    if (name in limits) {
      const lim = quantityOf(limits[name]);
      if (q && lim) {
        if (compareQuantities(q, lim) !== 0 && !isOvercommitAllowed(name))
          out.push(
            invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(lim)}`),
          );
        else if (compareQuantities(q, lim) > 0)
          out.push(
            invalid(
              reqPath,
              formatQuantity(q),
              `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`,
            ),
          );
      }
    } else if (!isOvercommitAllowed(name)) {
      out.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') reqCpuMem = true;
  }
  if (!limCpuMem && !reqCpuMem && hugePages) out.push(forbidden(fldPath, 'HugePages require cpu or memory'));
  return out;
}
