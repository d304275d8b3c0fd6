import { Agent, request as httpsRequest } from 'node:https';
import { gunzipSync } from 'node:zlib';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A watch event as it arrives; objects are left loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WatchedEvent = { type: string; object: any };

export interface RequestOptions {
  body?: unknown;
  /** Sent as is when a string or Buffer; JSON-encoded otherwise. */
  contentType?: string;
  accept?: string;
  token?: string | null;
  headers?: Record<string, string>;
  /** Leave the body as text (benchmarks measure the server, not JSON.parse). */
  skipParse?: boolean;
}

/** A bare HTTPS client for the API server, trusting the cluster's CA: raw status codes and bodies, nothing hidden. */
export class ApiClient {
  /** Kept-alive connections, as client-go keeps them. */
  private readonly agent: Agent;

  constructor(
    readonly url: string,
    private readonly token: string,
    private readonly ca: string,
  ) {
    this.agent = new Agent({ keepAlive: true, ca, maxSockets: 64 });
  }

  /** Close idle kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const token = options.token === undefined ? this.token : options.token;
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      payload =
        typeof options.body === 'string' || Buffer.isBuffer(options.body)
          ? Buffer.from(options.body)
          : Buffer.from(JSON.stringify(options.body));
    }
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        new URL(this.url + path),
        {
          method,
          agent: this.agent,
          headers: {
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            ...(payload
              ? {
                  'Content-Type': options.contentType ?? 'application/json',
                  'Content-Length': payload.length,
                }
              : {}),
            Accept: options.accept ?? 'application/json',
            // As client-go's transport does.
            'Accept-Encoding': 'gzip',
            ...options.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const raw = Buffer.concat(chunks);
            const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString(
              'utf8',
            );
            let body: unknown;
            try {
              body = options.skipParse ? undefined : JSON.parse(text);
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
          });
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  get(path: string, options?: RequestOptions) {
    return this.request('GET', path, options);
  }
  post(path: string, body: unknown, options?: RequestOptions) {
    return this.request('POST', path, { ...options, body });
  }
  put(path: string, body: unknown, options?: RequestOptions) {
    return this.request('PUT', path, { ...options, body });
  }
  patch(path: string, body: unknown, contentType: string, options?: RequestOptions) {
    return this.request('PATCH', path, { ...options, body, contentType });
  }
  delete(path: string, options?: RequestOptions) {
    return this.request('DELETE', path, options);
  }

  /** Open a watch and collect events until `until` says stop (or `timeoutMs`). */
  watch(path: string, until: (events: WatchedEvent[]) => boolean, timeoutMs = 5000): Promise<WatchedEvent[]> {
    return new Promise((resolve, reject) => {
      const events: WatchedEvent[] = [];
      const req = httpsRequest(new URL(this.url + path), {
        ca: this.ca,
        headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json' },
      });
      const timer = setTimeout(() => {
        req.destroy();
        resolve(events);
      }, timeoutMs);
      req.on('response', (res) => {
        let pending = '';
        res.on('data', (chunk: Buffer) => {
          const lines = (pending + chunk.toString('utf8')).split('\n');
          pending = lines.pop()!;
          for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
          if (until(events)) {
            clearTimeout(timer);
            req.destroy();
            resolve(events);
          }
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve(events);
        });
      });
      req.on('error', (error) => {
        if (!req.destroyed) reject(error);
      });
      req.end();
    });
  }
}
