/**
 * The dashboard in real Chromium, in browser mode against a real `kubedesk ui` (simulated
 * runtime): it opens on the embedded cluster with no script or CSP error; a Deployment created
 * with kubectl appears in the Pods table and its pods turn Running live; deleting it empties the
 * table; when the API goes away the banner says so, and when it is back the tables catch up with
 * what changed meanwhile.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable } from '../support/browser.js';
import { openDashboard, pageText, type DashboardSession } from '../support/dashboard-session.js';

const skip = browserUnavailable();
if (skip) console.warn(`skipping the browser suite: ${skip}`);

const PODS = '/c/embedded/r/core/v1/pods';

/** How many times a pattern occurs in the page's text. */
async function count(session: DashboardSession, pattern: RegExp): Promise<number> {
  return (await pageText(session.page)).match(new RegExp(pattern, 'g'))?.length ?? 0;
}

/** The `kubedesk serve` processes under `pid` (the supervised cluster), deepest last. */
function clusterProcesses(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const visit = (parent: number): void => {
    for (const child of children.get(parent) ?? []) {
      const cmdline = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
      if (cmdline.includes('serve')) found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

describe.skipIf(skip)('the dashboard in Chromium', { timeout: 120_000 }, () => {
  let session: DashboardSession;

  beforeAll(async () => {
    session = await openDashboard();
  }, 120_000);
  afterAll(async () => {
    await session?.close();
  }, 60_000);

  it('opens on the embedded cluster’s overview, with no script or CSP error', async () => {
    await session.page.waitForLoadState('networkidle').catch(() => {});
    await session.shot('overview');
    expect(session.takeProblems()).toEqual([]);
  });

  it('shows a Deployment’s pods appearing and turning Running, live', async () => {
    const created = await session.ui.kubectl([
      'create',
      'deployment',
      'web',
      '--image=nginx',
      '--replicas=3',
    ]);
    expect(created.code).toBe(0);
    await session.open(PODS);
    await expect.poll(() => count(session, /web-[a-z0-9]+-[a-z0-9]+/), { timeout: 30_000 }).toBe(3);
    await expect.poll(() => count(session, /Running/), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    await session.shot('pods');
    expect(session.takeProblems()).toEqual([]);
  });

  it('empties the table when the Deployment is deleted', async () => {
    const deleted = await session.ui.kubectl(['delete', 'deployment', 'web', '--wait=false']);
    expect(deleted.code).toBe(0);
    await expect.poll(() => count(session, /web-[a-z0-9]+-[a-z0-9]+/), { timeout: 30_000 }).toBe(0);
    expect(session.takeProblems()).toEqual([]);
  });

  it('shows a banner while the API is away, and catches up with what changed meanwhile', async () => {
    await session.ui.kubectl(['create', 'deployment', 'before', '--image=nginx', '--replicas=2']);
    await expect.poll(() => count(session, /before-[a-z0-9]+-[a-z0-9]+/), { timeout: 30_000 }).toBe(2);

    session.tolerateFailures = true;
    const cluster = clusterProcesses(session.ui.child.pid!);
    expect(cluster.length).toBeGreaterThan(0);
    for (const pid of cluster) process.kill(pid, 'SIGKILL');
    const banner = session.page.locator('[data-test=connection-banner]');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.innerText()).toMatch(/Lost connection to .*embedded/i);
    await session.shot('disconnected');

    // The supervisor restarts the cluster; change things as soon as the API answers, likely
    // before the page has reconnected: the page must still see all of it.
    await expect
      .poll(async () => (await session.ui.kubectl(['get', 'namespaces'])).code, { timeout: 60_000 })
      .toBe(0);
    expect((await session.ui.kubectl(['delete', 'deployment', 'before', '--wait=false'])).code).toBe(0);
    expect(
      (await session.ui.kubectl(['create', 'deployment', 'after', '--image=nginx', '--replicas=2'])).code,
    ).toBe(0);

    await banner.waitFor({ state: 'detached', timeout: 60_000 });
    session.tolerateFailures = false;
    await expect.poll(() => count(session, /after-[a-z0-9]+-[a-z0-9]+/), { timeout: 30_000 }).toBe(2);
    await expect.poll(() => count(session, /before-[a-z0-9]+-[a-z0-9]+/), { timeout: 30_000 }).toBe(0);
    // Script errors are never tolerated; failed requests were, while the API was away.
    expect(session.takeProblems().filter((p) => !/^5\d\d /.test(p))).toEqual([]);
  });
});
