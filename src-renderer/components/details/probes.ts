/**
 * Probe descriptions, one line each, in the words `kubectl describe pod` uses:
 * `httpGet :8080/healthz every 10s, timeout 1s, failure 3`. Missing timings take the API's
 * defaults (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe):
 * period 10 s, timeout 1 s, success 1, failure 3, no initial delay.
 */
import type { Probe } from 'kubernetes-types/core/v1.js';

/** The probe's action and timings as one line; empty when there is no probe. */
export function describeProbe(probe: Probe | undefined): string {
  if (!probe) return '';
  const parts = [actionOf(probe)];
  if (probe.initialDelaySeconds) parts.push(`delay ${probe.initialDelaySeconds}s`);
  let timing = `every ${probe.periodSeconds ?? 10}s, timeout ${probe.timeoutSeconds ?? 1}s`;
  if ((probe.successThreshold ?? 1) !== 1) timing += `, success ${probe.successThreshold}`;
  timing += `, failure ${probe.failureThreshold ?? 3}`;
  parts.push(timing);
  return parts.join(' ');
}

function actionOf(probe: Probe): string {
  if (probe.httpGet) {
    const { scheme, host, port, path } = probe.httpGet;
    const prefix = scheme === 'HTTPS' ? 'https://' : '';
    return `httpGet ${prefix}${host ?? ''}:${port}${path ?? '/'}`;
  }
  if (probe.tcpSocket) return `tcpSocket ${probe.tcpSocket.host ?? ''}:${probe.tcpSocket.port}`;
  if (probe.grpc) {
    return `grpc :${probe.grpc.port}${probe.grpc.service ? ` service=${probe.grpc.service}` : ''}`;
  }
  if (probe.exec) return `exec [${(probe.exec.command ?? []).join(' ')}]`;
  return 'unknown action';
}
