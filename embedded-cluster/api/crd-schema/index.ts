/**
 * CustomResourceDefinition schemas as the API server uses them: the checks on
 * a CRD version's `schema.openAPIV3Schema` when the CRD is written, and the
 * pruning, defaulting and validation of the custom resources it serves — with
 * Kubernetes' own messages, so `kubectl` prints what it prints against a real
 * cluster (apiextensions-apiserver v1.32 and kube-openapi's validator).
 *
 * A custom resource goes through them in the API server's order:
 *
 *     const { object, pruned } = pruneObject(body, schema);   // unknown fields; warnings for fieldValidation=Warn
 *     const defaulted = applyDefaults(object, schema);         // also on every read from storage
 *     const causes = validateObject(defaulted, schema);        // → errors.invalid(group, kind, name, causes)
 *
 * Out of scope, and not checked:
 * - CEL: `x-kubernetes-validations` rules are neither compiled nor run (only
 *   their `rule`/`message` text is checked on the CRD), and so neither are
 *   transition rules nor the CEL cost budget;
 * - validation ratcheting on update (`CRDValidationRatcheting`): updates are
 *   validated like creates;
 * - ObjectMeta: the root `metadata` is the generic metadata validation's job;
 *   unknown fields inside `metadata` (embedded or root) are not pruned, and an
 *   embedded resource's `metadata` is not validated (its `apiVersion`/`kind` are);
 * - CRD-level rules: the status-subresource restriction on the root schema,
 *   `preserveUnknownFields: true`, conversion, and schemas that differ only
 *   between stored versions;
 * - `email` and `uri` formats are close approximations of Go's parsers;
 *   `pattern`s are RE2 translated to JavaScript, and an invalid pattern's
 *   message carries JavaScript's reason, not Go's.
 */
import type { FieldCause } from '../errors.js';
import { formatProblems, forbidden } from '../validation/index.js';
import { defaultProblems } from './default-checks.js';
import { schemaKeywordProblems } from './schema-checks.js';
import { jsonEqual, type JSONSchemaProps } from './schema.js';
import { structuralProblems } from './structural.js';

export type { JSONSchemaProps } from './schema.js';
export { pruneObject, type PruneResult } from './prune.js';
export { applyDefaults } from './defaults.js';
export { validateObject } from './validate.js';

/** Where a CRD's version schema sits, for messages; see {@link crdSchemaPath}. */
export const DEFAULT_SCHEMA_PATH = 'spec.versions[0].schema.openAPIV3Schema';

/**
 * The field path Kubernetes reports a version's schema under. When every
 * version carries the same schema, the internal CRD holds it once as
 * `spec.validation`, and that is what errors name; otherwise each is
 * `spec.versions[i].schema.openAPIV3Schema`.
 */
export function crdSchemaPath(
  versions: readonly { schema?: { openAPIV3Schema?: unknown } }[],
  i: number,
): string {
  const first = versions[0]?.schema;
  const shared = versions.every((v) => jsonEqual(v.schema ?? null, first ?? null));
  return shared && first !== undefined
    ? 'spec.validation.openAPIV3Schema'
    : `spec.versions[${i}].schema.openAPIV3Schema`;
}

/**
 * The problems apiextensions finds with a CRD version's `openAPIV3Schema`
 * when the CRD is created or updated, worded as Kubernetes words them under
 * `path` (default `spec.versions[0].schema.openAPIV3Schema`):
 *
 *     spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields
 *     spec.versions[0].schema.openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root
 *
 * In Kubernetes' order: `nullable` at the root; then the structural-schema
 * invariants (sorted) or, when the schema is structural, the defaults that
 * do not validate or are not pruned; then the per-node keyword checks.
 */
export function structuralErrors(schema: JSONSchemaProps, path: string = DEFAULT_SCHEMA_PATH): FieldCause[] {
  const problems = [];
  if (schema.nullable) problems.push(forbidden(`${path}.nullable`, 'nullable cannot be true at the root'));
  const structural = structuralProblems(schema, path);
  problems.push(...(structural.length > 0 ? structural : defaultProblems(schema, path)));
  problems.push(...schemaKeywordProblems(schema, path));
  return formatProblems(problems);
}
