import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

/**
 * Serves the built renderer (`out/renderer`): files by path, and `index.html` for any other path
 * without a file extension (the app's own routes, so a reload on `/pods` works). Every response
 * carries the app's Content-Security-Policy, so the page can load nothing and talk to nothing but
 * the gateway. Without a build, a short page says how to make one.
 */
export class StaticFiles {
  constructor(
    private readonly root: string | undefined,
    private readonly port: () => number,
  ) {}

  /** The policy for the app's pages: only the gateway itself (Monaco needs inline styles and blob workers). */
  contentSecurityPolicy(): string {
    const port = this.port();
    return [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self' data:",
      "worker-src 'self' blob:",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
    ].join('; ');
  }

  /** Answer a GET or HEAD for a non-API path. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const found = this.root ? await this.find(req.url ?? '/') : undefined;
    if (found === 'not-found') return this.send(res, req, 404, 'text/plain; charset=utf-8', 'Not found\n');
    if (!found) return this.send(res, req, 200, 'text/html; charset=utf-8', NOT_BUILT_PAGE, 'no-cache');
    const { file, size } = found;
    res.writeHead(200, {
      ...this.securityHeaders(),
      'content-type': contentType(file),
      'content-length': size,
      'cache-control': isHashedAsset(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(file);
    stream.on('error', (error) => res.destroy(error));
    stream.pipe(res);
  }

  /** The file for a URL path; `not-found` for a missing file with an extension; undefined without a build. */
  private async find(url: string): Promise<{ file: string; size: number } | 'not-found' | undefined> {
    const root = path.resolve(this.root!);
    const index = await fileAt(path.join(root, 'index.html'));
    if (!index) return undefined;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(url, 'http://gateway').pathname);
    } catch {
      return 'not-found';
    }
    if (pathname.includes('\0')) return 'not-found';
    const file = path.resolve(root, `.${pathname}`);
    // `..` cannot survive URL parsing, but a decoded `%2e%2e%2f` could: stay inside the build.
    if (file !== root && !file.startsWith(root + path.sep)) return 'not-found';
    const found = pathname.endsWith('/') ? undefined : await fileAt(file);
    if (found) return { file, size: found.size };
    if (path.posix.extname(pathname)) return 'not-found';
    return { file: path.join(root, 'index.html'), size: index.size };
  }

  private securityHeaders(): Record<string, string> {
    return {
      'content-security-policy': this.contentSecurityPolicy(),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
    };
  }

  private send(
    res: ServerResponse,
    req: IncomingMessage,
    code: number,
    type: string,
    body: string,
    cache = 'no-store',
  ): void {
    res.writeHead(code, {
      ...this.securityHeaders(),
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'cache-control': cache,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

async function fileAt(file: string): Promise<{ size: number } | undefined> {
  const s = await stat(file).catch(() => undefined);
  return s?.isFile() ? { size: s.size } : undefined;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
};

/** The Content-Type for a file, by extension (nosniff makes this matter for scripts). */
export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Vite names built assets `name-<hash>.ext`: their content never changes under that name. */
export function isHashedAsset(file: string): boolean {
  return /[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(path.basename(file)) && /[\\/]assets[\\/]/.test(file);
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kubedesk</title></head>
<body><h1>Kubedesk</h1>
<p>The gateway is running, but the dashboard has not been built yet. Run <code>npm run build</code>, then reload this page.</p>
</body></html>
`;
