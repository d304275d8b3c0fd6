import { errors } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { decodeBody, mediaType, readBody } from '../http-io.js';
import { timestamp } from '../registry/object-meta.js';
import { deleteOne } from './delete.js';
import { isDryRun, respond, writeContext, type Endpoint } from './endpoint.js';
import { finishUpdate } from './write.js';

interface ScaleTarget {
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } | Record<string, string> };
  status?: { replicas?: number };
}

/** The autoscaling/v1 Scale view of a workload (its replicas and selector). */
export function scaleOf(obj: KubeObject, resource: string): KubeObject {
  const target = obj as KubeObject & ScaleTarget;
  const selector = target.spec?.selector;
  // ReplicationControllers have a plain map selector; the others a LabelSelector.
  const labels =
    resource === 'replicationcontrollers'
      ? (selector as Record<string, string> | undefined)
      : (selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: target.spec?.replicas ?? 0 },
    status: {
      replicas: target.status?.replicas ?? 0,
      selector: Object.entries(labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    },
  };
}

export async function getScale(endpoint: Endpoint): Promise<void> {
  const { type, parts, info } = endpoint;
  const obj = await parts.registry.get(type, info.namespace, info.name!);
  respond(endpoint, 200, scaleOf(obj, type.resource));
}

/** PUT or PATCH on …/scale: change spec.replicas of the workload, nothing else. */
export async function updateScale(endpoint: Endpoint): Promise<void> {
  const { type, parts, info } = endpoint;
  const ctx = writeContext(endpoint);
  const dryRun = isDryRun(endpoint.query);
  const body = decodeBody(await readBody(endpoint.request), mediaType(endpoint.request));
  const patchType =
    endpoint.request.method === 'PATCH'
      ? (
          {
            'application/json-patch+json': 'json',
            'application/merge-patch+json': 'merge',
            'application/strategic-merge-patch+json': 'merge',
          } as const
        )[mediaType(endpoint.request)]
      : undefined;
  if (endpoint.request.method === 'PATCH' && !patchType)
    throw errors.unsupportedMediaType(mediaType(endpoint.request));
  const scaleType = {
    ...type,
    kind: 'Scale',
    group: 'autoscaling',
    version: 'v1',
    definition: 'io.k8s.api.autoscaling.v1.Scale',
  };
  const result = await parts.registry.update(
    type,
    info.namespace,
    info.name!,
    async (current) => {
      if (!current) throw errors.notFound(type, info.name!);
      const scale = scaleOf(current, type.resource);
      const wanted = (
        patchType ? parts.pipeline.patch(scaleType, patchType, scale, body, { ...ctx, force: false }) : body
      ) as KubeObject & { spec?: { replicas?: unknown } };
      if (!isPlainObject(wanted)) throw errors.badRequest('the body of the request must be a Scale object');
      const replicas = wanted.spec?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw errors.invalid('autoscaling', 'Scale', info.name!, [
          {
            reason: 'FieldValueInvalid',
            field: 'spec.replicas',
            message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
          },
        ]);
      }
      const rv = wanted.metadata?.resourceVersion;
      if (rv && rv !== current.metadata.resourceVersion) {
        throw errors.conflict(
          type,
          info.name!,
          'the object has been modified; please apply your changes to the latest version and try again',
        );
      }
      const next = structuredClone(current);
      (next as KubeObject & ScaleTarget).spec = { ...(current as ScaleTarget).spec, replicas };
      return finishUpdate(
        { ...endpoint, info: { ...info, subresource: undefined } },
        next,
        current,
        ctx,
        false,
      );
    },
    { dryRun },
  );
  respond(endpoint, 200, scaleOf(result.object, type.resource), ctx.warnings);
}

/**
 * POST pods/<name>/binding (and the `bindings` resource): assign a pod to a
 * node, once (pkg/registry/core/pod/storage BindingREST).
 */
export async function bindPod(endpoint: Endpoint, podName: string): Promise<void> {
  const { parts, info } = endpoint;
  const podType = parts.resources().find((r) => r.group === '' && r.resource === 'pods')!;
  const body = decodeBody(await readBody(endpoint.request), mediaType(endpoint.request)) as {
    metadata?: { name?: string; annotations?: Record<string, string> };
    target?: { kind?: string; name?: string };
  };
  const node = body?.target?.name;
  if (!node) {
    throw errors.invalid('', 'Binding', podName, [
      { reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' },
    ]);
  }
  if (body.target?.kind && body.target.kind !== 'Node') {
    throw errors.invalid('', 'Binding', podName, [
      {
        reason: 'FieldValueNotSupported',
        field: 'target.kind',
        message: `Unsupported value: "${body.target.kind}": supported values: "Node"`,
      },
    ]);
  }
  const dryRun = isDryRun(endpoint.query);
  await parts.registry.update(
    podType,
    info.namespace,
    podName,
    (pod) => {
      if (!pod) throw errors.notFound(podType, podName);
      const spec = pod.spec as { nodeName?: string };
      if (pod.metadata.deletionTimestamp) {
        throw errors.conflict(podType, podName, 'pod is being deleted, cannot be assigned to a host');
      }
      if (spec.nodeName) {
        throw errors.conflict(
          podType,
          podName,
          `pod ${podName} is already assigned to node "${spec.nodeName}"`,
        );
      }
      spec.nodeName = node;
      if (body.metadata?.annotations) {
        pod.metadata.annotations = { ...pod.metadata.annotations, ...body.metadata.annotations };
      }
      const status = (pod.status ?? {}) as { conditions?: Record<string, unknown>[] };
      status.conditions = [
        ...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'),
        {
          type: 'PodScheduled',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: timestamp(endpoint.now),
        },
      ];
      pod.status = status;
      return pod;
    },
    { dryRun },
  );
  respond(endpoint, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** POST pods/<name>/eviction: a delete that PodDisruptionBudgets may refuse (budgets arrive with the controllers). */
export async function evictPod(endpoint: Endpoint): Promise<void> {
  const body = decodeBody(await readBody(endpoint.request), mediaType(endpoint.request)) as {
    deleteOptions?: Parameters<typeof deleteOne>[2];
  };
  const options = {
    ...(body?.deleteOptions ?? {}),
    ...(isDryRun(endpoint.query) ? { dryRun: ['All'] } : {}),
  };
  await deleteOne(endpoint, endpoint.info.name!, options);
  respond(endpoint, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** log, exec, attach and portforward need a kubelet to stream from. */
export function streamingUnavailable(endpoint: Endpoint): never {
  throw errors.serviceUnavailable(
    `${endpoint.info.subresource} is not available yet: this cluster has no kubelet running pods`,
  );
}

/**
 * SelfSubjectAccessReview, SelfSubjectRulesReview (every user may do
 * everything, for now) and SelfSubjectReview (who am I).
 */
export async function review(endpoint: Endpoint): Promise<void> {
  const body = decodeBody(await readBody(endpoint.request), mediaType(endpoint.request)) as KubeObject;
  if (!isPlainObject(body)) throw errors.badRequest('the body of the request must be an object');
  const { user } = endpoint;
  const status =
    endpoint.type.resource === 'selfsubjectaccessreviews'
      ? { allowed: true, reason: 'Kubedesk: every user may do everything (no authorization yet)' }
      : endpoint.type.resource === 'selfsubjectreviews'
        ? {
            userInfo: {
              username: user.username,
              ...(user.uid ? { uid: user.uid } : {}),
              groups: user.groups,
              ...(user.extra ? { extra: user.extra } : {}),
            },
          }
        : {
            resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
            nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
            incomplete: false,
          };
  respond(endpoint, 201, {
    ...body,
    apiVersion: `${endpoint.type.group}/v1`,
    kind: endpoint.type.kind,
    metadata: { creationTimestamp: null, ...(body.metadata ?? {}) },
    status,
  });
}
