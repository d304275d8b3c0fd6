import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import type { ResourceType } from '../../api/catalog.js';
import {
  applyDefaults,
  crdSchemaPath,
  pruneObject,
  structuralErrors,
  validateObject,
  type JSONSchemaProps,
} from '../../api/crd-schema/index.js';
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';

/** The OpenAPI v3 schema of a custom resource type's served version. */
export function schemaOf(
  type: ResourceType,
  crdOf: (name: string) => CustomResourceDefinition | undefined,
): JSONSchemaProps | undefined {
  const crd = type.crd ? crdOf(type.crd) : undefined;
  const version = crd?.spec.versions.find((v) => v.name === type.version);
  return version?.schema?.openAPIV3Schema as JSONSchemaProps | undefined;
}

/** Decode a custom object as the apiextensions server does: prune unknown fields, then default. */
export function decodeCustomObject(
  obj: KubeObject,
  schema: JSONSchemaProps,
): { object: KubeObject; pruned: string[] } {
  const { object, pruned } = pruneObject(obj, schema);
  return { object: applyDefaults(object, schema), pruned };
}

/** A custom object must fit its version's schema (422 with Kubernetes' messages). */
export function validateCustomObject(
  type: ResourceType,
  obj: KubeObject,
  schema: JSONSchemaProps | undefined,
): void {
  const causes = schema ? validateObject(obj, schema) : [];
  if (causes.length > 0) throw errors.invalid(type.group, type.kind, obj.metadata.name ?? '', causes);
}

/** A CustomResourceDefinition's schemas must be structural (422 otherwise). */
export function validateCrdSchemas(type: ResourceType, obj: KubeObject): void {
  const versions = (obj as unknown as CustomResourceDefinition).spec?.versions ?? [];
  const causes = versions.flatMap((v, i) =>
    v.schema?.openAPIV3Schema
      ? structuralErrors(v.schema.openAPIV3Schema as JSONSchemaProps, crdSchemaPath(versions, i))
      : [],
  );
  if (causes.length > 0) throw errors.invalid(type.group, type.kind, obj.metadata.name ?? '', causes);
}
