import type { HostPort, NodeInfo } from '../node-info.js';
import type { CycleState, Rejection } from './types.js';

const ANY_IP = '0.0.0.0';

/**
 * Whether a wanted host port clashes with those the node's pods hold (`HostPortInfo.CheckConflict`,
 * pkg/scheduler/framework/types.go): same protocol and port, and the same host IP or either side
 * listening on all addresses (`0.0.0.0`).
 */
export function portConflicts(node: NodeInfo, wanted: HostPort): boolean {
  const ips = node.usedPorts.get(`${wanted.protocol}/${wanted.port}`);
  if (!ips || ips.size === 0) return false;
  if (wanted.ip === ANY_IP) return true;
  return ips.has(ANY_IP) || ips.has(wanted.ip);
}

/**
 * The NodePorts filter (pkg/scheduler/framework/plugins/nodeports): a pod asking for a `hostPort`
 * fits only where no placed pod holds it. Resolvable: the port frees when that pod goes.
 */
export function nodePortsFilter(state: CycleState, node: NodeInfo): Rejection | undefined {
  if (!state.podInfo.hostPorts.some((p) => portConflicts(node, p))) return undefined;
  return {
    plugin: 'NodePorts',
    code: 'Unschedulable',
    reasons: ["node(s) didn't have free ports for the requested pod ports"],
  };
}
