import type { Pod } from 'kubernetes-types/core/v1.js';
import { arr, ensureObj, obj, objs, str, type Obj } from '../validation/index.js';

/**
 * The mutations the default admission plugins make to a new Pod, after
 * defaulting and before validation, as a v1.32 API server with its default
 * plugins does:
 *
 * - ServiceAccount (plugin/pkg/admission/serviceaccount): `serviceAccountName`
 *   (and its deprecated twin `serviceAccount`) default to `default`; the
 *   account must exist; its imagePullSecrets are copied when the pod has none;
 *   unless automounting is off, a `kube-api-access-xxxxx` projected volume is
 *   added and mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount.
 * - Priority (plugin/pkg/admission/priority): `priority` and `preemptionPolicy`
 *   from the named PriorityClass (or the global default; 0 and
 *   PreemptLowerPriority without one).
 * - DefaultTolerationSeconds: tolerate `node.kubernetes.io/not-ready` and
 *   `node.kubernetes.io/unreachable` (NoExecute) for 300 s.
 *
 * The LimitRanger plugin (default requests/limits from LimitRanges) is not done here.
 */

export interface ServiceAccountInfo {
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name?: string }[];
}

export interface PriorityClassInfo {
  name: string;
  value: number;
  preemptionPolicy?: string;
  globalDefault?: boolean;
}

export interface PodAdmissionContext {
  /** The service account `name` in `namespace`, or undefined when it does not exist. */
  serviceAccount(namespace: string, name: string): ServiceAccountInfo | undefined;
  /** The PriorityClass `name` (the built-in system-* classes are known without it). */
  priorityClass?(name: string): PriorityClassInfo | undefined;
  /** The PriorityClass marked globalDefault, if any. */
  defaultPriorityClass?(): PriorityClassInfo | undefined;
  /** Five characters for the token volume's name (Kubernetes' random alphabet); random by default. */
  randomSuffix?(): string;
}

/** Built-in PriorityClasses every cluster has (pkg/apis/scheduling SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: readonly PriorityClassInfo[] = [
  { name: 'system-node-critical', value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' },
  { name: 'system-cluster-critical', value: 2000000000, preemptionPolicy: 'PreemptLowerPriority' },
];

const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** utilrand's alphabet: no vowels or look-alikes, so generated names spell nothing. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHANUMS[Math.floor(Math.random() * ALPHANUMS.length)];
  return s;
}

export type AdmissionResult = { allowed: true } | { allowed: false; message: string };

/**
 * Mutate a new pod as the admission chain would; `allowed: false` carries the
 * reason the API server reports as 403 Forbidden: `pods "<name>" is forbidden: <message>`.
 */
export function admitPod(pod: Pod, ctx: PodAdmissionContext): AdmissionResult {
  const p = pod as unknown as Obj;
  const spec = ensureObj(p, 'spec');
  const meta = ensureObj(p, 'metadata');
  const namespace = str(meta.namespace);
  const annotations = obj(meta.annotations) ?? {};

  // ServiceAccount.
  if (!(MIRROR_ANNOTATION in annotations)) {
    if (!str(spec.serviceAccountName)) spec.serviceAccountName = str(spec.serviceAccount) || 'default';
    const saName = str(spec.serviceAccountName);
    const sa = ctx.serviceAccount(namespace, saName);
    if (!sa)
      return {
        allowed: false,
        message: `error looking up service account ${namespace}/${saName}: serviceaccount "${saName}" not found`,
      };
    const automount =
      typeof spec.automountServiceAccountToken === 'boolean'
        ? spec.automountServiceAccountToken
        : sa.automountServiceAccountToken !== false;
    if (automount) mountToken(spec, ctx.randomSuffix ?? (() => randomSuffix()));
    if (arr(spec.imagePullSecrets).length === 0 && sa.imagePullSecrets?.length)
      spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ name: s.name ?? '' }));
  }
  spec.serviceAccount = spec.serviceAccountName;

  // Priority.
  let priority = 0;
  let preemptionPolicy: string | undefined = 'PreemptLowerPriority';
  const className = str(spec.priorityClassName);
  if (!className) {
    const def = ctx.defaultPriorityClass?.();
    if (def) {
      spec.priorityClassName = def.name;
      priority = def.value;
      preemptionPolicy = def.preemptionPolicy ?? 'PreemptLowerPriority';
    }
  } else {
    const pc = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === className) ?? ctx.priorityClass?.(className);
    if (!pc) return { allowed: false, message: `no PriorityClass with name ${className} was found` };
    priority = pc.value;
    preemptionPolicy = pc.preemptionPolicy ?? 'PreemptLowerPriority';
  }
  if (typeof spec.priority === 'number' && spec.priority !== priority)
    return {
      allowed: false,
      message: `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
    };
  spec.priority = priority;
  if (preemptionPolicy) {
    if (typeof spec.preemptionPolicy === 'string' && spec.preemptionPolicy !== preemptionPolicy)
      return {
        allowed: false,
        message: `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`,
      };
    spec.preemptionPolicy = preemptionPolicy;
  }

  // DefaultTolerationSeconds.
  const tolerations = objs(spec.tolerations);
  const tolerates = (taint: string) =>
    tolerations.some(
      (t) => (str(t.key) === taint || !str(t.key)) && (str(t.effect) === 'NoExecute' || !str(t.effect)),
    );
  const added: Obj[] = [];
  for (const taint of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'])
    if (!tolerates(taint))
      added.push({ key: taint, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  if (added.length) spec.tolerations = [...arr(spec.tolerations), ...added];
  return { allowed: true };
}

function mountToken(spec: Obj, suffix: () => string): void {
  const volumes = objs(spec.volumes);
  let volumeName = volumes.find((v) => str(v.name).startsWith('kube-api-access-') && obj(v.projected))
    ?.name as string | undefined;
  const containers = [...objs(spec.initContainers), ...objs(spec.containers)];
  const needs = containers.some(
    (c) => !objs(c.volumeMounts).some((m) => str(m.mountPath) === TOKEN_MOUNT_PATH),
  );
  if (!needs) return;
  if (!volumeName) {
    volumeName = `kube-api-access-${suffix()}`;
    spec.volumes = [
      ...arr(spec.volumes),
      {
        name: volumeName,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: {
                items: [
                  { path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
                ],
              },
            },
          ],
        },
      },
    ];
  }
  for (const c of containers) {
    if (objs(c.volumeMounts).some((m) => str(m.mountPath) === TOKEN_MOUNT_PATH)) continue;
    c.volumeMounts = [
      ...arr(c.volumeMounts),
      { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH },
    ];
  }
}
