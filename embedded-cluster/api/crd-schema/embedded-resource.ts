import type { FieldProblem } from '../catalog.js';
import { invalid, isDNS1035Label, required } from '../validation/index.js';
import { badValue } from './go-values.js';
import {
  additionalOf,
  childPath,
  indexPath,
  isObj,
  itemsOf,
  keyPath,
  propertyOf,
  type FieldPath,
  type JSONSchemaProps,
} from './schema.js';

/**
 * The type meta of objects nested under `x-kubernetes-embedded-resource:
 * true`: `apiVersion` and `kind` are required strings, as
 * apiextensions-apiserver/pkg/apiserver/schema/objectmeta/validation.go
 * checks them (the embedded `metadata` itself is not validated here).
 */
export function embeddedResourceProblems(
  pth: FieldPath,
  x: unknown,
  s: JSONSchemaProps | undefined,
): FieldProblem[] {
  if (!s) return [];
  const out: FieldProblem[] = [];
  if (isObj(x)) {
    if (s['x-kubernetes-embedded-resource']) out.push(...typeMetaProblems(pth, x));
    const additional = additionalOf(s)?.schema;
    for (const [k, v] of Object.entries(x)) {
      const prop = propertyOf(s, k);
      if (prop) out.push(...embeddedResourceProblems(childPath(pth, k), v, prop));
      else if (additional) out.push(...embeddedResourceProblems(keyPath(pth, k), v, additional));
    }
  } else if (Array.isArray(x)) {
    const items = itemsOf(s);
    x.forEach((v, i) => out.push(...embeddedResourceProblems(indexPath(pth, i), v, items)));
  }
  return out;
}

function typeMetaProblems(pth: FieldPath, x: Record<string, unknown>): FieldProblem[] {
  const out: FieldProblem[] = [];
  const apiVersionPath = childPath(pth, 'apiVersion');
  const kindPath = childPath(pth, 'kind');
  if (!('apiVersion' in x)) out.push(required(apiVersionPath, 'must not be empty'));
  if (!('kind' in x)) out.push(required(kindPath, 'must not be empty'));
  if ('apiVersion' in x) {
    const v = x.apiVersion;
    if (typeof v !== 'string') out.push(invalid(apiVersionPath, badValue(v), 'must be a string'));
    else if (v === '') out.push(invalid(apiVersionPath, v, 'must not be empty'));
    else if (v.split('/').length > 2)
      out.push(invalid(apiVersionPath, v, `unexpected GroupVersion string: ${v}`));
  }
  if ('kind' in x) {
    const v = x.kind;
    if (typeof v !== 'string') out.push(invalid(kindPath, badValue(v), 'must be a string'));
    else if (v === '') out.push(invalid(kindPath, v, 'must not be empty'));
    else {
      const errs = isDNS1035Label(v.toLowerCase());
      if (errs.length)
        out.push(invalid(kindPath, v, `may have mixed case, but should otherwise match: ${errs.join(',')}`));
    }
  }
  return out;
}
