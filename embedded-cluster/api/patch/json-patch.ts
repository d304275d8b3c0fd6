/**
 * JSON patch (RFC 6902, `application/json-patch+json`) as the apiserver applies
 * it: with gopkg.in/evanphx/json-patch.v4, whose quirks kubectl users rely on,
 * and with the apiserver's error mapping.
 * https://github.com/kubernetes/apiserver/blob/master/pkg/endpoints/handlers/patch.go (jsonPatcher.applyJSPatch)
 * https://github.com/evanphx/json-patch/blob/master/patch.go (v4)
 *
 * - The body must decode as a list of operation objects, else 400 BadRequest
 *   with Go's decoder message (its wording depends on `fieldValidation`).
 * - More than 10,000 operations: 413.
 * - Any operation that cannot be applied (unknown `op`, missing path, failed
 *   `test`, index out of range) is 422 Invalid with the generic message
 *   "the server rejected our request due to an error in our request": the
 *   apiserver drops the library's text.
 * - evanphx v4 quirks kept: `replace` of a missing object member adds it, and
 *   `test` of a missing member against `null` passes.
 *
 * Only this module imports fast-json-patch.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { errors, type StatusError } from '../errors.js';
import { clone, goJsonKind, isObject, type JsonValue } from './json-value.js';
import { unprocessablePatch } from './patch-errors.js';

/** `maxJSONPatchOperations` in patch.go. */
export const maxJsonPatchOperations = 10000;

/** The request's `fieldValidation`; it only changes decode error wording here. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * Apply `patch` (the decoded request body) to a copy of `target`. Throws a
 * `StatusError` worded as the apiserver words it; never mutates its inputs.
 */
export function applyJsonPatch<T>(target: T, patch: unknown, fieldValidation: FieldValidation = 'Warn'): T {
  const operations = decodeOperations(patch, fieldValidation);
  if (operations.length > maxJsonPatchOperations) {
    throw errors.requestEntityTooLarge(
      `Request entity too large: The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${operations.length}`,
    );
  }
  let document = clone(target) as unknown;
  for (const [index, op] of operations.entries()) {
    document = applyOne(document, op, index);
  }
  return document as T;
}

/** The decode step: `[]jsonPatchOp` (Strict/Warn) or `jsonpatch.Patch` (Ignore). */
function decodeOperations(
  patch: unknown,
  fieldValidation: FieldValidation,
): (Record<string, unknown> | null)[] {
  const strict = fieldValidation !== 'Ignore';
  const bad = (message: string): StatusError =>
    errors.badRequest(strict ? `error decoding patch: ${message}` : message);
  if (patch === null) return [];
  if (!Array.isArray(patch)) {
    const type = strict ? '[]handlers.jsonPatchOp' : 'jsonpatch.Patch';
    throw bad(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type ${type}`);
  }
  for (const op of patch) {
    if (op !== null && !isObject(op)) {
      const type = strict ? 'handlers.jsonPatchOp' : 'jsonpatch.Operation';
      throw bad(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type ${type}`);
    }
    if (strict && op !== null) {
      for (const field of ['op', 'path', 'from'] as const) {
        const v = op[field];
        if (v !== undefined && v !== null && typeof v !== 'string') {
          throw bad(
            `json: cannot unmarshal ${goJsonKind(v)} into Go struct field jsonPatchOp.${field} of type string`,
          );
        }
      }
    }
  }
  return patch as (Record<string, unknown> | null)[];
}

function applyOne(document: unknown, raw: Record<string, unknown> | null, index: number): unknown {
  const op = raw ?? {};
  // evanphx finds the parent of the path first: the root ("") has none.
  if (typeof op.path !== 'string' || op.path === '' || !isObject(document)) throw unprocessablePatch();
  const operation = clone(op) as unknown as Operation;
  if (op.op === 'replace' && isMissingObjectMember(document, op.path)) {
    (operation as { op: string }).op = 'add';
  }
  if (op.op === 'test' && op.value === null && isMissingObjectMember(document, op.path)) return document;
  try {
    return jsonpatch.applyOperation(document, operation, true, true, true, index).newDocument;
  } catch (err) {
    if (err instanceof jsonpatch.JsonPatchError) throw unprocessablePatch();
    throw err;
  }
}

/** True when `path` names a member that its (existing) parent object lacks. */
function isMissingObjectMember(document: JsonValue, path: string): boolean {
  const tokens = path
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: JsonValue | undefined = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = /^\d+$/.test(token) ? node[Number(token)] : undefined;
    else if (isObject(node)) node = Object.hasOwn(node, token) ? node[token] : undefined;
    else return false;
  }
  return isObject(node) && !Object.hasOwn(node, tokens.at(-1)!);
}
