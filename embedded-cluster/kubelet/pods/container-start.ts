import type { CoreV1 } from '../../client/index.js';
import { parseQuantity, quantityMilliValue, quantityValue } from '../../api/validation/quantity.js';
import {
  ImagePullError,
  RUNTIME_LABELS,
  type ContainerConfig,
  type RegistryAuth,
  type SandboxStatus,
} from '../runtime/container-runtime.js';
import { goDuration } from './backoff.js';
import { invocation } from './container-spec.js';
import { resolvConfMount } from './dns.js';
import { containerFieldPath } from './container-ref.js';
import { containerEnv, EnvConfigError, type EnvContext } from './env.js';
import { gracePeriodSeconds, runHook } from './lifecycle.js';
import type { PodWorkerDeps } from './pod-worker.js';
import {
  credentialsFor,
  missingPullSecretsMessage,
  podPullSecrets,
  pullCredentials,
} from './pull-secrets.js';
import { containerMounts, MountError, type PreparedVolume } from './volumes.js';
import { runtimeUid } from './pod-uid.js';

/** The pull policy Kubernetes defaults to: Always for `:latest` or no tag, else IfNotPresent. */
export function pullPolicy(container: CoreV1.Container): 'Always' | 'IfNotPresent' | 'Never' {
  const policy = container.imagePullPolicy;
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return policy;
  const image = container.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** What starting a container asks of its pod's worker. */
export interface StartRequest {
  pod: CoreV1.Pod;
  container: CoreV1.Container;
  sandbox: SandboxStatus;
  volumes: Map<string, PreparedVolume>;
  envContext: EnvContext;
  attempt: number;
  /** Set the container's waiting reason (or clear it with undefined). */
  setWaiting(waiting: { reason: string; message?: string } | undefined): void;
  /** Ask for another sync in `ms`. */
  requeue(ms: number): void;
}

/**
 * Start one container of a pod, step by step as kuberuntime_container.go `startContainer`: pull
 * its image with the credentials of the pod's `imagePullSecrets` (Pulling/Pulled, or ErrImagePull
 * then ImagePullBackOff; a secret that cannot be read: FailedToRetrieveImagePullSecret), build its config (env,
 * command, mounts, resources; CreateContainerConfigError when a reference is missing), create it
 * (Created) and start it (Started), then run its postStart hook (a failure kills it:
 * FailedPostStartHook). Failures leave the reason on the container's status, not an exception.
 */
export async function startContainer(deps: PodWorkerDeps, request: StartRequest): Promise<void> {
  const { pod, container, sandbox } = request;
  const uid = runtimeUid(pod);
  const image = container.image ?? '';
  const record = (type: 'Normal' | 'Warning', reason: string, message: string) =>
    deps.recorder.event(pod, type, reason, message, containerFieldPath(pod, container.name));
  // As the kubelet's SyncPod, before anything else: a pull secret it cannot read is a warning, not a stop.
  const pullSecrets = await podPullSecrets(pod, deps.configSource);
  if (pullSecrets.missing.length > 0)
    deps.recorder.event(
      pod,
      'Warning',
      'FailedToRetrieveImagePullSecret',
      missingPullSecretsMessage(pullSecrets.missing),
    );
  const pullKey = `pull/${uid}/${container.name}`;
  const lastPullFailure = deps.pullFailures.get(pullKey);
  if (lastPullFailure !== undefined && deps.backoff.inBackoffSince(pullKey, lastPullFailure)) {
    const message = `Back-off pulling image "${image}"`;
    request.setWaiting({ reason: 'ImagePullBackOff', message });
    record('Normal', 'BackOff', message);
    request.requeue(lastPullFailure + deps.backoff.get(pullKey) - deps.clock.now());
    return;
  }
  const policy = pullPolicy(container);
  const pullStart = deps.clock.now();
  if (policy === 'Always') record('Normal', 'Pulling', `Pulling image "${image}"`);
  let imageId: string;
  try {
    imageId = await ensureImage(deps, image, policy, pullSecrets.secrets);
  } catch (error) {
    if (!(error instanceof ImagePullError)) throw error;
    if (error.reason === 'ErrImageNeverPull') {
      record('Warning', 'ErrImageNeverPull', error.message);
    } else {
      record('Warning', 'Failed', `Failed to pull image "${image}": ${error.message}`);
      record('Warning', 'Failed', `Error: ${error.reason}`);
    }
    const delay = deps.backoff.next(pullKey);
    deps.pullFailures.set(pullKey, deps.clock.now());
    request.setWaiting({ reason: error.reason, message: error.message });
    request.requeue(delay);
    return;
  }
  deps.backoff.reset(pullKey);
  deps.pullFailures.delete(pullKey);
  if (policy === 'Always') {
    const took = `${((deps.clock.now() - pullStart) / 1000).toFixed(3)}s`;
    record('Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting)`);
  } else {
    record('Normal', 'Pulled', `Container image "${image}" already present on machine`);
  }

  let config: ContainerConfig;
  try {
    config = await containerConfig(deps, request, imageId);
  } catch (error) {
    if (!(error instanceof EnvConfigError) && !(error instanceof MountError)) throw error;
    record('Warning', 'Failed', `Error: ${error.message}`);
    request.setWaiting({ reason: 'CreateContainerConfigError', message: error.message });
    request.requeue(10_000);
    return;
  }
  let id: string;
  try {
    id = await deps.runtime.createContainer(sandbox, config);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    record('Warning', 'Failed', `Error: ${message}`);
    request.setWaiting({ reason: 'CreateContainerError', message });
    request.requeue(10_000);
    return;
  }
  record('Normal', 'Created', `Created container: ${container.name}`);
  try {
    await deps.runtime.startContainer(id);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    record('Warning', 'Failed', `Error: failed to start container "${container.name}": ${message}`);
    request.setWaiting({ reason: 'RunContainerError', message });
    return;
  }
  record('Normal', 'Started', `Started container ${container.name}`);
  request.setWaiting(undefined);

  const postStart = container.lifecycle?.postStart;
  if (postStart) {
    const failure = await runHook(
      postStart,
      { runtime: deps.runtime, containerId: id, container, podIP: sandbox.ip, clock: deps.clock },
      gracePeriodSeconds(pod) * 1000,
    );
    if (failure) {
      record('Warning', 'FailedPostStartHook', failure.message);
      record('Normal', 'Killing', `FailedPostStartHook`);
      await deps.runtime.stopContainer(id, gracePeriodSeconds(pod)).catch(() => {});
    }
  }
}

/**
 * The runtime's ensureImage with the credentials for `image` from the pod's pull secrets. A secret
 * that does not parse fails only a pull that happens, as the kubelet reads them inside
 * `PullImage` (kuberuntime_image.go): not with policy Never, nor IfNotPresent with the image there.
 */
async function ensureImage(
  deps: PodWorkerDeps,
  image: string,
  policy: 'Always' | 'IfNotPresent' | 'Never',
  secrets: CoreV1.Secret[],
): Promise<string> {
  let auths: RegistryAuth[];
  try {
    auths = credentialsFor(image, pullCredentials(secrets));
  } catch (error) {
    if (policy === 'Always') throw error;
    if (policy === 'Never') return deps.runtime.ensureImage(image, 'Never');
    return deps.runtime.ensureImage(image, 'Never').catch((absent: unknown) => {
      throw absent instanceof ImagePullError && absent.reason === 'ErrImageNeverPull' ? error : absent;
    });
  }
  return deps.runtime.ensureImage(image, policy, auths);
}

async function containerConfig(
  deps: PodWorkerDeps,
  request: StartRequest,
  imageId: string,
): Promise<ContainerConfig> {
  const { pod, container, attempt } = request;
  const uid = runtimeUid(pod);
  const { env } = await containerEnv(pod, container, deps.configSource, request.envContext);
  const envMap = new Map(env.map((e) => [e.name, e.value]));
  const mounts = await containerMounts(container, request.volumes);
  let terminationMessageHostPath: string | undefined;
  const messagePath = container.terminationMessagePath ?? '/dev/termination-log';
  if (messagePath) {
    terminationMessageHostPath = await deps.volumes.terminationMessageFile(uid, container.name, attempt);
    mounts.push({ hostPath: terminationMessageHostPath, containerPath: messagePath, readOnly: false });
  }
  const resolvConf = await resolvConfMount(
    pod,
    deps,
    mounts,
    container.securityContext?.readOnlyRootFilesystem,
  );
  if (resolvConf) mounts.push(resolvConf);
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  const milli = (q: unknown) => Number(quantityMilliValue(parseQuantity(String(q))));
  const resources: ContainerConfig['resources'] = {};
  if (limits.memory !== undefined)
    resources.memoryLimitBytes = Number(quantityValue(parseQuantity(String(limits.memory))));
  if (limits.cpu !== undefined) {
    // As the kubelet's cgroup settings: quota per 100 ms period, shares from the request.
    resources.cpuPeriod = 100_000;
    resources.cpuQuota = Math.max(1000, Math.round((milli(limits.cpu) * 100_000) / 1000));
  }
  const cpuRequest = requests.cpu ?? limits.cpu;
  resources.cpuShares =
    cpuRequest !== undefined ? Math.max(2, Math.round((milli(cpuRequest) * 1024) / 1000)) : 2;
  const sc = container.securityContext ?? {};
  const psc = pod.spec?.securityContext ?? {};
  const user = sc.runAsUser ?? psc.runAsUser;
  const group = sc.runAsGroup ?? psc.runAsGroup;
  return {
    podUid: uid,
    name: container.name,
    image: container.image ?? imageId,
    ...invocation(container, envMap),
    env,
    ...(container.workingDir ? { workingDir: container.workingDir } : {}),
    mounts,
    tty: container.tty ?? false,
    stdin: container.stdin ?? false,
    stdinOnce: container.stdinOnce ?? false,
    resources,
    security: {
      ...(user !== undefined ? { user } : {}),
      ...(group !== undefined ? { group } : {}),
      ...(psc.supplementalGroups ? { supplementalGroups: psc.supplementalGroups } : {}),
      ...(sc.privileged ? { privileged: true } : {}),
      ...(sc.capabilities?.add ? { capAdd: sc.capabilities.add } : {}),
      ...(sc.capabilities?.drop ? { capDrop: sc.capabilities.drop } : {}),
      ...(sc.readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
      ...(sc.allowPrivilegeEscalation === false ? { noNewPrivileges: true } : {}),
    },
    attempt,
    labels: containerLabels(deps.nodeName, pod, container.name, attempt),
    ...(terminationMessageHostPath ? { terminationMessageHostPath } : {}),
  };
}

/** The labels of a pod's container (and, without a name, of its sandbox). */
export function containerLabels(
  nodeName: string,
  pod: CoreV1.Pod,
  container: string | undefined,
  attempt = 0,
): Record<string, string> {
  const meta = pod.metadata!;
  return {
    [RUNTIME_LABELS.podName]: meta.name!,
    [RUNTIME_LABELS.podNamespace]: meta.namespace!,
    [RUNTIME_LABELS.podUid]: runtimeUid(pod),
    [RUNTIME_LABELS.managedBy]: nodeName,
    ...(container === undefined
      ? { [RUNTIME_LABELS.type]: 'podsandbox' }
      : {
          [RUNTIME_LABELS.type]: 'container',
          [RUNTIME_LABELS.containerName]: container,
          [RUNTIME_LABELS.attempt]: String(attempt),
        }),
  };
}

/** The message of a CrashLoopBackOff waiting state (kuberuntime_manager.go `doBackOff`). */
export function crashLoopMessage(pod: CoreV1.Pod, container: string, delayMs: number): string {
  const m = pod.metadata!;
  return `back-off ${goDuration(delayMs)} restarting failed container=${container} pod=${m.name}_${m.namespace}(${m.uid})`;
}
