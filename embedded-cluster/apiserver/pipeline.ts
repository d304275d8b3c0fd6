import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import type { KindStrategy, ResourceType } from '../api/catalog.js';
import { errors } from '../api/errors.js';
import { strategyFor } from '../api/kinds/index.js';
import { apiVersionOf, type KubeObject } from '../api/object.js';
import type { Definitions } from '../api/openapi/schema.js';
import { unknownFields } from '../api/openapi/schema-index.js';
import {
  applyJsonPatch,
  applyMergePatch,
  applyPatch,
  applyStrategicMergePatch,
  resetFieldsFor,
  unsupportedPatchType,
  updateManagedFields,
  validatePatchOptions,
} from '../api/patch/index.js';
import {
  crdSelectableFields,
  fieldSelectorFor,
  fieldsOf,
  parseLabelSelector,
} from '../api/selectors/index.js';
import { crdPrinterColumns, toTable } from '../api/tables/index.js';
import { DecodeError, invalidError } from '../api/validation/index.js';
import { namespaceLifecycle } from './admission/namespace-lifecycle.js';
import { admitNewPod } from './admission/pod-admission.js';
import { CLEANUP_FINALIZER } from './crd/crd-controller.js';
import {
  decodeCustomObject,
  schemaOf,
  validateCrdSchemas,
  validateCustomObject,
} from './crd/custom-resource-schemas.js';
import type { ObjectPipeline } from './object-pipeline.js';
import { timestamp } from './registry/object-meta.js';
import type { Registry } from './registry/registry.js';
import type { ServiceAllocator } from './service-allocator.js';

export interface PipelineDeps {
  registry: Registry;
  resources(): readonly ResourceType[];
  /** The served OpenAPI definitions (built-in and custom). */
  definitions(): Definitions;
  /** The CRD of a custom resource type. */
  crd(name: string): CustomResourceDefinition | undefined;
  allocator: ServiceAllocator;
}

const is = (type: ResourceType, group: string, resource: string) =>
  type.group === group && type.resource === resource;

/**
 * The object pipeline, composed from the api/ modules in kube-apiserver's
 * order: decode (unknown fields), defaults, admission, the registry
 * strategy's preparation, validation, managed fields, allocation.
 */
export function createPipeline(deps: PipelineDeps): ObjectPipeline {
  const builtin = (group: string, resource: string) =>
    deps.resources().find((r) => r.group === group && r.resource === resource)!;
  const strategyOf = (type: ResourceType): KindStrategy =>
    strategyFor(type.group, type.kind, type.namespaced);
  const schemaFor = (type: ResourceType) => schemaOf(type, deps.crd);
  const resetFields = (type: ResourceType, subresource: string | undefined) =>
    resetFieldsFor(type, subresource, type.subresources.includes('status'));

  /** Decode-time defaulting; a value that cannot be decoded (a bad quantity) is a 400 as the decoder gives it. */
  function defaults(type: ResourceType, strategy: KindStrategy, obj: KubeObject): void {
    try {
      strategy.default?.(obj);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      throw errors.badRequest(
        `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${error.message}`,
      );
    }
  }

  function validate(
    type: ResourceType,
    problems: ReturnType<NonNullable<KindStrategy['validate']>>,
    obj: KubeObject,
  ) {
    if (problems.length > 0) throw invalidError(type.group, type.kind, obj.metadata.name ?? '', problems);
    if (type.crd) validateCustomObject(type, obj, schemaFor(type));
    if (is(type, 'apiextensions.k8s.io', 'customresourcedefinitions')) validateCrdSchemas(type, obj);
  }

  return {
    decode: (type, obj, ctx) => {
      let unknown: string[];
      if (type.crd) {
        const schema = schemaFor(type);
        if (!schema) return obj;
        ({ object: obj, pruned: unknown } = decodeCustomObject(obj, schema));
      } else {
        unknown = unknownFields(obj, type.definition, deps.definitions(), { prune: true });
      }
      if (unknown.length === 0) return obj;
      const fields = unknown.map((f) => `unknown field "${f}"`);
      if (ctx.fieldValidation === 'Strict') {
        // The decoder's wording (runtime.NewStrictDecodingError inside a BadRequest).
        throw errors.badRequest(
          `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${fields.join(', ')}`,
        );
      }
      if (ctx.fieldValidation === 'Warn') ctx.warnings.push(...fields);
      return obj;
    },

    admitCreate: async (type, obj) => {
      const strategy = strategyOf(type);
      defaults(type, strategy, obj);
      if (!obj.metadata.name) {
        throw errors.invalid(type.group, type.kind, '', [
          {
            reason: 'FieldValueRequired',
            field: 'metadata.name',
            message: 'Required value: name or generateName is required',
          },
        ]);
      }
      await namespaceLifecycle(deps.registry, builtin('', 'namespaces'), type, obj);
      if (is(type, '', 'pods')) {
        const types = {
          serviceAccounts: builtin('', 'serviceaccounts'),
          priorityClasses: builtin('scheduling.k8s.io', 'priorityclasses'),
        };
        await admitNewPod(deps.registry, types, obj);
      }
      strategy.prepareForCreate?.(obj);
      validate(type, strategy.validate?.(obj) ?? [], obj);
      if (is(type, 'apiextensions.k8s.io', 'customresourcedefinitions')) {
        obj.metadata.finalizers = [...new Set([...(obj.metadata.finalizers ?? []), CLEANUP_FINALIZER])];
      }
    },

    admitUpdate: async (type, obj, old, ctx) => {
      const strategy = strategyOf(type);
      defaults(type, strategy, obj);
      // The status subresource has its own strategy: it keeps everything but status (done by the caller).
      if (!ctx.subresource) strategy.prepareForUpdate?.(obj, old);
      validate(type, strategy.validateUpdate?.(obj, old) ?? [], obj);
    },

    allocate: async (type, obj, old) => {
      if (is(type, '', 'services')) await deps.allocator.allocate(obj, old);
    },

    hasGeneration: (type) => (type.crd ? true : (strategyOf(type).hasGeneration ?? false)),
    hasStatus: (type) =>
      type.crd ? type.subresources.includes('status') : (strategyOf(type).hasStatus ?? false),

    trackManagedFields: (type, old, updated, ctx) => {
      const managedFields = updateManagedFields({
        old,
        updated,
        manager: ctx.fieldManager,
        subresource: ctx.subresource,
        time: timestamp(ctx.now),
        definitions: deps.definitions(),
        definition: type.definition,
        resetFields: resetFields(type, ctx.subresource),
      });
      if (managedFields.length > 0) updated.metadata.managedFields = managedFields;
      else delete updated.metadata.managedFields;
    },

    patch: (type, patchType, current, patch, ctx) => {
      switch (patchType) {
        case 'json':
          return applyJsonPatch(current!, patch, ctx.fieldValidation);
        case 'merge':
          return applyMergePatch(current!, patch, ctx.fieldValidation);
        case 'strategic':
          if (type.crd) throw unsupportedPatchType(true);
          return applyStrategicMergePatch(current!, patch, {
            definitions: deps.definitions(),
            definition: type.definition,
          });
        case 'apply': {
          const invalid = validatePatchOptions(true, { fieldManager: ctx.fieldManager, force: ctx.force });
          if (invalid) throw invalid;
          return applyPatch({
            live: current,
            applied: patch,
            manager: ctx.fieldManager,
            force: ctx.force,
            definitions: deps.definitions(),
            definition: type.definition,
            apiVersion: apiVersionOf(type.group, type.version),
            subresource: ctx.subresource,
            resetFields: resetFields(type, ctx.subresource),
            time: timestamp(ctx.now),
          }).object;
        }
      }
    },

    table: (type, objects, includeObject, now) => {
      const crd = type.crd ? deps.crd(type.crd) : undefined;
      return toTable(type, objects, {
        includeObject,
        now,
        ...(crd ? { printerColumns: crdPrinterColumns(crd, type.version) } : {}),
      }) as unknown as KubeObject;
    },

    selector: (type, labelText, fieldText) => {
      const labels = labelText ? parseLabelSelector(labelText) : undefined;
      const crd = type.crd ? deps.crd(type.crd) : undefined;
      const options = crd ? { selectableFields: crdSelectableFields(crd, type.version) } : {};
      const fields = fieldText ? fieldSelectorFor(type, fieldText, options) : undefined;
      if (labels?.empty() !== false && fields?.empty() !== false) return undefined;
      return (obj) =>
        (!labels || labels.matches(obj.metadata.labels)) &&
        (!fields || fields.matches(fieldsOf(type, obj, options)));
    },
  };
}
