import { randomUUID } from 'node:crypto';
import type { ClusterDirectory } from '../gateway/cluster-directory.js';
import { UpstreamAgents } from '../gateway/upstream.js';
import type { PortForwardInfo } from '../shared/bridge.js';
import { KubeHttp } from './kube-http.js';
import { PortForward } from './port-forward.js';
import { checkRequest } from './request-check.js';

export interface PortForwardsOptions {
  directory: ClusterDirectory;
  /** Passed to each forward (tests shorten them). */
  settleMs?: number;
  retryMs?: number;
}

/**
 * The app's port-forwards, across clusters: the service behind the bridge's `startPortForward`,
 * `listPortForwards` and `stopPortForward`. Forwards live in the Node side (Electron main or
 * `kubedesk ui`) because the renderer cannot listen on ports; they reach clusters with the
 * gateway's {@link ClusterDirectory}, so the renderer never sees a credential. `stopAll` runs
 * when the app quits.
 */
export class PortForwards {
  private readonly forwards = new Map<string, PortForward>();
  private readonly agents = new UpstreamAgents();

  constructor(private readonly options: PortForwardsOptions) {}

  /** Check `request` (it comes from the renderer), resolve its target and listen. */
  async start(request: unknown): Promise<PortForwardInfo> {
    const checked = checkRequest(request);
    const { directory } = this.options;
    const clusterId = checked.clusterId;
    if (!(await directory.connect(clusterId))) {
      const known = (await directory.list()).find((c) => c.id === clusterId);
      throw new Error(known?.error ?? `cluster "${clusterId}" not found`);
    }
    const http = new KubeHttp(async () => {
      const connection = await directory.connect(clusterId);
      if (!connection) throw new Error(`cluster "${clusterId}" is not available`);
      return connection;
    }, this.agents);
    const id = randomUUID();
    const forward = new PortForward({
      id,
      request: checked,
      http,
      ...(this.options.settleMs !== undefined ? { settleMs: this.options.settleMs } : {}),
      ...(this.options.retryMs !== undefined ? { retryMs: this.options.retryMs } : {}),
    });
    await forward.start();
    this.forwards.set(id, forward);
    return forward.info();
  }

  /** Every forward, oldest first. */
  list(): PortForwardInfo[] {
    return [...this.forwards.values()].map((f) => f.info());
  }

  /** Stop one forward; stopping an unknown (already stopped) id is not an error. */
  async stop(id: unknown): Promise<void> {
    if (typeof id !== 'string') throw new TypeError('id must be a string');
    const forward = this.forwards.get(id);
    this.forwards.delete(id);
    await forward?.stop();
  }

  /** Stop every forward (the app is quitting). */
  async stopAll(): Promise<void> {
    const all = [...this.forwards.values()];
    this.forwards.clear();
    await Promise.all(all.map((f) => f.stop()));
    this.agents.destroy();
  }
}
