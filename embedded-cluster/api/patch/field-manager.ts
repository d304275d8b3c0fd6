/**
 * Request-level field manager rules: the manager name a write is recorded
 * under, the patch options the apiserver refuses, and the fields each
 * resource's strategy resets (which therefore nobody can own through it).
 * https://github.com/kubernetes/apiserver/blob/master/pkg/endpoints/handlers/create.go (managerOrUserAgent, prefixFromUserAgent)
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/validation/validation.go (ValidatePatchOptions, ValidateFieldManager)
 * https://github.com/kubernetes/kubernetes/tree/master/pkg/registry (each strategy's GetResetFields)
 */
import type { StatusCause } from 'kubernetes-types/meta/v1.js';
import { errors, type StatusError } from '../errors.js';
import { goQuote } from './json-value.js';

/** `FieldManagerMaxLength`, in bytes. */
export const fieldManagerMaxLength = 128;

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * The manager a write without `fieldManager` is recorded under: the User-Agent
 * up to its first `/`, non-printable characters dropped, cut to 128 bytes
 * (`kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9` → `kubectl`).
 */
export function defaultFieldManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0]!;
  let out = '';
  let bytes = 0;
  for (const ch of prefix) {
    if (!printable.test(ch)) continue;
    const size = Buffer.byteLength(ch);
    if (bytes + size > fieldManagerMaxLength) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/** `managerOrUserAgent`: the request's `fieldManager`, else {@link defaultFieldManager}. */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  return fieldManager ? fieldManager : defaultFieldManager(userAgent);
}

/**
 * `ValidatePatchOptions`: apply needs a `fieldManager`; `force` is only for
 * apply; a manager name is at most 128 bytes of printable characters.
 * Returns the 422 `PatchOptions.meta.k8s.io "" is invalid: …`, or undefined.
 */
export function validatePatchOptions(
  apply: boolean,
  options: { fieldManager?: string | undefined; force?: boolean | undefined },
): StatusError | undefined {
  const causes: StatusCause[] = [];
  if (!apply && options.force !== undefined) {
    causes.push({
      reason: 'FieldValueForbidden',
      field: 'force',
      message: 'Forbidden: may not be specified for non-apply patch',
    });
  }
  if (apply && !options.fieldManager) {
    causes.push({
      reason: 'FieldValueRequired',
      field: 'fieldManager',
      message: 'Required value: is required for apply patch',
    });
  }
  causes.push(...fieldManagerProblems(options.fieldManager));
  return causes.length > 0 ? errors.invalid('meta.k8s.io', 'PatchOptions', '', causes) : undefined;
}

/** `ValidateFieldManager` for create and update options too. */
export function fieldManagerProblems(fieldManager: string | undefined): StatusCause[] {
  if (!fieldManager) return [];
  const causes: StatusCause[] = [];
  if (Buffer.byteLength(fieldManager) > fieldManagerMaxLength) {
    causes.push({
      reason: 'FieldValueTooLong',
      field: 'fieldManager',
      message: `Too long: may not be more than ${fieldManagerMaxLength} bytes`,
    });
  }
  let position = 0;
  for (const ch of fieldManager) {
    if (!printable.test(ch)) {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'fieldManager',
        message: `Invalid value: ${goQuote(fieldManager)}: invalid character U+${code} (at position ${position})`,
      });
    }
    position += Buffer.byteLength(ch);
  }
  return causes;
}

/**
 * Fields a write through `subresource` never owns because the strategy resets
 * them (`GetResetFields`): through the main resource, `status` for kinds with
 * a status subresource; through `/status`, `spec`, and for Pods also
 * `metadata.deletionTimestamp` and `metadata.ownerReferences`, for
 * Deployments `metadata.labels`.
 */
export function resetFieldsFor(
  kind: { group: string; kind: string },
  subresource: string | undefined,
  hasStatusSubresource: boolean,
): string[][] {
  if (!subresource) return hasStatusSubresource ? [['status']] : [];
  if (subresource !== 'status') return [];
  const fields = [['spec']];
  if (kind.group === '' && kind.kind === 'Pod') {
    fields.push(['metadata', 'deletionTimestamp'], ['metadata', 'ownerReferences']);
  }
  if (kind.group === 'apps' && kind.kind === 'Deployment') fields.push(['metadata', 'labels']);
  return fields;
}
