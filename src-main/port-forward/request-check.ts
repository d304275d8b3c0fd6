import type { PortForwardRequest } from '../shared/bridge.js';
import { normalizePort, TargetError } from './port-resolution.js';

const KINDS: readonly PortForwardRequest['target']['kind'][] = [
  'Pod',
  'Service',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
];

/**
 * A port-forward request from the renderer, checked and normalized (a numeric string port becomes
 * a number, `localPort` defaults to 0). Throws a TypeError saying what is wrong.
 */
export function checkRequest(value: unknown): PortForwardRequest & { localPort: number } {
  const r = (value ?? {}) as Record<string, unknown>;
  if (typeof value !== 'object' || value === null)
    throw new TypeError('a port-forward request must be an object');
  const text = (key: string, v: unknown) => {
    if (typeof v !== 'string' || v.trim() === '') throw new TypeError(`${key} must be a non-empty string`);
    return v.trim();
  };
  const clusterId = text('clusterId', r.clusterId);
  const namespace = text('namespace', r.namespace);
  const target = (r.target ?? {}) as Record<string, unknown>;
  const kind = target.kind as PortForwardRequest['target']['kind'];
  if (!KINDS.includes(kind)) throw new TypeError(`target.kind must be one of ${KINDS.join(', ')}`);
  const name = text('target.name', target.name);
  if (typeof r.port !== 'number' && typeof r.port !== 'string') {
    throw new TypeError('port must be a port number or a port name');
  }
  let port: number | string;
  try {
    port = normalizePort(r.port);
  } catch (error) {
    throw new TypeError((error as TargetError).message);
  }
  const localPort = r.localPort ?? 0;
  if (typeof localPort !== 'number' || !Number.isInteger(localPort) || localPort < 0 || localPort > 65535) {
    throw new TypeError('localPort must be a port number from 0 to 65535 (0: any free port)');
  }
  return { clusterId, namespace, target: { kind, name } as PortForwardRequest['target'], port, localPort };
}
