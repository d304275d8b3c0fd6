/**
 * A lock on something the whole host shares, across test files running in parallel: e.g. the
 * kernel's iptables chains, which one kube-proxy at a time may own. The lock is a file holding
 * the owner's pid; a file whose process is gone is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for the lock `name` (up to `timeoutMs`), then holds it until the returned release is called. */
export async function acquireHostLock(name: string, timeoutMs = 300_000): Promise<() => void> {
  const path = join(tmpdir(), `kubedesk-test-${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(path, 'utf8'));
      } catch {
        continue; // released meanwhile
      }
      if (!Number.isInteger(owner) || !alive(owner)) {
        rmSync(path, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`host lock ${name} still held by pid ${owner}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
