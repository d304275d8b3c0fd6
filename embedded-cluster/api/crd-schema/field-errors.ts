import type { FieldProblem } from '../catalog.js';
import { invalid, notSupported, required, typeInvalid } from '../validation/index.js';
import { badValue } from './go-values.js';
import type { OpenAPIError } from './openapi-validator.js';
import { childPath, isObj, pathString, type FieldPath } from './schema.js';

/**
 * kube-openapi errors as field errors, the way apiextensions converts them
 * (`kubeOpenAPIResultToFieldErrors` in pkg/apiserver/validation/validation.go):
 *
 *     required                 → spec.cronSpec: Required value
 *     enum                     → spec.x: Unsupported value: "c": supported values: "a", "b"
 *     maxLength                → spec.x: Too long: may not be more than 5 bytes
 *     maxItems, maxProperties  → spec.x: Too many: 3: must have at most 2 items
 *     type, format             → spec.x: Invalid value: "string": spec.x in body must be of type integer: "string"
 *     anything else            → spec.x: Invalid value: 0: spec.x in body should be greater than or equal to 1
 *     anyOf/oneOf/allOf/not    → <nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf)
 *
 * The field is `fldPath` + the error's name; custom resources are validated
 * from the nil path, which is why the composite errors say `<nil>`.
 */
export function toFieldProblems(errors: readonly OpenAPIError[], fldPath: FieldPath): FieldProblem[] {
  return errors.map((e) => {
    if (e.code === 'composite') return invalid(pathString(fldPath), '', e.message);
    const errPath = e.name !== '' && e.name !== '.' ? childPath(fldPath, e.name.replace(/^\./, '')) : fldPath;
    const field = pathString(errPath);
    switch (e.code) {
      case 'required':
        return required(field);
      case 'enum':
        return notSupported(field, badValue(e.value), (e.values ?? []).map(enumText));
      case 'tooLong':
        return tooLong(field, e.valid ?? -1);
      case 'maxItems':
      case 'tooManyProperties':
        return tooMany(field, typeof e.value === 'number' ? e.value : -1, e.valid ?? -1);
      case 'type':
        return typeInvalid(field, badValue(e.value ?? ''), e.message);
      default:
        return invalid(field, badValue(e.value ?? ''), e.message);
    }
  });
}

/** An enum value as `supported values` lists it: strings as they are, the rest as JSON. */
function enumText(v: unknown): string {
  return typeof v === 'string' ? v : stableJson(v);
}

/** `json.Marshal` of a decoded value: object keys sorted. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObj(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** `field.TooLong` as Kubernetes 1.32 words it: `Too long: may not be more than 5 bytes`. */
export function tooLong(field: string, max: number): FieldProblem {
  const detail =
    max >= 0 ? `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return { type: 'TooLong', field, detail };
}

/** `field.TooMany` as Kubernetes 1.32 words it: `Too many: 3: must have at most 2 items`. */
export function tooMany(field: string, actual: number, max: number): FieldProblem {
  const detail = max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items';
  return { type: 'TooMany', field, value: actual, detail };
}

/** `field.Duplicate` with a decoded value (`map[string]interface {}{"name":"a"}` for list-map keys). */
export function duplicate(field: string, value: unknown): FieldProblem {
  return { type: 'Duplicate', field, value: badValue(value) };
}
