import { failureStatus, StatusError, type KubeApi } from '../kube/index.js';
import { toWebSocketUrl, type WebSocketFactory, type WebSocketLike } from './exec-session.js';
import { LineSplitter } from './line-splitter.js';

/**
 * The WebSocket subprotocols of a streamed GET (kube-apiserver's wsstream.Reader), ours first:
 * `binary.k8s.io` sends the log's bytes as they are. A chunk may end inside a UTF-8 character,
 * but the line splitter's streaming `TextDecoder` carries the partial character over to the next
 * chunk, so binary needs nothing more — and skips base64's third more bytes and its decoding.
 * `base64.binary.k8s.io` (text messages) is read too, should a server choose it.
 */
export const LOG_SOCKET_PROTOCOLS = ['binary.k8s.io', 'base64.binary.k8s.io'] as const;

/** Where and how log WebSockets are opened: the cluster's root as `ws(s)://…`, and the factory. */
export interface LogSocketTransport {
  root: string;
  createSocket: WebSocketFactory;
}

/**
 * The transport of a window whose page the gateway serves (the app, and browser mode): the
 * cluster's root is on the page's own origin, so the gateway accepts the upgrade (its session
 * cookie, its Origin check) and forwards it to the cluster. Undefined anywhere else — Node, tests,
 * a root on another origin — where logs are read over fetch.
 */
export function pageLogSocket(api: KubeApi): LogSocketTransport | undefined {
  const Socket = (globalThis as { WebSocket?: new (url: string, protocols: string[]) => unknown }).WebSocket;
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  if (typeof Socket !== 'function' || !page) return undefined;
  let pageUrl: URL;
  let root: URL;
  try {
    pageUrl = new URL(page);
    root = new URL(api.baseUrl, pageUrl);
  } catch {
    return undefined;
  }
  if (!/^https?:$/.test(pageUrl.protocol) || root.origin !== pageUrl.origin) return undefined;
  return {
    root: toWebSocketUrl(api.baseUrl, page),
    createSocket: (url, protocols) => new Socket(url, protocols) as WebSocketLike,
  };
}

/**
 * Read one log over a WebSocket: `onText` gets the lines each message completes. Resolves when
 * the server closes normally (the log ended); rejects with a `StatusError` when the stream is cut
 * or cannot open, or with the abort reason when `signal` stops it. A browser says nothing about
 * why an upgrade failed, so then the same request is made once over fetch (one byte, not
 * followed) for the server's Status: the pod is gone, the container waits, the options are bad.
 */
export function streamLogOverSocket(
  transport: LogSocketTransport,
  api: KubeApi,
  path: string,
  onText: (lines: string[]) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const what = `GET ${path.split('?')[0]}`;
    const socket = transport.createSocket(`${transport.root}${path}`, [...LOG_SOCKET_PROTOCOLS]);
    socket.binaryType = 'arraybuffer';
    const splitter = new LineSplitter();
    let opened = false;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => {
      socket.close(1000);
      settle(() => reject(abortReason(signal!)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.onopen = () => (opened = true);
    socket.onerror = () => {};
    socket.onmessage = (event) => {
      if (settled) return;
      const lines = splitter.push(bytesOf(event.data));
      if (lines.length) onText(lines);
    };
    socket.onclose = (event) => {
      if (settled) return;
      if (!opened) {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        explainRefusal(api, path, what, signal).then(reject, reject);
        return;
      }
      // 1000: the server ended the log; 1005: a close frame without a code, as clean.
      if (event.code === 1000 || event.code === 1005) {
        const rest = splitter.end();
        if (rest.length) onText(rest);
        settle(resolve);
        return;
      }
      const detail = `${event.code}${event.reason ? `: ${event.reason}` : ''}`;
      settle(() =>
        reject(
          new StatusError(failureStatus(0, `${what}: the log stream was cut (${detail})`, 'NetworkError')),
        ),
      );
    };
  });
}

/** A message's bytes: binary (ArrayBuffer, or a Buffer from `ws`), or base64 text. */
function bytesOf(data: unknown): Uint8Array {
  if (typeof data === 'string') {
    const binary = atob(data);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(0);
}

/** Why the upgrade failed: the server's Status for the same request, else a gateway failure. */
async function explainRefusal(
  api: KubeApi,
  path: string,
  what: string,
  signal?: AbortSignal,
): Promise<Error> {
  const [base, query = ''] = path.split('?') as [string, string?];
  const params = new URLSearchParams(query);
  params.delete('follow');
  params.set('limitBytes', '1');
  try {
    const response = await api.raw(`${base}?${params.toString()}`, { signal });
    await response.body?.cancel();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  return new StatusError(
    failureStatus(0, `${what}: the log WebSocket could not be opened through the gateway`, 'NetworkError'),
  );
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}
