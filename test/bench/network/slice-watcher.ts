/**
 * The network bench's eyes on one Service's EndpointSlices: a watch of its own (as `kubectl get
 * endpointslices -w` would print), recording the moment each change arrives, so the endpoint
 * phase can time "the API says pod A is not ready" → "no more traffic reaches A".
 */
import type { DiscoveryV1, KubeClient } from '../../../embedded-cluster/client/index.js';
import { resources } from '../../../embedded-cluster/client/index.js';

export class SliceWatcher {
  private readonly slices = new Map<string, DiscoveryV1.EndpointSlice>();
  /** When each pod was last seen listed not ready (performance.now()). */
  readonly lastNotReady = new Map<string, number>();
  private readonly waiters = new Set<(at: number) => void>();
  private readonly abort = new AbortController();
  private done: Promise<void> | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
    private readonly service: string,
  ) {}

  async start(): Promise<void> {
    const api = this.client.resource(resources.endpointSlices);
    const labelSelector = `kubernetes.io/service-name=${this.service}`;
    const list = await api.list({ namespace: this.namespace, labelSelector });
    for (const slice of list.items) this.slices.set(slice.metadata!.name!, slice);
    const events = api.watch({
      namespace: this.namespace,
      labelSelector,
      resourceVersion: list.metadata.resourceVersion ?? '',
      signal: this.abort.signal,
    });
    this.done = (async () => {
      try {
        for await (const event of events) {
          if (event.type === 'BOOKMARK') continue;
          const at = performance.now();
          const name = event.object.metadata!.name!;
          if (event.type === 'DELETED') this.slices.delete(name);
          else this.slices.set(name, event.object);
          for (const endpoint of event.object.endpoints ?? []) {
            const pod = endpoint.targetRef?.name;
            if (pod && endpoint.conditions?.ready === false) this.lastNotReady.set(pod, at);
          }
          for (const waiter of this.waiters) waiter(at);
        }
      } catch (error) {
        if (!this.abort.signal.aborted) throw error;
      }
    })();
  }

  /** Whether pod `name` is listed ready (a missing condition counts as ready, as kube-proxy reads it). */
  ready(name: string): boolean {
    return [...this.slices.values()]
      .flatMap((slice) => slice.endpoints ?? [])
      .some((e) => e.targetRef?.name === name && e.conditions?.ready !== false);
  }

  /** Resolves with the arrival time (performance.now()) of the change after which `check()` holds. */
  until(check: () => boolean, timeoutMs = 30_000): Promise<number> {
    if (check()) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`endpoint slices of ${this.service}: condition not reached in ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (at: number) => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(at);
      };
      this.waiters.add(waiter);
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
