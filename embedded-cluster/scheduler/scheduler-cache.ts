import type { CoreV1 } from '../client/index.js';
import { NodeInfo, podInfoOf, type PodInfo } from './node-info.js';

/**
 * The scheduler's picture of the cluster, as kube-scheduler's cache
 * (pkg/scheduler/backend/cache/cache.go): every node, and on each the pods that use it — pods bound
 * there and not finished, plus pods this scheduler has *assumed* there while their binding is in
 * flight. Assuming is what lets decisions run one after another, in memory, while bindings go out
 * concurrently, without two pods ever being promised the same room.
 *
 * An assumed pod stays until the informer shows it bound (the cache then holds the real pod), it is
 * deleted, or its binding fails and it is forgotten. Pods may sit on a node the cache has no Node
 * object for (bound before the node appeared); such nodes are not offered to pods.
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  /** Pod key → where the cache holds it, and whether only as an assumption. */
  private readonly placed = new Map<string, { nodeName: string; assumed: boolean }>();

  setNode(node: CoreV1.Node): void {
    this.nodeInfo(node.metadata!.name!).setNode(node);
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    info.setNode(undefined);
    if (info.pods.size === 0) this.nodes.delete(name);
  }

  /** Nodes that exist, in the order they were first seen. */
  nodeInfos(): NodeInfo[] {
    const out: NodeInfo[] = [];
    for (const info of this.nodes.values()) if (info.node) out.push(info);
    return out;
  }

  getNode(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /**
   * Hold a pod bound to `pod.spec.nodeName` (new, updated, or confirming an assumption); answers
   * whether the cache did not hold it as bound before.
   */
  addOrUpdateBoundPod(pod: CoreV1.Pod): boolean {
    const info = podInfoOf(pod);
    const nodeName = pod.spec!.nodeName!;
    const before = this.placed.get(info.key);
    if (before && before.nodeName !== nodeName) this.nodes.get(before.nodeName)?.removePod(info.key);
    this.nodeInfo(nodeName).addPod(info);
    this.placed.set(info.key, { nodeName, assumed: false });
    return !before || before.assumed;
  }

  /** Drop a pod (deleted, finished); answers whether the cache held it. */
  removePod(key: string): boolean {
    const where = this.placed.get(key);
    if (!where) return false;
    this.placed.delete(key);
    const info = this.nodes.get(where.nodeName);
    info?.removePod(key);
    if (info && !info.node && info.pods.size === 0) this.nodes.delete(where.nodeName);
    return true;
  }

  /** Place `pod` on `nodeName` ahead of its binding. */
  assume(info: PodInfo, nodeName: string): void {
    this.removePod(info.key);
    this.nodeInfo(nodeName).addPod(info);
    this.placed.set(info.key, { nodeName, assumed: true });
  }

  /** Undo {@link assume} after a failed binding; answers whether it was still assumed. */
  forget(key: string): boolean {
    if (!this.placed.get(key)?.assumed) return false;
    return this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.placed.get(key)?.assumed === true;
  }

  /** Where the cache holds a pod, if anywhere. */
  nodeOf(key: string): string | undefined {
    return this.placed.get(key)?.nodeName;
  }

  private nodeInfo(name: string): NodeInfo {
    let info = this.nodes.get(name);
    if (!info) this.nodes.set(name, (info = new NodeInfo(name)));
    return info;
  }
}
