import type { FieldProblem } from '../catalog.js';
import { invalid } from '../validation/index.js';
import { badValue } from './go-values.js';
import { pruneObject } from './prune.js';
import { childPath, itemsOf, jsonEqual, keyPath, type JSONSchemaProps } from './schema.js';
import { schemaProblems } from './validate.js';

/**
 * `ValidateDefaults` (apiextensions-apiserver/pkg/apiserver/schema/defaulting/validation.go):
 * every `default` must already be pruned (`must not have unknown fields`) and
 * must validate against the schema it sits in, with the schema validator's
 * own messages under `<path>.default` — for a scalar the value's name is
 * empty, hence Kubernetes' double space:
 *
 *     …properties[replicas].default: Invalid value: "string":  in body must be of type integer: "string"
 *
 * Defaults under `additionalProperties` are not visited, as in Kubernetes.
 * The root counts as an embedded resource; defaults inside `metadata` are
 * forbidden by the keyword checks instead.
 */
export function defaultProblems(schema: JSONSchemaProps, path: string): FieldProblem[] {
  return visit({ ...schema, 'x-kubernetes-embedded-resource': true }, path);
}

function visit(s: JSONSchemaProps | undefined, path: string): FieldProblem[] {
  if (!s) return [];
  const out: FieldProblem[] = [];
  if (s.default !== undefined && s.default !== null) {
    const defaultPath = childPath(path, 'default');
    const pruned = pruneObject(s.default, s, {
      isResourceRoot: !!s['x-kubernetes-embedded-resource'],
    }).object;
    if (!jsonEqual(pruned, s.default))
      out.push(invalid(defaultPath, badValue(s.default), 'must not have unknown fields'));
    out.push(...schemaProblems(s.default, s, defaultPath));
  }
  out.push(...visit(itemsOf(s), childPath(path, 'items')));
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    out.push(...visit(prop, keyPath(childPath(path, 'properties'), k)));
  }
  return out;
}
