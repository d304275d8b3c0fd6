import type { ResourceType } from '../../api/catalog.js';
import { errors } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { decodeBody, mediaType, readBody } from '../http-io.js';
import type { PatchType, WriteContext } from '../object-pipeline.js';
import { generateName, prepareMetaForCreate, preserveMetaOnUpdate, specOf } from '../registry/object-meta.js';
import { isTrue } from '../request-info.js';
import { expectedTypeMeta, isDryRun, respondObject, writeContext, type Endpoint } from './endpoint.js';

/** Resources that a PUT may create (AllowCreateOnUpdate in their registries). */
const CREATE_ON_UPDATE = new Set(['endpoints', 'leases', 'events']);

/** Decode and check a request body as an object of the endpoint's kind. */
export async function readObject(endpoint: Endpoint): Promise<KubeObject> {
  const body = decodeBody(await readBody(endpoint.request), mediaType(endpoint.request));
  return asObject(endpoint.type, body);
}

export function asObject(type: ResourceType, body: unknown): KubeObject {
  if (!isPlainObject(body)) throw errors.badRequest('the body of the request must be a JSON or YAML object');
  const expected = expectedTypeMeta(type);
  const apiVersion = body.apiVersion ?? expected.apiVersion;
  const kind = body.kind ?? expected.kind;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    throw errors.badRequest(`Object 'Kind' is missing in '${JSON.stringify(body).slice(0, 200)}'`);
  }
  if (apiVersion !== expected.apiVersion || kind !== expected.kind) {
    throw errors.badRequest(
      `the API version in the data (${apiVersion}) does not match the expected API version (${expected.apiVersion})`,
    );
  }
  const metadata = body.metadata ?? {};
  if (!isPlainObject(metadata)) throw errors.badRequest('metadata must be an object');
  return { ...body, apiVersion, kind, metadata } as KubeObject;
}

/** Namespace and name of a body against the URL, as the REST handlers check them. */
function checkNamespace(endpoint: Endpoint, obj: KubeObject): void {
  const { type, info } = endpoint;
  if (!type.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  const namespace = info.namespace;
  if (!namespace)
    throw errors.badRequest('the server could not find the requested resource: namespace required');
  if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
    throw errors.badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  obj.metadata.namespace = namespace;
}

export async function createObject(endpoint: Endpoint, body?: KubeObject): Promise<void> {
  const { type, parts, now } = endpoint;
  const ctx = writeContext(endpoint);
  const dryRun = isDryRun(endpoint.query);
  let obj = body ?? (await readObject(endpoint));
  checkNamespace(endpoint, obj);
  if (obj.metadata.resourceVersion) {
    throw errors.badRequest('resourceVersion should not be set on objects to be created');
  }
  obj = parts.pipeline.decode(type, obj, ctx);
  if (!obj.metadata.name && obj.metadata.generateName)
    obj.metadata.name = generateName(obj.metadata.generateName);
  prepareMetaForCreate(obj, now, parts.pipeline.hasGeneration(type));
  const created = await parts.exclusive(type, async () => {
    await parts.pipeline.admitCreate(type, obj, ctx);
    parts.pipeline.trackManagedFields(type, undefined, obj, ctx);
    await parts.pipeline.allocate(type, obj, undefined);
    const lease = type.resource === 'events' ? await parts.eventLease() : undefined;
    return parts.registry.create(type, obj, { dryRun, ...(lease ? { lease } : {}) });
  });
  respondObject(endpoint, 201, created, ctx.warnings);
}

/**
 * The shared update path of PUT and PATCH: precondition, metadata the client
 * may not change, status isolation, generation, admission, managed fields.
 */
export async function finishUpdate(
  endpoint: Endpoint,
  next: KubeObject,
  current: KubeObject,
  ctx: WriteContext,
  checkVersion: boolean,
  /** Server-side apply already computed the managed fields. */
  applied = false,
): Promise<KubeObject> {
  const { type, parts, info } = endpoint;
  if (next.metadata.name !== current.metadata.name) {
    throw errors.badRequest(
      `the name of the object (${next.metadata.name}) does not match the name on the URL (${current.metadata.name})`,
    );
  }
  const wanted = next.metadata.resourceVersion;
  // An unconditional update carries the stored version on (BeforeUpdate).
  next.metadata.resourceVersion = current.metadata.resourceVersion;
  if (checkVersion && wanted && wanted !== current.metadata.resourceVersion) {
    throw errors.conflict(
      type,
      info.name!,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  }
  if (next.metadata.uid && next.metadata.uid !== current.metadata.uid) {
    throw errors.conflict(
      type,
      info.name!,
      `Precondition failed: UID in precondition: ${next.metadata.uid}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  let updated = next;
  if (info.subresource === 'status') {
    const metadataRule = STATUS_WRITE_METADATA[`${type.group}/${type.resource}`];
    if (metadataRule) {
      // These kinds' status strategies reset only the spec (and a Deployment's labels): a
      // controller writes annotations, such as a Deployment's revision, with the status.
      updated = { ...current, metadata: next.metadata, status: next.status };
      preserveMetaOnUpdate(updated, current);
      if (metadataRule === 'keep-labels') setOrDeleteLabels(updated, current);
    } else {
      // A status write changes status only (ResetObjectMetaForStatus).
      updated = { ...current, status: next.status };
    }
    if (next.status === undefined) delete updated.status;
  } else if (info.subresource === 'finalize' && type.resource === 'namespaces') {
    updated = {
      ...current,
      spec: { ...(current.spec as object), finalizers: (next.spec as { finalizers?: unknown })?.finalizers },
    };
  } else if (info.subresource === 'ephemeralcontainers') {
    updated = {
      ...current,
      spec: {
        ...(current.spec as object),
        ephemeralContainers: (next.spec as { ephemeralContainers?: unknown })?.ephemeralContainers,
      },
    };
  } else {
    preserveMetaOnUpdate(updated, current);
    if (parts.pipeline.hasStatus(type)) {
      updated.status = current.status;
      if (current.status === undefined) delete updated.status;
    }
  }
  updated.metadata.managedFields = applied ? next.metadata.managedFields : current.metadata.managedFields;
  await parts.pipeline.admitUpdate(type, updated, current, ctx);
  if (parts.pipeline.hasGeneration(type) && specOf(updated) !== specOf(current)) {
    updated.metadata.generation = (current.metadata.generation ?? 0) + 1;
  }
  if (!applied) parts.pipeline.trackManagedFields(type, current, updated, ctx);
  await parts.pipeline.allocate(type, updated, current);
  return updated;
}

/**
 * Kinds whose status writes may change metadata too: their status strategies (e.g.
 * pkg/registry/apps/deployment/strategy.go `deploymentStatusStrategy.PrepareForUpdate`) reset only
 * the spec, and a Deployment's labels. Every other kind resets all of metadata
 * (`ResetObjectMetaForStatus`).
 */
const STATUS_WRITE_METADATA: Record<string, 'all' | 'keep-labels'> = {
  'apps/deployments': 'keep-labels',
  'apps/replicasets': 'all',
  'apps/statefulsets': 'all',
  'apps/daemonsets': 'all',
  '/replicationcontrollers': 'all',
  'batch/jobs': 'all',
  'batch/cronjobs': 'all',
};

function setOrDeleteLabels(obj: KubeObject, current: KubeObject): void {
  if (current.metadata.labels === undefined) delete obj.metadata.labels;
  else obj.metadata.labels = current.metadata.labels;
}

export async function replaceObject(endpoint: Endpoint): Promise<void> {
  const { type, parts, info } = endpoint;
  const ctx = writeContext(endpoint);
  const dryRun = isDryRun(endpoint.query);
  let body = await readObject(endpoint);
  checkNamespace(endpoint, body);
  body = parts.pipeline.decode(type, body, ctx);
  if (!body.metadata.name) body.metadata.name = info.name;
  const result = await parts.exclusive(type, () =>
    parts.registry.update(
      type,
      info.namespace,
      info.name!,
      async (current) => {
        const next = structuredClone(body);
        if (!current) {
          if (!CREATE_ON_UPDATE.has(type.resource) || info.subresource)
            throw errors.notFound(type, info.name!);
          prepareMetaForCreate(next, endpoint.now, parts.pipeline.hasGeneration(type));
          await parts.pipeline.admitCreate(type, next, ctx);
          parts.pipeline.trackManagedFields(type, undefined, next, ctx);
          return next;
        }
        return finishUpdate(endpoint, next, current, ctx, true);
      },
      { dryRun },
    ),
  );
  const object = await finalizeIfDone(endpoint, result.object, dryRun);
  respondObject(endpoint, result.created ? 201 : 200, object, ctx.warnings);
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export async function patchObject(endpoint: Endpoint): Promise<void> {
  const { type, parts, info } = endpoint;
  const media = (endpoint.request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const patchType = PATCH_TYPES[media];
  if (!patchType) throw errors.unsupportedMediaType(media || '(none)');
  const ctx = {
    ...writeContext(endpoint, patchType === 'apply'),
    force: isTrue(endpoint.query.get('force')),
  };
  if (endpoint.query.has('force') && patchType !== 'apply') {
    throw errors.badRequest('force: Forbidden: may not be specified for non-apply patch');
  }
  const dryRun = isDryRun(endpoint.query);
  const patch = decodeBody(
    await readBody(endpoint.request),
    patchType === 'apply' ? 'application/apply-patch+yaml' : 'application/json',
  );
  const result = await parts.exclusive(type, () =>
    parts.registry.update(
      type,
      info.namespace,
      info.name!,
      async (current) => {
        if (!current && (patchType !== 'apply' || info.subresource)) throw errors.notFound(type, info.name!);
        let next = parts.pipeline.patch(type, patchType, current, patch, ctx);
        next = asObject(type, next);
        if (type.namespaced) next.metadata.namespace = info.namespace;
        next.metadata.name ??= info.name;
        if (next.metadata.name !== info.name) {
          throw errors.badRequest(
            `the name of the object (${next.metadata.name}) does not match the name on the URL (${info.name})`,
          );
        }
        next = parts.pipeline.decode(type, next, ctx);
        if (!current) {
          const managedFields = next.metadata.managedFields;
          prepareMetaForCreate(next, endpoint.now, parts.pipeline.hasGeneration(type));
          next.metadata.managedFields = managedFields;
          await parts.pipeline.admitCreate(type, next, ctx);
          return next;
        }
        // A patch may set resourceVersion: then it is a precondition, as for PUT.
        return finishUpdate(endpoint, next, current, ctx, true, patchType === 'apply');
      },
      { dryRun },
    ),
  );
  const object = await finalizeIfDone(endpoint, result.object, dryRun);
  respondObject(endpoint, result.created ? 201 : 200, object, ctx.warnings);
}

/**
 * An object being deleted whose last finalizer was just removed (and whose
 * grace period is over) goes away now, as the store's update path does.
 */
async function finalizeIfDone(endpoint: Endpoint, obj: KubeObject, dryRun: boolean): Promise<KubeObject> {
  const meta = obj.metadata;
  if (dryRun || !meta.deletionTimestamp || (meta.finalizers?.length ?? 0) > 0) return obj;
  if ((meta.deletionGracePeriodSeconds ?? 0) > 0) return obj;
  if (
    endpoint.type.resource === 'namespaces' &&
    ((obj.spec as { finalizers?: string[] })?.finalizers?.length ?? 0) > 0
  ) {
    return obj;
  }
  const { registry } = endpoint.parts;
  const kv = await registry.current(endpoint.type, endpoint.info.namespace, endpoint.info.name!);
  if (kv) await registry.remove(endpoint.type, obj, kv.modRevision);
  return obj;
}
