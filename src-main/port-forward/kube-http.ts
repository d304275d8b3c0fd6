import type { IncomingMessage } from 'node:http';
import type { ClusterConnection } from '../gateway/cluster-directory.js';
import { requestFor, tlsOptions, UpstreamAgents, upstreamPath } from '../gateway/upstream.js';

/**
 * A failed API call: the server's `metav1.Status` message and code, or a network failure
 * (code 0). What the forward's `message` shows.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** One watch event as the API server streams it (`ERROR` carries a Status). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: { metadata?: { resourceVersion?: string }; code?: number; message?: string };
}

/**
 * The few reads port-forwarding needs from a cluster (get, list, watch), in JSON over HTTPS with
 * the connection's TLS settings and credentials (asked for on every request: exec plugins'
 * tokens expire). Main-side only: these credentials never reach the renderer.
 */
export class KubeHttp {
  /**
   * @param connect  the cluster's current connection, asked for on every request (the embedded
   *   cluster's address and CA change when it restarts)
   */
  constructor(
    readonly connect: () => Promise<ClusterConnection>,
    private readonly agents: UpstreamAgents,
  ) {}

  /** GET `path` and parse the JSON answer; rejects with an {@link ApiError}. */
  async get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const reply = await this.request(path, query);
    const text = await readAll(reply);
    if ((reply.statusCode ?? 0) >= 400) throw statusError(reply.statusCode ?? 0, text);
    return JSON.parse(text) as T;
  }

  /**
   * Watch `path` from `resourceVersion`: calls `onEvent` for each event until the server ends
   * the stream (resolves) or the signal aborts it (resolves); rejects with an {@link ApiError}
   * when the watch cannot start or the connection breaks.
   */
  async watch(
    path: string,
    query: Record<string, string>,
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const reply = await this.request(path, { ...query, watch: 'true', allowWatchBookmarks: 'true' }, signal);
    if ((reply.statusCode ?? 0) >= 400) throw statusError(reply.statusCode ?? 0, await readAll(reply));
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      reply.setEncoding('utf8');
      reply.on('data', (chunk: string) => {
        buffered += chunk;
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) onEvent(JSON.parse(line) as WatchEvent);
        }
      });
      reply.once('end', resolve);
      reply.once('error', (error) => (signal.aborted ? resolve() : reject(networkError(error))));
      reply.once('close', () => (signal.aborted ? resolve() : undefined));
    });
  }

  private async request(
    path: string,
    query: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<IncomingMessage> {
    const connection = await this.connect();
    const { server } = connection;
    const headers = await connection.headers();
    const search = new URLSearchParams(query).toString();
    return new Promise((resolve, reject) => {
      const req = requestFor(server)({
        protocol: server.protocol,
        hostname: server.hostname.replace(/^\[|\]$/g, ''),
        port: server.port || undefined,
        method: 'GET',
        path: upstreamPath(server, path) + (search ? `?${search}` : ''),
        headers: { ...headers, accept: 'application/json' },
        agent: this.agents.for(connection),
        ...tlsOptions(connection),
        ...(signal ? { signal } : {}),
      });
      req.once('response', resolve);
      req.once('error', (error) => reject(networkError(error)));
      req.end();
    });
  }
}

function readAll(reply: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    reply.on('data', (chunk: Buffer) => chunks.push(chunk));
    reply.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    reply.once('error', (error) => reject(networkError(error)));
  });
}

/** The Status in an error answer, or the answer's start when it is not one. */
export function statusError(code: number, body: string): ApiError {
  try {
    const status = JSON.parse(body) as { kind?: string; message?: string; code?: number };
    if (status.message) return new ApiError(status.message, status.code ?? code);
  } catch {
    // not JSON: a proxy's page, say
  }
  return new ApiError(`the server answered ${code}${body ? `: ${body.slice(0, 200)}` : ''}`, code);
}

export function networkError(error: Error): ApiError {
  const code = (error as NodeJS.ErrnoException).code;
  return new ApiError(
    `the cluster is unreachable: ${error.message}${code && !error.message.includes(code) ? ` (${code})` : ''}`,
    0,
  );
}
