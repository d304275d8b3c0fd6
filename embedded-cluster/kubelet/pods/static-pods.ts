import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  isStatus,
  resources,
  type ComponentContext,
  type CoreV1,
  type Informer,
  type ResourceClient,
} from '../../client/index.js';
import type { Timer } from '../../util/clock.js';

/** The annotations of a mirror pod (pkg/kubelet/types/pod_update.go). */
export const MIRROR_ANNOTATIONS = {
  mirror: 'kubernetes.io/config.mirror',
  hash: 'kubernetes.io/config.hash',
  source: 'kubernetes.io/config.source',
  seen: 'kubernetes.io/config.seen',
} as const;

export interface StaticPodsConfig extends ComponentContext {
  nodeName: string;
  dataDir: string;
  /** The kubelet's informer of its node's pods (mirror pods included). */
  pods: Informer<CoreV1.Pod>;
  podClient: ResourceClient<CoreV1.Pod>;
}

/** A pod manifest found in the manifests directory, as the API's mirror pod of it. */
export interface StaticPod {
  file: string;
  pod: CoreV1.Pod;
  hash: string;
}

/**
 * Static pods (pkg/kubelet/config/file.go + pod/mirror_client.go): every Pod manifest in
 * `<dataDir>/manifests/` (YAML or JSON) runs on this node under the name `<name>-<nodeName>`,
 * and the API shows it as a mirror pod annotated `kubernetes.io/config.mirror: <hash>` and owned
 * by the Node. The directory is watched, not polled: a new or changed file (re)creates its
 * mirror pod, a removed one deletes it, and a mirror pod deleted through the API comes back.
 *
 * The containers run from the mirror pod (the kubelet's one source of pods here) but under the
 * manifest's hash as their pod uid (pods/pod-uid.ts), as the real kubelet keys static pods: a
 * mirror pod deleted through the API is replaced at once and the containers run on.
 */
export class StaticPods {
  private watcher: FSWatcher | undefined;
  private timer: Timer | undefined;
  private busy: Promise<void> = Promise.resolve();
  private manifests = new Map<string, StaticPod>();
  private stopped = false;

  constructor(private readonly config: StaticPodsConfig) {}

  get directory(): string {
    return join(this.config.dataDir, 'manifests');
  }

  async start(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    this.watcher = watch(this.directory, () => this.soon());
    this.watcher.on('error', (error) =>
      this.config.logger.warn('static pod directory watch failed', { error: String(error) }),
    );
    this.watcher.unref();
    this.serially();
    await this.busy;
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    if (this.timer) this.config.clock.clearTimeout(this.timer);
  }

  /** Whether a manifest in the directory is the static pod with this hash (its runtime uid). */
  wants(hash: string): boolean {
    for (const manifest of this.manifests.values()) if (manifest.hash === hash) return true;
    return false;
  }

  /** A mirror pod was deleted: make it again if its manifest is still there. */
  mirrorDeleted(pod: CoreV1.Pod): void {
    if (pod.metadata?.annotations?.[MIRROR_ANNOTATIONS.mirror] !== undefined) this.soon();
  }

  /** Reconcile shortly (an editor's save is several events). */
  private soon(): void {
    if (this.stopped) return;
    if (this.timer) this.config.clock.clearTimeout(this.timer);
    this.timer = this.config.clock.setTimeout(() => this.serially(), 100);
    this.timer.unref?.();
  }

  private serially(): void {
    this.busy = this.busy
      .then(() => this.reconcile())
      .catch((error: unknown) => {
        this.config.logger.warn('static pods: reconcile failed; retrying', { error: String(error) });
        if (this.timer) this.config.clock.clearTimeout(this.timer);
        this.timer = this.config.clock.setTimeout(() => this.serially(), 5_000);
        this.timer.unref?.();
      });
  }

  /** Read the manifests; create, replace or delete mirror pods to match. */
  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    this.manifests = await this.read();
    const wanted = new Map(
      [...this.manifests.values()].map((s) => [`${s.pod.metadata!.namespace}/${s.pod.metadata!.name}`, s]),
    );
    for (const existing of this.config.pods.store.list()) {
      const hash = existing.metadata?.annotations?.[MIRROR_ANNOTATIONS.mirror];
      if (hash === undefined || existing.metadata?.deletionTimestamp) continue;
      const key = `${existing.metadata!.namespace}/${existing.metadata!.name}`;
      const want = wanted.get(key);
      if (want && want.hash === hash) {
        wanted.delete(key);
        continue;
      }
      await this.config.podClient
        .delete(existing.metadata!.name!, {
          namespace: existing.metadata!.namespace!,
          preconditions: { uid: existing.metadata!.uid! },
        })
        .catch((e: unknown) =>
          isStatus(e, 'NotFound') || isStatus(e, 'Conflict') ? undefined : Promise.reject(e),
        );
    }
    for (const s of wanted.values()) {
      try {
        await this.config.podClient.create(s.pod);
        this.config.logger.info('static pod: mirror pod created', {
          pod: s.pod.metadata!.name,
          file: s.file,
        });
      } catch (error) {
        // The old mirror pod is still being removed: the delete event brings us back.
        if (!isStatus(error, 'AlreadyExists')) throw error;
      }
    }
  }

  private async read(): Promise<Map<string, StaticPod>> {
    const out = new Map<string, StaticPod>();
    const node = await this.config.client.resource(resources.nodes).get(this.config.nodeName);
    for (const file of (await readdir(this.directory)).sort()) {
      if (file.startsWith('.') || !/\.(ya?ml|json)$/.test(file)) continue;
      const path = join(this.directory, file);
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const docs = parseAllDocuments(text);
      for (const doc of Array.isArray(docs) ? docs : [docs]) {
        const manifest = doc.toJS() as CoreV1.Pod | null;
        if (!manifest || manifest.kind !== 'Pod' || !manifest.metadata?.name) {
          this.config.logger.warn('static pods: skipping a document that is not a Pod', { file });
          continue;
        }
        const pod = mirrorPod(manifest, this.config.nodeName, node, this.config.clock.now());
        out.set(`${file}/${pod.metadata!.name}`, {
          file: path,
          pod,
          hash: pod.metadata!.annotations![MIRROR_ANNOTATIONS.hash]!,
        });
      }
    }
    return out;
  }
}

/** The mirror pod of a static pod manifest (kubelet config/common.go `applyDefaults` + mirror_client.go). */
export function mirrorPod(
  manifest: CoreV1.Pod,
  nodeName: string,
  node: CoreV1.Node,
  seenAt: number,
): CoreV1.Pod {
  const hash = createHash('md5').update(JSON.stringify(manifest)).digest('hex');
  const meta = manifest.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      name: `${meta.name}-${nodeName}`,
      namespace: meta.namespace ?? 'default',
      annotations: {
        ...meta.annotations,
        [MIRROR_ANNOTATIONS.mirror]: hash,
        [MIRROR_ANNOTATIONS.hash]: hash,
        [MIRROR_ANNOTATIONS.source]: 'file',
        [MIRROR_ANNOTATIONS.seen]: new Date(seenAt).toISOString(),
      },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node.metadata!.uid!, controller: true },
      ],
    },
    spec: {
      ...manifest.spec!,
      nodeName,
      // Static pods may not use service account tokens (the API refuses them for mirror pods).
      automountServiceAccountToken: false,
    },
  };
}
