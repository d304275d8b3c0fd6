/**
 * The kubelet bench's eyes: one watch on the bench namespace's pods, recording when each pod was
 * first seen Running or finished, so a phase can wait for "these pods are Running" and be timed
 * as a client sees it (the same moment `kubectl get pods -w` would print the change).
 */
import type { KubeClient } from '../../../embedded-cluster/client/index.js';
import { resources } from '../../../embedded-cluster/client/index.js';

/** A phase with no pod change for this long is abandoned. */
const STALL_MS = 30_000;

/** When the watcher first saw each pod Running (or done), and who is waiting for which. */
export class PodWatcher {
  readonly running = new Map<string, number>();
  readonly finished = new Map<string, number>();
  readonly present = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private readonly abort = new AbortController();
  private done: Promise<void> | undefined;
  private lastChange = performance.now();

  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
  ) {}

  async start(): Promise<void> {
    const pods = this.client.resource(resources.pods);
    const list = await pods.list({ namespace: this.namespace });
    const events = pods.watch({
      namespace: this.namespace,
      resourceVersion: list.metadata.resourceVersion ?? '',
      signal: this.abort.signal,
    });
    this.done = (async () => {
      try {
        for await (const event of events) {
          if (event.type === 'BOOKMARK') continue;
          const at = performance.now();
          const pod = event.object;
          const name = pod.metadata!.name!;
          this.lastChange = at;
          if (event.type === 'DELETED') this.present.delete(name);
          else {
            this.present.add(name);
            const phase = pod.status?.phase;
            if (phase === 'Running' && !this.running.has(name)) this.running.set(name, at);
            if ((phase === 'Succeeded' || phase === 'Failed') && !this.finished.has(name))
              this.finished.set(name, at);
          }
          for (const waiter of this.waiters) waiter();
        }
      } catch (error) {
        if (!this.abort.signal.aborted) throw error;
      }
    })();
  }

  /** Resolve once `done()` holds; reject when no pod has changed for {@link STALL_MS}. */
  until(done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const stall = setInterval(() => {
        if (performance.now() - this.lastChange < STALL_MS) return;
        cleanup();
        reject(new Error(`no pod changed for ${STALL_MS / 1000} s`));
      }, 1000);
      const cleanup = () => {
        clearInterval(stall);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
