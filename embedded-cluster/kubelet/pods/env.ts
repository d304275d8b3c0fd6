import type { CoreV1 } from '../../client/index.js';
import { parseQuantity, quantityMilliValue, quantityValue } from '../../api/validation/quantity.js';
import { expand } from './container-spec.js';

/** Where the kubelet reads ConfigMaps and Secrets from (its API client, or a cache of it). */
export interface ConfigSource {
  configMap(namespace: string, name: string): Promise<CoreV1.ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<CoreV1.Secret | undefined>;
}

/** What `fieldRef` and `resourceFieldRef` may read besides the pod itself. */
export interface EnvContext {
  hostIP: string;
  podIP?: string;
  podIPs?: string[];
  /** The node's allocatable cpu (cores) and memory (bytes): the default for a missing limit. */
  nodeAllocatable?: { cpuMilli: number; memoryBytes: number };
}

/** A reference the pod makes that cannot be resolved: the container does not start (CreateContainerConfigError). */
export class EnvConfigError extends Error {
  override readonly name = 'EnvConfigError';
}

/** The value of a downward-API `fieldPath` of `pod` (pkg/fieldpath + kubelet `podFieldSelectorRuntimeValue`). */
export function fieldValue(pod: CoreV1.Pod, path: string, context: EnvContext): string {
  const meta = pod.metadata ?? {};
  const indexed = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (indexed) return (indexed[1] === 'labels' ? meta.labels : meta.annotations)?.[indexed[2]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return context.hostIP;
    case 'status.hostIPs':
      return context.hostIP;
    case 'status.podIP':
      return context.podIP ?? '';
    case 'status.podIPs':
      return (context.podIPs ?? (context.podIP ? [context.podIP] : [])).join(',');
    default:
      throw new EnvConfigError(`unsupported fieldPath: ${path}`);
  }
}

/** `key="value"` lines, sorted, as the downward API writes a map (pkg/fieldpath `FormatMap`). */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map![k])}`)
    .join('\n');
}

/**
 * A container's resource as `resourceFieldRef` exposes it, divided by `divisor` and rounded up
 * (pkg/api/v1/resource `ExtractContainerResourceValue`); a missing limit is the node's allocatable.
 */
export function resourceValue(
  pod: CoreV1.Pod,
  ref: CoreV1.ResourceFieldSelector,
  defaultContainer: string | undefined,
  context: EnvContext,
): string {
  const name = ref.containerName || defaultContainer;
  const container = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
    (c) => c.name === name,
  );
  if (!container) throw new EnvConfigError(`container ${name ?? ''} not found for resourceFieldRef`);
  const [kind, resource] = ref.resource.split('.') as ['limits' | 'requests', string];
  const raw = container.resources?.[kind]?.[resource];
  const divisor = ref.divisor !== undefined ? parseQuantity(String(ref.divisor)) : undefined;
  if (resource === 'cpu') {
    const milli =
      raw !== undefined
        ? Number(quantityMilliValue(parseQuantity(String(raw))))
        : kind === 'limits'
          ? (context.nodeAllocatable?.cpuMilli ?? 0)
          : 0;
    const per = divisor ? Number(quantityMilliValue(divisor)) : 1000;
    return String(Math.ceil(milli / (per || 1000)));
  }
  const value =
    raw !== undefined
      ? Number(quantityValue(parseQuantity(String(raw))))
      : kind === 'limits' && resource === 'memory'
        ? (context.nodeAllocatable?.memoryBytes ?? 0)
        : 0;
  const per = divisor ? Number(quantityValue(divisor)) : 1;
  return String(Math.ceil(value / (per || 1)));
}

/** Environment variable names the kubelet accepts from `envFrom` (a C identifier-ish, no `=`). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The environment of `container`, as the kubelet builds it (kubelet_pods.go
 * `makeEnvironmentVariables`): first `envFrom` (each ConfigMap's or Secret's keys, with the
 * prefix; keys that are not valid names are skipped), then `env` in order — plain values
 * `$(VAR)`-expanded against the variables defined so far, `fieldRef`, `resourceFieldRef`,
 * `configMapKeyRef` and `secretKeyRef` (a missing object or key fails the container unless
 * `optional`). A later variable of the same name replaces an earlier one, in place.
 */
export async function containerEnv(
  pod: CoreV1.Pod,
  container: CoreV1.Container,
  source: ConfigSource,
  context: EnvContext,
): Promise<{ env: { name: string; value: string }[]; skipped: string[] }> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const vars = new Map<string, string>();
  const skipped: string[] = [];
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let data: Record<string, string> | undefined;
    if (from.configMapRef) {
      const cm = await source.configMap(namespace, from.configMapRef.name ?? '');
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new EnvConfigError(`configmap "${from.configMapRef.name ?? ''}" not found`);
      }
      data = cm.data ?? {};
    } else if (from.secretRef) {
      const secret = await source.secret(namespace, from.secretRef.name ?? '');
      if (!secret) {
        if (from.secretRef.optional) continue;
        throw new EnvConfigError(`secret "${from.secretRef.name ?? ''}" not found`);
      }
      data = decodeSecret(secret);
    }
    for (const [key, value] of Object.entries(data ?? {})) {
      const name = prefix + key;
      if (!ENV_NAME.test(name)) skipped.push(name);
      else vars.set(name, value);
    }
  }
  for (const env of container.env ?? []) {
    const value = await envValue(pod, container, env, vars, source, context);
    if (value !== undefined) vars.set(env.name, value);
  }
  return { env: [...vars].map(([name, value]) => ({ name, value })), skipped };
}

async function envValue(
  pod: CoreV1.Pod,
  container: CoreV1.Container,
  env: CoreV1.EnvVar,
  defined: Map<string, string>,
  source: ConfigSource,
  context: EnvContext,
): Promise<string | undefined> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const from = env.valueFrom;
  if (!from) return expand(env.value ?? '', (name) => defined.get(name));
  if (from.fieldRef) return fieldValue(pod, from.fieldRef.fieldPath, context);
  if (from.resourceFieldRef) return resourceValue(pod, from.resourceFieldRef, container.name, context);
  if (from.configMapKeyRef) {
    const { name = '', key, optional } = from.configMapKeyRef;
    const cm = await source.configMap(namespace, name);
    const value = cm?.data?.[key];
    if (value !== undefined) return value;
    if (optional) return undefined;
    throw new EnvConfigError(
      cm ? `couldn't find key ${key} in ConfigMap ${namespace}/${name}` : `configmap "${name}" not found`,
    );
  }
  if (from.secretKeyRef) {
    const { name = '', key, optional } = from.secretKeyRef;
    const secret = await source.secret(namespace, name);
    const value = secret ? decodeSecret(secret)[key] : undefined;
    if (value !== undefined) return value;
    if (optional) return undefined;
    throw new EnvConfigError(
      secret ? `couldn't find key ${key} in Secret ${namespace}/${name}` : `secret "${name}" not found`,
    );
  }
  return '';
}

/** A Secret's `data` decoded (plus any `stringData` a client left in it). */
export function decodeSecret(secret: CoreV1.Secret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out[k] = v;
  return out;
}
