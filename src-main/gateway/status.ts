import { STATUS_CODES, type ServerResponse } from 'node:http';

/**
 * A Kubernetes `metav1.Status` failure: what the gateway answers with when it cannot forward a
 * request itself (unknown cluster, unreachable cluster, missing token), so that the renderer reads
 * every error the same way, whether the cluster or the gateway produced it.
 * https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/
 */
export interface FailureStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
}

/** The `reason` Kubernetes gives each status code the gateway answers with. */
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  500: 'InternalError',
  502: 'InternalError',
  503: 'ServiceUnavailable',
};

/** The Status for `code`, with the reason Kubernetes uses for it. */
export function failureStatus(code: number, message: string): FailureStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code] ?? 'Unknown',
    code,
  };
}

/** Answer `res` with a Status failure (unless a response has already begun, then just end it). */
export function sendStatus(res: ServerResponse, code: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(failureStatus(code, message));
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** The raw HTTP/1.1 response for a Status failure, for sockets taken over by an upgrade. */
export function rawStatusResponse(code: number, message: string): string {
  const body = JSON.stringify(failureStatus(code, message));
  return (
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}
