import { existsSync } from 'node:fs';
import { lstat, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { CoreV1 } from '../../client/index.js';
import { systemClock, type Clock } from '../../util/clock.js';
import type { Mount } from '../runtime/container-runtime.js';
import { writeAtomically, type Payload } from './atomic-writer.js';
import { decodeSecret, fieldValue, resourceValue, type ConfigSource, type EnvContext } from './env.js';
import { runtimeUid } from './pod-uid.js';

/** Everything volumes are read from besides ConfigMaps and Secrets. */
export interface VolumeSource extends ConfigSource {
  persistentVolumeClaim(namespace: string, name: string): Promise<CoreV1.PersistentVolumeClaim | undefined>;
  persistentVolume(name: string): Promise<CoreV1.PersistentVolume | undefined>;
  /** A token for `serviceAccount` (TokenRequest), for projected `serviceAccountToken` sources. */
  serviceAccountToken(
    namespace: string,
    serviceAccount: string,
    audience: string | undefined,
    expirationSeconds: number,
    pod: CoreV1.Pod,
  ): Promise<string>;
}

/** A volume that cannot be set up; the message is the `FailedMount` event's. */
export class MountError extends Error {
  override readonly name = 'MountError';
}

/** Where a pod's volume lives on the node: `<dataDir>/pods/<uid>/volumes/kubernetes.io~<plugin>/<name>`. */
export function volumeDir(dataDir: string, uid: string, plugin: string, name: string): string {
  return join(dataDir, 'pods', uid, 'volumes', `kubernetes.io~${plugin}`, name);
}

/** A prepared volume: the host path to mount, and whether it is always read-only (API-backed volumes). */
export interface PreparedVolume {
  hostPath: string;
  readOnly: boolean;
  /** `emptyDir.medium: Memory`: the runtime should mount a tmpfs (see {@link Mount}). */
  memory?: boolean;
}

/**
 * Whether a downward API file of the pod's volumes shows its IP (`status.podIP`, `status.podIPs`),
 * known only once its sandbox runs; the other volumes can be set up before, as the kubelet does.
 */
export function volumesUsePodIP(pod: CoreV1.Pod): boolean {
  const shows = (items: CoreV1.DownwardAPIVolumeFile[] | undefined) =>
    (items ?? []).some((i) => i.fieldRef?.fieldPath.startsWith('status.podIP') ?? false);
  return (pod.spec?.volumes ?? []).some(
    (v) =>
      shows(v.downwardAPI?.items) || (v.projected?.sources ?? []).some((s) => shows(s.downwardAPI?.items)),
  );
}

/** A token of a pod's projected volume, kept until it is due for rotation. */
interface KeptToken {
  token: string;
  /** When it was asked for (the clock's ms), so its age says when to rotate it. */
  requestedAt: number;
}

/** The most a token is kept, whatever its lifetime (token_manager.go `maxTTL`). */
const TOKEN_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** A tmpfs every process on a Linux host shares. */
const SHARED_MEMORY = '/dev/shm';
/**
 * Sets up a pod's volumes on the node, as the kubelet's volume plugins do: emptyDir as a directory
 * of the pod, hostPath with its type check, configMap/secret/downwardAPI/projected written
 * atomically (and rewritten when their source changes: call {@link setUp} again), and
 * persistentVolumeClaim as the bound PersistentVolume's hostPath.
 */
export class VolumeManager {
  /** Service account tokens by pod uid, then by what was asked (sa, audience, lifetime). */
  private readonly tokens = new Map<string, Map<string, KeptToken>>();

  constructor(
    private readonly dataDir: string,
    private readonly source: VolumeSource,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Make every volume of `pod` ready; resolves to them by name. Throws {@link MountError}. */
  async setUp(pod: CoreV1.Pod, context: EnvContext): Promise<Map<string, PreparedVolume>> {
    const out = new Map<string, PreparedVolume>();
    for (const volume of pod.spec?.volumes ?? [])
      out.set(volume.name, await this.setUpOne(pod, volume, context));
    return out;
  }

  /** Remove the pod's directory (its emptyDirs and API-backed volumes; never hostPaths). */
  async tearDown(uid: string): Promise<void> {
    this.tokens.delete(uid);
    await rm(join(this.dataDir, 'pods', uid), { recursive: true, force: true });
    await rm(join(SHARED_MEMORY, 'kubedesk', uid), { recursive: true, force: true });
  }

  /** Where a container's termination message is kept on the node (`<pod dir>/containers/<name>/<attempt>`). */
  terminationMessagePath(uid: string, container: string, attempt: number): string {
    return join(this.dataDir, 'pods', uid, 'containers', container, String(attempt));
  }

  /** Create the (empty) termination message file of a container about to be made. */
  async terminationMessageFile(uid: string, container: string, attempt: number): Promise<string> {
    const file = this.terminationMessagePath(uid, container, attempt);
    await mkdir(dirname(file), { recursive: true });
    await (await open(file, 'w', 0o666)).close();
    return file;
  }

  /**
   * Keep the pod's resolv.conf (`<pod dir>/resolv.conf`) holding `text`, the file every container
   * of the pod mounts at /etc/resolv.conf, as containerd writes one per sandbox. Rewritten in place
   * only when it differs, so a running container's mount (the same inode) keeps reading it.
   */
  async resolvConfFile(uid: string, text: string): Promise<string> {
    const file = join(this.dataDir, 'pods', uid, 'resolv.conf');
    if ((await readFile(file, 'utf8').catch(() => undefined)) === text) return file;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text, { mode: 0o644 });
    return file;
  }

  private async setUpOne(
    pod: CoreV1.Pod,
    volume: CoreV1.Volume,
    context: EnvContext,
  ): Promise<PreparedVolume> {
    const uid = runtimeUid(pod);
    const namespace = pod.metadata?.namespace ?? 'default';
    const dir = (plugin: string) => volumeDir(this.dataDir, uid, plugin, volume.name);
    const failed = (why: string) =>
      new MountError(`MountVolume.SetUp failed for volume "${volume.name}" : ${why}`);
    if (volume.emptyDir) {
      // `medium: Memory`: the real kubelet mounts a tmpfs there. Where the host has one shared
      // with every process (/dev/shm on Linux), the volume lives in it, so all the pod's
      // containers share memory-backed files; elsewhere it falls back to disk.
      const memory = volume.emptyDir.medium === 'Memory' && existsSync(SHARED_MEMORY);
      const path = memory ? join(SHARED_MEMORY, 'kubedesk', uid, volume.name) : dir('empty-dir');
      await mkdir(path, { recursive: true, mode: 0o777 });
      return {
        hostPath: path,
        readOnly: false,
        ...(volume.emptyDir.medium === 'Memory' ? { memory: true } : {}),
      };
    }
    if (volume.hostPath) {
      await checkHostPath(volume.hostPath.path, volume.hostPath.type ?? '').catch((e: Error) => {
        throw failed(e.message);
      });
      return { hostPath: volume.hostPath.path, readOnly: false };
    }
    if (volume.persistentVolumeClaim) {
      const claim = await this.source.persistentVolumeClaim(
        namespace,
        volume.persistentVolumeClaim.claimName,
      );
      if (!claim) throw failed(`persistentvolumeclaim "${volume.persistentVolumeClaim.claimName}" not found`);
      const pvName = claim.spec?.volumeName;
      if (!pvName || claim.status?.phase !== 'Bound')
        throw new MountError(
          `unbound immediate PersistentVolumeClaims: ${volume.persistentVolumeClaim.claimName}`,
        );
      const pv = await this.source.persistentVolume(pvName);
      const path = pv?.spec?.hostPath?.path ?? pv?.spec?.local?.path;
      if (!path)
        throw failed(`persistentvolume "${pvName}" has no hostPath or local path this node can mount`);
      if (pv?.spec?.hostPath) await checkHostPath(path, pv.spec.hostPath.type || 'DirectoryOrCreate');
      return { hostPath: path, readOnly: volume.persistentVolumeClaim.readOnly ?? false };
    }
    const payload = async (plugin: string, files: Payload[] | undefined) => {
      const path = dir(plugin);
      if (files) await writeAtomically(path, files);
      else await mkdir(path, { recursive: true });
      return { hostPath: path, readOnly: true };
    };
    try {
      if (volume.configMap)
        return await payload('configmap', await this.configMapFiles(namespace, volume.configMap));
      if (volume.secret) return await payload('secret', await this.secretFiles(namespace, volume.secret));
      if (volume.downwardAPI)
        return await payload('downward-api', downwardFiles(pod, volume.downwardAPI, context));
      if (volume.projected)
        return await payload('projected', await this.projectedFiles(pod, volume.projected, context));
    } catch (error) {
      if (error instanceof MountError) throw error;
      throw failed(error instanceof Error ? error.message : String(error));
    }
    throw failed('this volume type is not supported by Kubedesk');
  }

  private async configMapFiles(
    namespace: string,
    source: CoreV1.ConfigMapVolumeSource | CoreV1.ConfigMapProjection,
    defaultMode = 'defaultMode' in source ? (source.defaultMode ?? 0o644) : 0o644,
  ): Promise<Payload[] | undefined> {
    const name = source.name ?? '';
    const cm = await this.source.configMap(namespace, name);
    if (!cm) {
      if (source.optional) return [];
      throw new Error(`configmap "${name}" not found`);
    }
    const data: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(cm.data ?? {})) data[k] = Buffer.from(v);
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) data[k] = Buffer.from(v, 'base64');
    return project(data, source.items, defaultMode, source.optional ?? false, `configmap "${name}"`);
  }

  private async secretFiles(
    namespace: string,
    source: CoreV1.SecretVolumeSource | CoreV1.SecretProjection,
    defaultMode = 'defaultMode' in source ? (source.defaultMode ?? 0o644) : 0o644,
  ): Promise<Payload[] | undefined> {
    const name =
      ('secretName' in source ? source.secretName : (source as CoreV1.SecretProjection).name) ?? '';
    const secret = await this.source.secret(namespace, name);
    if (!secret) {
      if (source.optional) return [];
      throw new Error(`secret "${name}" not found`);
    }
    const data: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(decodeSecret(secret))) data[k] = Buffer.from(v);
    return project(data, source.items, defaultMode, source.optional ?? false, `secret "${name}"`);
  }

  private async projectedFiles(
    pod: CoreV1.Pod,
    projected: CoreV1.ProjectedVolumeSource,
    context: EnvContext,
  ): Promise<Payload[]> {
    const namespace = pod.metadata?.namespace ?? 'default';
    const mode = projected.defaultMode ?? 0o644;
    const files: Payload[] = [];
    for (const source of projected.sources ?? []) {
      if (source.configMap)
        files.push(...((await this.configMapFiles(namespace, source.configMap, mode)) ?? []));
      if (source.secret) files.push(...((await this.secretFiles(namespace, source.secret, mode)) ?? []));
      if (source.downwardAPI)
        files.push(...downwardFiles(pod, { ...source.downwardAPI, defaultMode: mode }, context));
      if (source.serviceAccountToken) {
        const t = source.serviceAccountToken;
        const token = await this.serviceAccountToken(pod, t.audience, t.expirationSeconds ?? 3600);
        files.push({ path: t.path, data: Buffer.from(token), mode });
      }
    }
    return files;
  }

  /**
   * A service account token for `pod`, requested again only when the one kept is due for
   * rotation, as the kubelet's token manager (pkg/kubelet/token/token_manager.go
   * `requiresRefresh`): older than 80 % of its lifetime or than 24 hours. When asking again fails,
   * a kept token that has not expired is used meanwhile.
   */
  private async serviceAccountToken(
    pod: CoreV1.Pod,
    audience: string | undefined,
    expirationSeconds: number,
  ): Promise<string> {
    const uid = runtimeUid(pod);
    const serviceAccount = pod.spec?.serviceAccountName ?? 'default';
    const key = JSON.stringify([serviceAccount, audience ?? '', expirationSeconds]);
    let kept = this.tokens.get(uid);
    const cached = kept?.get(key);
    const now = this.clock.now();
    const age = cached ? now - cached.requestedAt : Infinity;
    const lifetimeMs = expirationSeconds * 1000;
    if (cached && age < Math.min(0.8 * lifetimeMs, TOKEN_MAX_AGE_MS)) return cached.token;
    let token: string;
    try {
      token = await this.source.serviceAccountToken(
        pod.metadata?.namespace ?? 'default',
        serviceAccount,
        audience,
        expirationSeconds,
        pod,
      );
    } catch (error) {
      if (cached && age < lifetimeMs) return cached.token;
      throw error;
    }
    if (!kept) this.tokens.set(uid, (kept = new Map()));
    kept.set(key, { token, requestedAt: now });
    return token;
  }
}

/** `data` as files: all keys, or the `items` asked for (a missing key fails unless optional). */
function project(
  data: Record<string, Buffer>,
  items: CoreV1.KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean,
  what: string,
): Payload[] {
  if (!items?.length)
    return Object.entries(data).map(([path, bytes]) => ({ path, data: bytes, mode: defaultMode }));
  const out: Payload[] = [];
  for (const item of items) {
    const bytes = data[item.key];
    if (!bytes) {
      if (optional) continue;
      throw new Error(
        `configmap references non-existent config key: ${item.key}`.replace('configmap', what.split(' ')[0]!),
      );
    }
    out.push({ path: safePath(item.path), data: bytes, mode: item.mode ?? defaultMode });
  }
  return out;
}

function safePath(path: string): string {
  const clean = normalize(path);
  if (clean.startsWith('..') || clean.startsWith('/')) throw new Error(`invalid path ${path}`);
  return clean;
}

function downwardFiles(
  pod: CoreV1.Pod,
  source: CoreV1.DownwardAPIVolumeSource,
  context: EnvContext,
): Payload[] {
  const mode = source.defaultMode ?? 0o644;
  return (source.items ?? []).map((item) => {
    const value = item.fieldRef
      ? fieldValue(pod, item.fieldRef.fieldPath, context)
      : item.resourceFieldRef
        ? resourceValue(pod, item.resourceFieldRef, undefined, context)
        : '';
    return { path: safePath(item.path), data: Buffer.from(value), mode: item.mode ?? mode };
  });
}

/** The hostPath `type` check (pkg/volume/hostpath `checkType`), creating what `*OrCreate` asks for. */
export async function checkHostPath(path: string, type: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  switch (type) {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!info) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!info.isDirectory()) throw new Error(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'Directory':
      if (!info?.isDirectory()) throw new Error(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'FileOrCreate':
      if (!info) {
        await mkdir(dirname(path), { recursive: true, mode: 0o755 });
        await (await open(path, 'a', 0o644)).close();
      } else if (!info.isFile()) throw new Error(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'File':
      if (!info?.isFile()) throw new Error(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'Socket':
      if (!(await lstat(path).catch(() => undefined))?.isSocket())
        throw new Error(`hostPath type check failed: ${path} is not a socket file`);
      return;
    case 'CharDevice':
      if (!info?.isCharacterDevice())
        throw new Error(`hostPath type check failed: ${path} is not a character device`);
      return;
    case 'BlockDevice':
      if (!info?.isBlockDevice())
        throw new Error(`hostPath type check failed: ${path} is not a block device`);
      return;
    default:
      throw new Error(`hostPath type ${type} is not supported`);
  }
}

/**
 * The runtime mounts of `container`: each `volumeMount` as its volume's host path (plus
 * `subPath`), read-only when the mount says so or the volume is API-backed.
 */
export async function containerMounts(
  container: CoreV1.Container,
  volumes: Map<string, PreparedVolume>,
): Promise<Mount[]> {
  const mounts: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const volume = volumes.get(m.name);
    if (!volume)
      throw new MountError(`volume "${m.name}" of container "${container.name}" is not in the pod's volumes`);
    let hostPath = volume.hostPath;
    if (m.subPath) {
      hostPath = join(hostPath, safePath(m.subPath));
      if (!(await stat(hostPath).catch(() => undefined)))
        await mkdir(hostPath, { recursive: true, mode: 0o755 });
    }
    mounts.push({ hostPath, containerPath: m.mountPath, readOnly: (m.readOnly ?? false) || volume.readOnly });
  }
  return mounts;
}
