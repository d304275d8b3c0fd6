import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import { errors } from '../../api/errors.js';
import { apiVersionOf, isPlainObject, type KubeObject } from '../../api/object.js';
import { decodeBody, mediaType, readBody } from '../http-io.js';
import { decodeObject } from '../registry/object-codec.js';
import { timestamp } from '../registry/object-meta.js';
import { isTrue } from '../request-info.js';
import { isDryRun, respond, type Endpoint } from './endpoint.js';

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

/** DeleteOptions from the body (if any) and the query, the query winning as in Kubernetes. */
export async function deleteOptionsOf(endpoint: Endpoint): Promise<DeleteOptions> {
  let options: DeleteOptions = {};
  const raw = await readBody(endpoint.request);
  if (raw.length > 0) {
    const body = decodeBody(raw, mediaType(endpoint.request));
    if (!isPlainObject(body)) throw errors.badRequest('DeleteOptions must be an object');
    options = body as DeleteOptions;
  }
  const q = endpoint.query;
  if (q.has('gracePeriodSeconds'))
    options = { ...options, gracePeriodSeconds: Number(q.get('gracePeriodSeconds')) };
  if (q.has('propagationPolicy')) options = { ...options, propagationPolicy: q.get('propagationPolicy')! };
  if (q.has('orphanDependents'))
    options = { ...options, orphanDependents: isTrue(q.get('orphanDependents')) };
  if (isDryRun(q)) options = { ...options, dryRun: ['All'] };
  const policy = options.propagationPolicy;
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw errors.invalid('meta.k8s.io', 'DeleteOptions', '', [
      {
        reason: 'FieldValueNotSupported',
        field: 'propagationPolicy',
        message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`,
      },
    ]);
  }
  if (policy !== undefined && options.orphanDependents !== undefined) {
    throw errors.invalid('meta.k8s.io', 'DeleteOptions', '', [
      {
        reason: 'FieldValueInvalid',
        field: 'propagationPolicy',
        message:
          'Invalid value: "' + policy + '": orphanDependents and deletionPropagation cannot be both set',
      },
    ]);
  }
  if (
    options.gracePeriodSeconds !== undefined &&
    !(Number.isInteger(options.gracePeriodSeconds) && options.gracePeriodSeconds >= 0)
  ) {
    throw errors.badRequest(`invalid gracePeriodSeconds: ${options.gracePeriodSeconds}`);
  }
  return options;
}

/**
 * Delete one object as the generic store does
 * (k8s.io/apiserver/pkg/registry/generic/registry/store.go Delete): check
 * preconditions; record the propagation policy as a finalizer (orphan,
 * foregroundDeletion) for the garbage collector; start a grace period for
 * pods on a node (the kubelet finishes the deletion); keep objects with
 * finalizers, marked with a deletionTimestamp; remove the rest.
 */
export async function deleteOne(
  endpoint: Endpoint,
  name: string,
  options: DeleteOptions,
): Promise<{ object: KubeObject; removed: boolean }> {
  const { type, parts, info, now } = endpoint;
  const dryRun = (options.dryRun?.length ?? 0) > 0;
  for (let attempt = 0; ; attempt++) {
    const kv = await parts.registry.current(type, info.namespace, name);
    if (!kv) throw errors.notFound(type, name);
    const current = decodeObject(kv);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw errors.conflict(
        type,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw errors.conflict(
        type,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    const next = structuredClone(current);
    const meta = next.metadata;
    const finalizers = new Set(meta.finalizers ?? []);
    const policy = options.propagationPolicy ?? (options.orphanDependents ? 'Orphan' : undefined);
    if (policy === 'Orphan') {
      finalizers.add(ORPHAN);
      finalizers.delete(FOREGROUND);
    } else if (policy === 'Foreground') {
      finalizers.add(FOREGROUND);
      finalizers.delete(ORPHAN);
    } else if (policy === 'Background') {
      finalizers.delete(ORPHAN);
      finalizers.delete(FOREGROUND);
    }
    meta.finalizers = [...finalizers];
    if (meta.finalizers.length === 0) delete meta.finalizers;

    const grace = gracePeriod(type.resource, next, options);
    const namespaceFinalizers =
      type.resource === 'namespaces' ? ((next.spec as { finalizers?: string[] })?.finalizers ?? []) : [];
    const keep = (meta.finalizers?.length ?? 0) > 0 || grace > 0 || namespaceFinalizers.length > 0;
    if (keep) {
      if (!meta.deletionTimestamp || grace < (meta.deletionGracePeriodSeconds ?? Infinity)) {
        meta.deletionTimestamp = timestamp(now + grace * 1000);
        meta.deletionGracePeriodSeconds = grace;
      }
      if (type.resource === 'namespaces') next.status = { ...(next.status as object), phase: 'Terminating' };
      if (dryRun) return { object: next, removed: false };
      const written = await parts.registry.swap(type, next, kv.modRevision);
      if (written) return { object: written, removed: false };
    } else {
      if (dryRun) return { object: current, removed: true };
      const { removed } = await parts.registry.remove(type, current, kv.modRevision);
      if (removed) return { object: current, removed: true };
    }
    if (attempt > 50) throw errors.internal(`too many conflicts deleting ${name}`);
  }
}

/**
 * Seconds to wait before an object is gone: only pods that run on a node
 * have a grace period (the kubelet ends them); others are deleted at once.
 */
function gracePeriod(resource: string, obj: KubeObject, options: DeleteOptions): number {
  if (resource !== 'pods') return 0;
  const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
  const status = obj.status as { phase?: string } | undefined;
  // Unscheduled and finished pods go at once (pod strategy CheckGracefulDelete).
  if (!spec?.nodeName || status?.phase === 'Succeeded' || status?.phase === 'Failed') return 0;
  return options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
}

/** Pods and namespaces answer a delete with the object; other kinds with a Status (ReturnDeletedObject). */
const RETURNS_OBJECT = new Set(['pods', 'namespaces', 'services']);

export async function deleteObject(endpoint: Endpoint): Promise<void> {
  const options = await deleteOptionsOf(endpoint);
  const { object, removed } = await deleteOne(endpoint, endpoint.info.name!, options);
  if (removed && !RETURNS_OBJECT.has(endpoint.type.resource)) {
    respond(endpoint, 200, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name: object.metadata.name,
        group: endpoint.type.group,
        kind: endpoint.type.resource,
        uid: object.metadata.uid,
      },
    });
    return;
  }
  // 202 when the object lingers (grace period or finalizers), as Kubernetes answers.
  respond(endpoint, removed ? 200 : 202, object);
}

export async function deleteCollection(endpoint: Endpoint): Promise<void> {
  const { type, parts, info, query } = endpoint;
  const options = await deleteOptionsOf(endpoint);
  const filter = parts.pipeline.selector(type, query.get('labelSelector'), query.get('fieldSelector'));
  const list = await parts.registry.list(type, info.namespace, { filter });
  const deleted: KubeObject[] = [];
  for (const item of list.items) {
    try {
      deleted.push(
        (
          await deleteOne(
            { ...endpoint, info: { ...info, namespace: item.metadata.namespace } },
            item.metadata.name!,
            options,
          )
        ).object,
      );
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
  }
  const apiVersion = apiVersionOf(type.group, type.version);
  respond(endpoint, 200, {
    apiVersion,
    kind: `${type.kind}List`,
    metadata: { resourceVersion: list.resourceVersion },
    items: deleted,
  });
}
