import type { FieldProblem } from '../catalog.js';
import type { FieldCause } from '../errors.js';
import { formatProblems } from '../validation/index.js';
import { embeddedResourceProblems } from './embedded-resource.js';
import { toFieldProblems } from './field-errors.js';
import { listSetAndMapProblems } from './list-type.js';
import { validateSchema } from './openapi-validator.js';
import type { FieldPath, JSONSchemaProps } from './schema.js';

/**
 * Validates a custom resource against its version's schema as the API
 * server's custom resource strategy does (customresource/validator.go and
 * strategy.go): the OpenAPI schema validator, then the type meta of embedded
 * resources, then `x-kubernetes-list-type` set/map uniqueness. Run it on the
 * pruned and defaulted object. ObjectMeta (`metadata.name` and friends) is the
 * generic metadata validation's job, not this one's.
 *
 * @example
 *   validateObject({ spec: { replicas: 'x' } }, schema)
 *   // [{ reason: 'FieldValueTypeInvalid', field: 'spec.replicas',
 *   //    message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' }]
 */
export function validateObject(obj: unknown, schema: JSONSchemaProps): FieldCause[] {
  return formatProblems([
    ...schemaProblems(obj, schema, null),
    ...embeddedResourceProblems(null, obj, schema),
    ...listSetAndMapProblems(null, schema, obj),
  ]);
}

/**
 * The OpenAPI schema validator's findings for `value`, as field problems
 * under `fldPath` (`ValidateCustomResource(fldPath, value, validator)`).
 */
export function schemaProblems(value: unknown, schema: JSONSchemaProps, fldPath: FieldPath): FieldProblem[] {
  return toFieldProblems(validateSchema(schema, value, '').errors, fldPath);
}
