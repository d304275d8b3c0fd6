import type { JsonSchema, KindSchema } from './openapi-schema.js';

/** A kind the editor's text uses, with its schema. */
export interface UsedKind {
  apiVersion: string;
  kind: string;
  schema: KindSchema;
}

const API_VERSION_DESCRIPTION =
  'APIVersion defines the versioned schema of this representation of an object, e.g. `apps/v1`.';
const KIND_DESCRIPTION = 'Kind is the REST resource this object represents, in CamelCase, e.g. `Deployment`.';

/**
 * The one schema an editor's model is validated with: every document of a multi-document file
 * is checked against its own kind's schema, picked by `if` its `apiVersion` and `kind` are
 * those of the kind, `then` the kind's definition (yaml-language-server applies a file's schema
 * to each document, and evaluates `if`/`then` per document). A document of a kind the cluster
 * does not serve only gets the `apiVersion`/`kind` hints, so it is not flagged by mistake.
 *
 * `apiVersions` and `kinds` feed completion of those two fields.
 */
export function combinedSchema(
  used: readonly UsedKind[],
  hints: { apiVersions?: readonly string[]; kinds?: readonly string[] } = {},
): JsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  for (const { schema } of used) Object.assign(definitions, schema.definitions);
  const apiVersion: JsonSchema = { type: 'string', description: API_VERSION_DESCRIPTION };
  const kind: JsonSchema = { type: 'string', description: KIND_DESCRIPTION };
  // `examples` is what the language server offers as values without restricting them.
  if (hints.apiVersions?.length) Object.assign(apiVersion, { examples: [...hints.apiVersions] });
  if (hints.kinds?.length) Object.assign(kind, { examples: [...hints.kinds] });
  return {
    type: ['object', 'null'],
    properties: { apiVersion, kind },
    allOf: used.map((u) => ({
      if: {
        properties: { apiVersion: { const: u.apiVersion }, kind: { const: u.kind } },
        required: ['apiVersion', 'kind'],
      },
      then: { $ref: `#/definitions/${u.schema.root}` },
    })),
    definitions,
  };
}
