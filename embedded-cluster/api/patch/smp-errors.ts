/**
 * The errors strategic merge patch raises internally, named after
 * k8s.io/apimachinery/pkg/util/mergepatch/errors.go, and how the apiserver
 * maps them to a `Status` (`interpretStrategicMergePatchError` in
 * https://github.com/kubernetes/apiserver/blob/master/pkg/endpoints/handlers/patch.go):
 * the format errors are 400 BadRequest, "lists of lists" and "patch content
 * doesn't match retainKeys list" are the generic 422, anything else reaches
 * the handler as a plain error and becomes a 500 with no reason.
 */
import { errors, type StatusError } from '../errors.js';
import { goFormat } from './json-value.js';
import { unknownServerError, unprocessablePatch } from './patch-errors.js';

export class SmpError extends Error {
  constructor(
    message: string,
    readonly status: 'BadRequest' | 'Unprocessable' | 'Unknown' = 'Unknown',
  ) {
    super(message);
    this.name = 'SmpError';
  }

  toStatusError(): StatusError {
    if (this.status === 'BadRequest') return errors.badRequest(this.message);
    if (this.status === 'Unprocessable') return unprocessablePatch();
    return unknownServerError(this.message);
  }
}

export const smpErrors = {
  noListOfLists: () => new SmpError('lists of lists are not supported', 'Unprocessable'),
  badPatchFormatForPrimitiveList: () => new SmpError('invalid patch format of primitive list', 'BadRequest'),
  badPatchFormatForRetainKeys: () => new SmpError('invalid patch format of retainKeys', 'BadRequest'),
  badPatchFormatForSetElementOrderList: () =>
    new SmpError('invalid patch format of setElementOrder list', 'BadRequest'),
  noMergeKey: (m: unknown, key: string) =>
    new SmpError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`),
  badPatchType: (directive: unknown, m: unknown) =>
    new SmpError(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(m)}`),
  /** `ErrBadArgType(expected, actual)`: Go type names of the two values. */
  badArgType: (expected: string, actual: unknown) =>
    new SmpError(`expected a ${expected}, but received a ${goTypeName(actual)}`),
};

/** The Go type a JSON value decodes to with k8s.io/apimachinery/pkg/util/json. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '%!s(<nil>)';
  if (Array.isArray(value)) return '[]interface {}';
  if (typeof value === 'object') return 'map[string]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}
