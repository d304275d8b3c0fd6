import type { ServerResponse } from 'node:http';
import type { ResourceType } from '../../api/catalog.js';
import { errors } from '../../api/errors.js';
import {
  METRICS_GROUP,
  METRICS_VERSION,
  type NodeMetricsSource,
  type PodUsage,
  type Usage,
  type UsageWindow,
} from '../../api/node-metrics.js';
import type { KubeObject } from '../../api/object.js';
import { formatQuantity } from '../../api/validation/quantity.js';
import { sendJson } from '../http-io.js';
import type { ResourceRequest } from '../request-info.js';
import type { ServerParts } from './endpoint.js';

const API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

/** One Metrics API request: what the router parsed, and where nodes' metrics come from. */
export interface MetricsRequest {
  info: ResourceRequest;
  query: URLSearchParams;
  response: ServerResponse;
  parts: ServerParts;
  now: number;
  source: (nodeName: string) => NodeMetricsSource | undefined;
}

/**
 * `metrics.k8s.io/v1beta1` `nodes` and `pods` (get and list), answered as metrics-server answers
 * them (https://github.com/kubernetes-sigs/metrics-server/blob/master/pkg/api/node.go and
 * pod.go): the objects are listed first (label selector applied to them), then matched with the
 * usage their node reports; objects without usage are left out of a list and NotFound on get.
 * Each answer is made on request and never stored.
 */
export async function serveMetrics(request: MetricsRequest): Promise<void> {
  const { info, response } = request;
  if (info.subresource !== undefined || (info.resource !== 'nodes' && info.resource !== 'pods')) {
    throw errors.notFound({ group: '', resource: '' }, '');
  }
  const kind = info.resource === 'nodes' ? 'NodeMetrics' : 'PodMetrics';
  // metrics-server names its resources so in errors: `podmetrics.metrics.k8s.io "x" not found`.
  const groupResource = { group: METRICS_GROUP, resource: kind.toLowerCase() };
  if (info.verb !== 'get' && info.verb !== 'list') throw errors.methodNotSupported(groupResource, info.verb);

  const items = info.resource === 'nodes' ? await nodeMetrics(request) : await podMetrics(request);
  if (info.verb === 'get') {
    const item = items[0];
    if (!item) throw errors.notFound(groupResource, info.name ?? '');
    sendJson(response, 200, { kind, apiVersion: API_VERSION, ...item });
    return;
  }
  sendJson(response, 200, { kind: `${kind}List`, apiVersion: API_VERSION, metadata: {}, items });
}

async function nodeMetrics(request: MetricsRequest): Promise<object[]> {
  const nodes = await objects(request, builtin(request.parts, 'nodes'));
  const items: object[] = [];
  for (const node of nodes) {
    const usage = await request.source(node.metadata.name!)?.nodeMetrics();
    if (!usage) continue;
    items.push({ metadata: metadataOf(node, request.now), ...windowOf(usage), usage: quantities(usage) });
  }
  return items;
}

async function podMetrics(request: MetricsRequest): Promise<object[]> {
  const pods = await objects(request, builtin(request.parts, 'pods'));
  // Ask each node once for all its pods.
  const byNode = new Map<string, Promise<Map<string, PodUsage>>>();
  const usageOn = (nodeName: string) => {
    let usage = byNode.get(nodeName);
    if (!usage) {
      usage = (async () => {
        const all = (await request.source(nodeName)?.podMetrics()) ?? [];
        return new Map(all.map((p) => [`${p.namespace}/${p.name}`, p]));
      })();
      byNode.set(nodeName, usage);
    }
    return usage;
  };
  const items: object[] = [];
  for (const pod of pods) {
    const nodeName = (pod as { spec?: { nodeName?: string } }).spec?.nodeName;
    if (!nodeName) continue;
    const usage = (await usageOn(nodeName)).get(`${pod.metadata.namespace}/${pod.metadata.name}`);
    if (!usage) continue;
    items.push({
      metadata: metadataOf(pod, request.now),
      ...windowOf(usage),
      containers: usage.containers.map((c) => ({ name: c.name, usage: quantities(c) })),
    });
  }
  return items;
}

/** The nodes or pods asked for: one by name, or those the label and field selectors pick. */
async function objects(request: MetricsRequest, type: ResourceType): Promise<KubeObject[]> {
  const { info, query, parts } = request;
  const namespace = type.namespaced ? info.namespace : undefined;
  if (info.name !== undefined) {
    try {
      return [await parts.registry.get(type, namespace, info.name)];
    } catch {
      return [];
    }
  }
  const filter = parts.pipeline.selector(type, query.get('labelSelector'), query.get('fieldSelector'));
  return (await parts.registry.list(type, namespace, { filter, filtered: filter !== undefined })).items;
}

function builtin(parts: ServerParts, resource: string): ResourceType {
  const type = parts.resources().find((r) => r.group === '' && r.version === 'v1' && r.resource === resource);
  if (!type) throw errors.internal(`core resource ${resource} is not served`);
  return type;
}

/** metrics-server's object metadata: the object's name, namespace and labels, created now. */
function metadataOf(obj: KubeObject, now: number) {
  return {
    name: obj.metadata.name,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    creationTimestamp: rfc3339(now),
    ...(obj.metadata.labels ? { labels: obj.metadata.labels } : {}),
  };
}

function windowOf(usage: UsageWindow) {
  return { timestamp: rfc3339(usage.timestamp), window: goDuration(usage.windowSeconds) };
}

/** CPU in nanocores and memory in bytes, as metrics-server builds them (`cpu: 1234567n`, `memory: 5120Ki`). */
function quantities(usage: Usage) {
  return {
    cpu: formatQuantity({ nanos: BigInt(Math.round(usage.cpuNanoCores)), format: 'DecimalSI' }),
    memory: formatQuantity({
      nanos: BigInt(Math.round(usage.memoryWorkingSetBytes)) * 1_000_000_000n,
      format: 'BinarySI',
    }),
  };
}

/** `metav1.Time` in JSON: RFC 3339 to the second. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** A duration as Go's `time.Duration.String()` prints it, to the millisecond: `10.5s`, `1m5s`, `0s`. */
export function goDuration(seconds: number): string {
  let ms = Math.round(seconds * 1000);
  if (ms === 0) return '0s';
  const hours = Math.floor(ms / 3_600_000);
  ms -= hours * 3_600_000;
  const minutes = Math.floor(ms / 60_000);
  ms -= minutes * 60_000;
  const secs = (ms / 1000).toFixed(3).replace(/\.?0+$/, '');
  if (hours > 0) return `${hours}h${minutes}m${secs}s`;
  if (minutes > 0) return `${minutes}m${secs}s`;
  return `${secs}s`;
}
