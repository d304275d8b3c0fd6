/**
 * scripts/dist.mjs's preflight: with no Electron given or cached and its download host
 * unreachable (both mirrors point at a closed local port, every cache at an empty directory), it
 * stops before building, with one line that names what is missing and the way forward.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../scripts/dist.mjs', import.meta.url));
const empty = mkdtempSync(join(tmpdir(), 'kubedesk-dist-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

function dist(...args: string[]) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: empty,
    XDG_CACHE_HOME: empty,
    LOCALAPPDATA: empty,
    ELECTRON_CACHE: empty,
    ELECTRON_BUILDER_CACHE: empty,
    ELECTRON_MIRROR: 'http://127.0.0.1:1/',
    ELECTRON_BUILDER_BINARIES_MIRROR: 'http://127.0.0.1:1/',
  };
  return spawnSync(process.execPath, [script, ...args], { env, encoding: 'utf8', timeout: 30_000 });
}

describe('npm run dist without Electron or network', () => {
  it('names the missing Electron binary and how to give one, in one line, exit 1', () => {
    const run = dist('--linux', '--x64');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(''); // nothing built
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^kubedesk dist: Electron \d+\.\d+\.\d+'s binary \(electron-v[\d.]+-linux-x64\.zip\)/,
    );
    expect(lines[0]).toContain('127.0.0.1:1 cannot be reached');
    expect(lines[0]).toContain('npm run dist -- -c.electronDist=');
  });

  it('with a local Electron, names the installer tools it cannot download, and offers --dir', () => {
    const run = dist('--linux', 'deb', `-c.electronDist=${empty}`);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kubedesk dist: the installers need electron-builder's tools/);
    expect(lines[0]).toContain('npm run dist -- --dir');
  });
});
