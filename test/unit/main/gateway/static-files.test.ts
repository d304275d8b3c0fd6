import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHashedAsset, StaticFiles } from '../../../../src-main/gateway/static-files.js';
import { tempDir } from '../../../support/temp-dir.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let built: Server;
let unbuilt: Server;

async function serve(files: StaticFiles): Promise<Server> {
  const server = createServer((req, res) => void files.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const base = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  dir = await tempDir('static');
  await mkdir(path.join(dir.path, 'renderer', 'assets'), { recursive: true });
  await writeFile(path.join(dir.path, 'renderer', 'index.html'), '<!doctype html><p>app');
  await writeFile(path.join(dir.path, 'renderer', 'assets', 'index-BQ3x9aZ1.js'), 'console.log(1)');
  await writeFile(path.join(dir.path, 'secret.txt'), 'outside the build');
  built = await serve(new StaticFiles(path.join(dir.path, 'renderer'), () => 4321));
  unbuilt = await serve(new StaticFiles(path.join(dir.path, 'nothing-here'), () => 4321));
});

afterAll(async () => {
  for (const server of [built, unbuilt]) await new Promise((resolve) => server?.close(resolve));
  await dir?.remove();
});

describe('StaticFiles', () => {
  it('serves index.html with the CSP and security headers', async () => {
    const res = await fetch(`${base(built)}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('app');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4321 ws://localhost:4321");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("worker-src 'self' blob:");
  });

  it('serves hashed assets with their type and long caching', async () => {
    const res = await fetch(`${base(built)}/assets/index-BQ3x9aZ1.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(isHashedAsset('/out/renderer/index.html')).toBe(false);
  });

  it('falls back to index.html for app routes, but not for missing files', async () => {
    const route = await fetch(`${base(built)}/clusters-view/pods?x=1`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('app');
    expect((await fetch(`${base(built)}/assets/missing-12345678.js`)).status).toBe(404);
  });

  it('never serves files outside the build', async () => {
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/%00',
    ]) {
      const res = await fetch(`${base(built)}${p}`);
      expect(await res.text()).not.toContain('outside the build');
    }
  });

  it('says how to build when there is no build', async () => {
    const res = await fetch(`${base(unbuilt)}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('npm run build');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
