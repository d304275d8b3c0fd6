import type { IncomingMessage, ServerResponse } from 'node:http';
import { BRIDGE_HTTP_PREFIX, isBridgeMethod, type KubedeskBridge } from '../shared/bridge.js';

/** The largest bridge request body accepted (a file being saved is the big one). */
export const BRIDGE_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * The typed bridge over HTTP, for browser mode: `POST /app/bridge/<method>` with the arguments as
 * a JSON array calls that method of `bridge` and answers `{ "result": … }`, or
 * `{ "error": { "message": … } }` with 400 (a bad request), 404 (no such method), 413 (too large),
 * 415 (not JSON) or 500 (the method failed). Only the names `isBridgeMethod` knows are callable, so
 * `constructor` or `__proto__` reach nothing. Requiring `application/json` also keeps HTML forms out:
 * a cross-site form cannot send it without a CORS preflight, which the gateway never grants.
 */
export async function handleBridgeRequest(
  bridge: KubedeskBridge,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // Method names are plain identifiers: no decoding, so `%5F%5Fproto__` is just an unknown name.
  const method = new URL(req.url ?? '/', 'http://gateway').pathname.slice(BRIDGE_HTTP_PREFIX.length);
  if (req.method !== 'POST')
    return reply(res, 405, { error: { message: 'the bridge takes POST' } }, { allow: 'POST' });
  if (!isBridgeMethod(method)) return reply(res, 404, { error: { message: `no bridge method "${method}"` } });
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return reply(res, 415, { error: { message: 'the bridge takes application/json' } });
  }
  let args: unknown;
  try {
    args = JSON.parse(await readBody(req, BRIDGE_BODY_LIMIT));
  } catch (error) {
    const tooLarge = error instanceof BodyTooLarge;
    return reply(res, tooLarge ? 413 : 400, { error: { message: (error as Error).message } });
  }
  if (!Array.isArray(args))
    return reply(res, 400, { error: { message: 'the body must be a JSON array of arguments' } });
  let result: unknown;
  try {
    const call = bridge[method] as (...a: unknown[]) => Promise<unknown>;
    result = await call.apply(bridge, args);
  } catch (error) {
    return reply(res, 500, { error: { message: error instanceof Error ? error.message : String(error) } });
  }
  reply(res, 200, { result });
}

class BodyTooLarge extends Error {
  constructor(limit: number) {
    super(`the request body is larger than ${limit} bytes`);
  }
}

/** The request body as text, refusing (and stopping reading) past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      return reject(new BodyTooLarge(limit));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}
