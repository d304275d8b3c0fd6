import type { ServerResponse } from 'node:http';
import type { Ingress } from 'kubernetes-types/networking/v1.js';

/**
 * The controller's own answers, in short plain text that says what is missing, so a user who
 * gets one knows which rule or backend to fix (nginx's bare "404 Not Found" tells nothing).
 */

/** 404: no Ingress rule (and no default backend) matches the host and path. */
export function notFoundText(host: string, path: string, hosts: readonly string[]): string {
  const served = hosts.length > 0 ? `Hosts served: ${hosts.join(', ')}.` : 'No Ingress is served yet.';
  return `404 Not Found: no Ingress rule matches host "${host || '(none)'}" and path "${path}".\n${served}\n`;
}

/** 503: the rule matched, but its backend cannot serve. */
export function unavailableText(ingress: Ingress, service: string, port: string, reason: string): string {
  const name = `${ingress.metadata?.namespace ?? ''}/${ingress.metadata?.name ?? ''}`;
  const backend = service ? ` (backend service "${service}" port ${port})` : '';
  return `503 Service Unavailable: Ingress ${name}${backend}: ${reason}.\n`;
}

/** 502: the endpoint could not be reached or broke off. */
export function badGatewayText(address: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  const why = code === 'ECONNREFUSED' ? 'refused the connection' : `failed (${code ?? String(error)})`;
  return `502 Bad Gateway: the upstream endpoint ${address} ${why}.\n`;
}

/** Send a plain-text answer (also used for the raw socket of a failed upgrade). */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** An HTTP/1.1 response written to a raw socket (an upgrade request that could not be proxied). */
export function rawResponse(status: number, reason: string, text: string): string {
  return (
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`
  );
}
