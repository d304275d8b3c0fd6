import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';

/** One API request, as the client builds it. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. `/api/v1/namespaces/default/pods?watch=1`. */
  path: string;
  body?: unknown;
  /** Defaults to `application/json` when there is a body. */
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * How the client reaches an API server. The answer is the raw response: the client reads the
 * status, and either the whole JSON body or, for watches, the stream.
 */
export interface Transport {
  send(request: ApiRequest): Promise<IncomingMessage>;
  /** Close idle connections; requests in flight are not touched. */
  close(): void;
}

/**
 * A transport over HTTP/1.1 with keep-alive. `connect` makes an in-process connection (see the API
 * server's `connect(user)`), so the cluster's own components go through the API server's full
 * request path without TLS or a port; without it, `https` reaches a server over the network.
 */
export function httpTransport(
  options:
    | { connect: () => Duplex }
    | { url: string; token?: string; ca?: string | Buffer; cert?: string; key?: string },
): Transport {
  if ('connect' in options) {
    const agent = new InProcessAgent(options.connect);
    return {
      send: (request) => send(httpRequest, 'http://kubedesk.internal', agent, {}, request),
      close: () => agent.destroy(),
    };
  }
  const agent = new HttpsAgent({
    keepAlive: true,
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.cert ? { cert: options.cert } : {}),
    ...(options.key ? { key: options.key } : {}),
  });
  const headers: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  return {
    send: (request) => send(httpsRequest, options.url.replace(/\/+$/, ''), agent, headers, request),
    close: () => agent.destroy(),
  };
}

/** Keep-alive agent whose connections are in-process duplex pairs. */
class InProcessAgent extends HttpAgent {
  constructor(private readonly connectFn: () => Duplex) {
    super({ keepAlive: true, maxFreeSockets: 64, scheduling: 'lifo' });
  }

  override createConnection(): Duplex {
    return this.connectFn();
  }
}

function send(
  requestFn: typeof httpRequest,
  base: string,
  agent: HttpAgent,
  headers: Record<string, string>,
  request: ApiRequest,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    const outgoing = requestFn(
      `${base}${request.path}`,
      {
        method: request.method,
        agent,
        headers: {
          ...headers,
          Accept: 'application/json',
          'User-Agent': 'kubedesk-components',
          ...(body
            ? { 'Content-Type': request.contentType ?? 'application/json', 'Content-Length': body.length }
            : {}),
        },
        ...(request.signal ? { signal: request.signal } : {}),
      },
      resolve,
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
