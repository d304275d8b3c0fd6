import { readFile } from 'node:fs/promises';
import type { CoreV1 } from '../../client/index.js';
import type { ContainerRuntime, ContainerStatus } from '../runtime/container-runtime.js';
import type { VolumeManager } from './volumes.js';
import { runtimeUid } from './pod-uid.js';

/** The most of a termination message file the kubelet reports, and of the log it falls back to. */
const MAX_MESSAGE_BYTES = 4096;
const MAX_LOG_BYTES = 2048;
const LOG_LINES = 80;

/**
 * Termination messages of exited containers (kuberuntime_container.go `getTerminationMessage`):
 * the file the container wrote at `terminationMessagePath` (at most 4 KiB), or — with
 * `terminationMessagePolicy: FallbackToLogsOnError` and a failure — the last 80 lines (at most
 * 2 KiB) of its log. Read once per container.
 */
export class TerminationMessages {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly volumes: VolumeManager,
  ) {}

  /** `c` with its termination message, when it exited and has one. */
  async of(pod: CoreV1.Pod, c: ContainerStatus): Promise<ContainerStatus> {
    if (c.state !== 'exited' || c.message) return c;
    let message = this.cache.get(c.id);
    if (message === undefined) {
      message = await this.read(pod, c).catch(() => '');
      this.cache.set(c.id, message);
    }
    return message ? { ...c, message } : c;
  }

  forget(containerId: string): void {
    this.cache.delete(containerId);
  }

  private async read(pod: CoreV1.Pod, c: ContainerStatus): Promise<string> {
    const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    const spec = containers.find((s) => s.name === c.name);
    const path = this.volumes.terminationMessagePath(runtimeUid(pod), c.name, c.attempt);
    const file = await readFile(path).catch(() => Buffer.alloc(0));
    if (file.length > 0) return file.subarray(0, MAX_MESSAGE_BYTES).toString('utf8');
    if (spec?.terminationMessagePolicy !== 'FallbackToLogsOnError' || c.exitCode === 0) return '';
    const abort = new AbortController();
    const log = await this.runtime.logs(
      c.id,
      { follow: false, timestamps: false, tailLines: LOG_LINES },
      abort.signal,
    );
    const chunks: Buffer[] = [];
    for await (const chunk of log) chunks.push(Buffer.from(chunk as Buffer));
    const all = Buffer.concat(chunks);
    return all.subarray(Math.max(0, all.length - MAX_LOG_BYTES)).toString('utf8');
  }
}
