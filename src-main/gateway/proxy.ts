import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterConnection, ClusterDirectory } from './cluster-directory.js';
import type { ClusterPath } from './cluster-path.js';
import { sendStatus } from './status.js';
import {
  forwardRequestHeaders,
  forwardResponseHeaders,
  unreachableMessage,
  UpstreamAgents,
  upstreamRequest,
} from './upstream.js';

/**
 * Forwards plain HTTP requests under `/clusters/<id>/…` to the cluster with its credentials.
 * Bodies stream both ways without buffering, so a watch (`?watch=true`, chunked, open for
 * minutes) reaches the renderer event by event; when the browser goes away the upstream request
 * is aborted, and when the cluster ends the stream the browser's response ends too.
 */
export class ClusterProxy {
  /** @param agents the keep-alive pools, shared with the watch multiplexer */
  constructor(
    private readonly directory: ClusterDirectory,
    private readonly agents = new UpstreamAgents(),
  ) {}

  /** Forward `req` (already authenticated by the gateway) to the cluster `target` names. */
  async handle(req: IncomingMessage, res: ServerResponse, target: ClusterPath): Promise<void> {
    const found = await lookup(this.directory, target);
    if (found.kind === 'missing') return sendStatus(res, 404, `cluster "${target.rawId}" not found`);
    if (found.kind === 'failed') return sendStatus(res, 503, found.message);
    const { id, connection } = found;
    let headers: Record<string, string>;
    try {
      headers = await connection.headers();
    } catch (error) {
      return sendStatus(res, 503, credentialsMessage(id, error));
    }
    if (req.destroyed) return;

    const upstream: ClientRequest = upstreamRequest(connection, {
      method: req.method ?? 'GET',
      rest: target.rest,
      headers: { ...forwardRequestHeaders(req.headers), ...headers },
      agent: this.agents.for(connection),
    });
    // The browser went away (closed the tab, aborted a watch): stop the cluster's side too.
    const abort = () => {
      if (!res.writableFinished) upstream.destroy();
    };
    res.on('close', abort);
    upstream.on('error', (error) => {
      if (!res.headersSent) sendStatus(res, 503, unreachableMessage(id, error));
      else res.destroy(error);
    });
    upstream.on('response', (reply: IncomingMessage) => {
      res.writeHead(reply.statusCode ?? 502, reply.statusMessage, forwardResponseHeaders(reply.headers));
      // Headers now, not with the first chunk: a watch on a quiet resource still "opens".
      res.flushHeaders();
      reply.pipe(res);
      reply.on('error', (error) => res.destroy(error));
      // The cluster cut the stream short: the browser sees the stream end abruptly, not cleanly.
      reply.on('aborted', () => res.destroy());
    });
    req.pipe(upstream);
  }

  /** Close pooled connections to the clusters. */
  close(): void {
    this.agents.destroy();
  }
}

/** The outcome of looking up a cluster path's connection. */
export type Lookup =
  | { kind: 'found'; id: string; connection: ClusterConnection }
  | { kind: 'missing' }
  | { kind: 'failed'; message: string };

/** The connection for `target`, trying the id as sent, then decoded. */
export async function lookup(directory: ClusterDirectory, target: ClusterPath): Promise<Lookup> {
  for (const id of target.candidates) {
    try {
      const connection = await directory.connect(id);
      if (connection) return { kind: 'found', id, connection };
    } catch (error) {
      return { kind: 'failed', message: credentialsMessage(id, error) };
    }
  }
  // Listed but not connectable (the embedded cluster is down, a context lacks its cluster): say why.
  const listed = (await directory.list()).find((c) => target.candidates.includes(c.id));
  if (listed?.error) return { kind: 'failed', message: `cluster "${listed.id}": ${listed.error}` };
  return { kind: 'missing' };
}

/** Why a cluster's credentials could not be had, in one line. */
export function credentialsMessage(id: string, error: unknown): string {
  return `getting credentials for cluster "${id}": ${error instanceof Error ? error.message : String(error)}`;
}
