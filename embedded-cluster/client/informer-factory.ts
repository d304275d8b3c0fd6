import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { Informer } from './informer.js';
import type { KubeClient } from './kube-client.js';
import type { KubeObjectLike, ResourceRef } from './resources.js';

/**
 * One informer per resource, shared by every controller that asks for it (client-go's
 * `SharedInformerFactory`): a cluster lists and watches pods once, however many controllers read
 * them.
 */
export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObjectLike>>();
  private started = false;

  constructor(
    private readonly client: KubeClient,
    private readonly options: { clock?: Clock; logger?: Logger; resyncMs?: number } = {},
  ) {}

  /** The shared informer for `ref` (all namespaces); started now if the factory already is. */
  for<T extends KubeObjectLike>(ref: ResourceRef<T>): Informer<T> {
    const id = `${ref.group}/${ref.version}/${ref.resource}`;
    let informer = this.informers.get(id) as Informer<T> | undefined;
    if (!informer) {
      informer = new Informer<T>(this.client.resource(ref), {
        ...(this.options.clock ? { clock: this.options.clock } : {}),
        ...(this.options.logger ? { logger: this.options.logger } : {}),
        ...(this.options.resyncMs ? { resyncMs: this.options.resyncMs } : {}),
      });
      this.informers.set(id, informer as unknown as Informer<KubeObjectLike>);
      if (this.started) informer.start();
    }
    return informer;
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** Resolves when every informer made so far has listed once. */
  async synced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.synced()));
  }

  stop(): void {
    this.started = false;
    for (const informer of this.informers.values()) informer.stop();
  }
}
