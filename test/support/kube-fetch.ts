import { Agent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/** What `kubeFetch` needs of a running cluster: where it is, its CA and the admin token. */
export interface KubeFetchTarget {
  url: string;
  token: string;
  caCert: string;
}

/** A `fetch` that also lets tests close its kept-alive connections. */
export type KubeFetch = typeof fetch & { close(): void };

/** Statuses whose `Response` must be built without a body (the Fetch standard's null body statuses). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * A `fetch` for tests of renderer code against a real API server: Node's own fetch cannot be
 * told to trust the cluster's CA at run time, so this one speaks HTTPS through `node:https`
 * with the CA and adds the bearer token (the gateway does that for the real renderer). Bodies
 * stream, so watches work, and the request's `AbortSignal` ends them. Only what the renderer's
 * data layer sends is supported: string bodies and plain header objects or `Headers`.
 */
export function kubeFetch(target: KubeFetchTarget): KubeFetch {
  const agent = new Agent({ keepAlive: true, ca: target.caCert, maxSockets: 32 });
  const fetchImpl = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${target.token}`);
    // Node sends DELETE bodies neither chunked nor sized unless told the length.
    if (typeof init.body === 'string') headers.set('Content-Length', String(Buffer.byteLength(init.body)));
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      throw new TypeError('kubeFetch sends string bodies only');
    }
    return new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const req = httpsRequest(url, {
        method: init.method ?? 'GET',
        agent,
        headers: Object.fromEntries(headers),
      });
      const onAbort = () => {
        const error = abortError(signal);
        req.destroy(error);
        reject(error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
        }
        // From here on an abort ends the body stream (as a fetch body ends), not the promise.
        signal?.removeEventListener('abort', onAbort);
        signal?.addEventListener('abort', () => res.destroy(abortError(signal)), { once: true });
        if (NULL_BODY.has(status)) {
          res.resume();
          resolve(new Response(null, { status, headers: responseHeaders }));
          return;
        }
        const stream = Readable.toWeb(res) as ReadableStream<Uint8Array>;
        resolve(
          new Response(stream, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }),
        );
      });
      req.end(body ?? undefined);
    });
  };
  return Object.assign(fetchImpl as typeof fetch, { close: () => agent.destroy() });
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}
