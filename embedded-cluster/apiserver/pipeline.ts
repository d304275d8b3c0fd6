import type { ResourceType } from '../api/catalog.js';
import { errors } from '../api/errors.js';
import { apiVersionOf, type KubeObject } from '../api/object.js';
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
import { timestamp } from './registry/object-meta.js';
import { CLEANUP_FINALIZER } from './crd/crd-controller.js';
import type { ObjectPipeline } from './object-pipeline.js';
import type { KindStrategy } from '../api/catalog.js';
import {
  admitPod,
  strategyFor,
  type PriorityClassInfo,
  type ServiceAccountInfo,
} from '../api/kinds/index.js';
import { DecodeError, invalidError } from '../api/validation/index.js';
import { decodeObject } from './registry/object-codec.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ServiceAllocator } from './service-allocator.js';
import type { Registry } from './registry/registry.js';
import type { Definitions } from '../api/openapi/schema.js';
import { unknownFields } from '../api/openapi/schema-index.js';
import {
  applyDefaults,
  crdSchemaPath,
  pruneObject,
  structuralErrors,
  validateObject,
  type JSONSchemaProps,
} from '../api/crd-schema/index.js';
import {
  crdSelectableFields,
  fieldSelectorFor,
  fieldsOf,
  parseLabelSelector,
} from '../api/selectors/index.js';
import { crdPrinterColumns, toTable } from '../api/tables/index.js';
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';

export interface PipelineDeps {
  registry: Registry;
  resources(): readonly ResourceType[];
  /** The served OpenAPI definitions (built-in and custom). */
  definitions(): Definitions;
  /** The CRD of a custom resource type. */
  crd(name: string): CustomResourceDefinition | undefined;
  allocator: ServiceAllocator;
}

const isServices = (type: ResourceType) => type.group === '' && type.resource === 'services';

/** Compose the object pipeline from the api/ modules. */
export function createPipeline(deps: PipelineDeps): ObjectPipeline {
  const namespaces = () => deps.resources().find((r) => r.group === '' && r.resource === 'namespaces')!;

  /** NamespaceLifecycle admission: no new objects in a namespace that is missing or terminating. */
  async function namespaceLifecycle(type: ResourceType, obj: KubeObject): Promise<void> {
    if (!type.namespaced) return;
    const name = obj.metadata.namespace!;
    const kv = await deps.registry.current(namespaces(), undefined, name);
    if (!kv) throw errors.notFound({ group: '', resource: 'namespaces' }, name);
    const ns = JSON.parse(Buffer.from(kv.value).toString('utf8')) as KubeObject;
    if (ns.metadata.deletionTimestamp) {
      throw errors.forbidden(
        type,
        obj.metadata.name ?? '',
        `unable to create new content in namespace ${name} because it is being terminated`,
      );
    }
  }

  function strategyOf(type: ResourceType): KindStrategy {
    return strategyFor(type.group, type.kind, type.namespaced);
  }

  /** Decode-time defaulting; a value that cannot be decoded (a bad quantity) is a 400 as the decoder gives it. */
  function applyDefaults_(type: ResourceType, strategy: KindStrategy, obj: KubeObject): void {
    try {
      strategy.default?.(obj);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      throw errors.badRequest(
        `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${error.message}`,
      );
    }
  }

  /** The admission plugins that change new pods: ServiceAccount, Priority, DefaultTolerationSeconds. */
  async function admit(pod: KubeObject): Promise<void> {
    const namespace = pod.metadata.namespace!;
    const spec = (pod.spec ?? {}) as {
      serviceAccountName?: string;
      serviceAccount?: string;
      priorityClassName?: string;
    };
    const saName = spec.serviceAccountName || spec.serviceAccount || 'default';
    const saType = deps.resources().find((r) => r.group === '' && r.resource === 'serviceaccounts')!;
    const saKv = await deps.registry.current(saType, namespace, saName);
    const sa = saKv ? (decodeObject(saKv) as ServiceAccountInfo) : undefined;
    const pcType = deps
      .resources()
      .find((r) => r.group === 'scheduling.k8s.io' && r.resource === 'priorityclasses')!;
    const classes = (await deps.registry.list(pcType, undefined)).items as unknown as (PriorityClassInfo & {
      metadata: { name: string };
    })[];
    const info = (c: (typeof classes)[number]): PriorityClassInfo => ({
      name: c.metadata.name,
      value: c.value,
      ...(c.preemptionPolicy ? { preemptionPolicy: c.preemptionPolicy } : {}),
      ...(c.globalDefault ? { globalDefault: true } : {}),
    });
    const result = admitPod(pod as unknown as Pod, {
      // Until the ServiceAccount controller creates each namespace's `default`
      // account (issue 5), a missing `default` is taken as an empty one.
      serviceAccount: (_ns, name) => sa ?? (name === 'default' ? {} : undefined),
      priorityClass: (name) => {
        const found = classes.find((c) => c.metadata.name === name);
        return found ? info(found) : undefined;
      },
      defaultPriorityClass: () => {
        const found = classes.find((c) => c.globalDefault);
        return found ? info(found) : undefined;
      },
    });
    if (!result.allowed) {
      throw errors.forbidden({ group: '', resource: 'pods' }, pod.metadata.name ?? '', result.message);
    }
  }

  /** The OpenAPI v3 schema of a custom resource type's version. */
  function schemaOf(type: ResourceType): JSONSchemaProps | undefined {
    const crd = type.crd ? deps.crd(type.crd) : undefined;
    const version = crd?.spec.versions.find((v) => v.name === type.version);
    return version?.schema?.openAPIV3Schema as JSONSchemaProps | undefined;
  }

  /** Custom objects must fit their CRD's schema; a CRD's schemas must be structural. */
  function validateSchemas(type: ResourceType, obj: KubeObject): void {
    if (type.crd) {
      const schema = schemaOf(type);
      const causes = schema ? validateObject(obj, schema) : [];
      if (causes.length > 0) throw errors.invalid(type.group, type.kind, obj.metadata.name ?? '', causes);
      return;
    }
    if (type.group === 'apiextensions.k8s.io' && type.resource === 'customresourcedefinitions') {
      const crd = obj as unknown as CustomResourceDefinition;
      const versions = crd.spec?.versions ?? [];
      const causes = versions.flatMap((v, i) =>
        v.schema?.openAPIV3Schema
          ? structuralErrors(v.schema.openAPIV3Schema as JSONSchemaProps, crdSchemaPath(versions, i))
          : [],
      );
      if (causes.length > 0) throw errors.invalid(type.group, type.kind, obj.metadata.name ?? '', causes);
    }
  }

  return {
    decode: (type, obj, ctx) => {
      let unknown: string[];
      if (type.crd) {
        const schema = schemaOf(type);
        if (!schema) return obj;
        const pruned = pruneObject(obj, schema);
        obj = applyDefaults(pruned.object, schema);
        unknown = pruned.pruned;
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
      applyDefaults_(type, strategy, obj);
      if (!obj.metadata.name) {
        throw errors.invalid(type.group, type.kind, '', [
          {
            reason: 'FieldValueRequired',
            field: 'metadata.name',
            message: 'Required value: name or generateName is required',
          },
        ]);
      }
      await namespaceLifecycle(type, obj);
      if (type.group === '' && type.resource === 'pods') await admit(obj);
      strategy.prepareForCreate?.(obj);
      const problems = strategy.validate?.(obj) ?? [];
      if (problems.length > 0) throw invalidError(type.group, type.kind, obj.metadata.name ?? '', problems);
      validateSchemas(type, obj);
      if (type.group === 'apiextensions.k8s.io' && type.resource === 'customresourcedefinitions') {
        obj.metadata.finalizers = [...new Set([...(obj.metadata.finalizers ?? []), CLEANUP_FINALIZER])];
      }
    },
    admitUpdate: async (type, obj, old, ctx) => {
      const strategy = strategyOf(type);
      applyDefaults_(type, strategy, obj);
      // The status subresource has its own strategy: it keeps everything but status (done by the caller).
      if (!ctx.subresource) strategy.prepareForUpdate?.(obj, old);
      const problems = strategy.validateUpdate?.(obj, old) ?? [];
      if (problems.length > 0) throw invalidError(type.group, type.kind, obj.metadata.name ?? '', problems);
      validateSchemas(type, obj);
    },
    allocate: async (type, obj, old) => {
      if (isServices(type)) await deps.allocator.allocate(obj, old);
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
        resetFields: resetFieldsFor(type, ctx.subresource, type.subresources.includes('status')),
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
            resetFields: resetFieldsFor(type, ctx.subresource, type.subresources.includes('status')),
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
