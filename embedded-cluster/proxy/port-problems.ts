import type { HostPortFailure } from './host-ports.js';

/** A host port failure as a Warning event on its Service: reason and message. */
export interface PortProblem {
  reason: 'PortInUse' | 'PortUnavailable';
  message: string;
}

/**
 * Words for a port the host could not open for a Service. `PortInUse` when another program (or
 * another Service) has it, as k3s's servicelb reports a taken host port; `PortUnavailable` for
 * anything else (no privilege, SCTP).
 */
export function describePortProblem(failure: HostPortFailure, host: string): PortProblem {
  const { target, code } = failure;
  const where = `${host}:${target.port}/${target.protocol}`;
  const what =
    target.kind === 'NodePort'
      ? `NodePort ${target.port} of ${target.owner}`
      : `LoadBalancer port ${target.port} of ${target.owner}`;
  if (code === 'CONFLICT') {
    return {
      reason: 'PortInUse',
      message: `${what} is not served: ${where} is already used by ${failure.heldBy}`,
    };
  }
  if (code === 'EADDRINUSE') {
    return {
      reason: 'PortInUse',
      message: `${what} is not served: ${where} is in use by another program on this machine; free it or change the Service's port`,
    };
  }
  if (code === 'EACCES') {
    return {
      reason: 'PortUnavailable',
      message: `${what} is not served: ${where} needs privileges this process lacks`,
    };
  }
  if (code === 'EPROTONOSUPPORT') {
    return {
      reason: 'PortUnavailable',
      message: `${what} is not served: the host proxy forwards TCP and UDP only`,
    };
  }
  return {
    reason: 'PortUnavailable',
    message: `${what} is not served: ${where} could not be opened (${code})`,
  };
}
