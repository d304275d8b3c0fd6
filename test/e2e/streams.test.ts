/**
 * Logs and terminals in real Chromium, against a real `kubedesk ui` whose pods are Docker
 * containers (busybox from `npm run images`): a pod's logs follow new lines as they are written,
 * and a terminal opened from the pod runs `echo` in the container, shows its output, and shows
 * the exit code when the shell ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable } from '../support/browser.js';
import { openDashboard, type DashboardSession } from '../support/dashboard-session.js';
import { dockerUnavailable } from '../support/docker.js';

const skip = browserUnavailable() ?? (await dockerUnavailable());
if (skip) console.warn(`skipping the browser suite on Docker: ${skip}`);

const POD = '/c/embedded/r/core/v1/pods/default/ticker';

/** The highest `tick-N` the log viewer shows. */
async function lastTick(session: DashboardSession): Promise<number> {
  const text = await session.page.locator('.log-panel').innerText();
  return Math.max(0, ...[...text.matchAll(/tick-(\d+)/g)].map((m) => Number(m[1])));
}

describe.skipIf(skip)('logs and terminals in Chromium, on Docker', { timeout: 120_000 }, () => {
  let session: DashboardSession;

  beforeAll(async () => {
    session = await openDashboard('docker');
    const run = await session.ui.kubectl([
      'run',
      'ticker',
      '--image=busybox:1.36',
      '--image-pull-policy=IfNotPresent',
      '--restart=Never',
      '--',
      'sh',
      '-c',
      'i=0; while true; do i=$((i+1)); echo "tick-$i"; sleep 0.5; done',
    ]);
    expect(run.stderr).toBe('');
    const ready = await session.ui.kubectl(['wait', '--for=condition=Ready', 'pod/ticker', '--timeout=90s']);
    expect(ready.stderr).toBe('');
  }, 180_000);
  afterAll(async () => {
    await session?.ui.kubectl(['delete', 'pod', 'ticker', '--grace-period=0', '--force']);
    await session?.close();
  }, 60_000);

  it('follows a pod’s log as new lines are written', async () => {
    await session.open(`${POD}?tab=logs`);
    await expect.poll(() => lastTick(session), { timeout: 30_000 }).toBeGreaterThan(0);
    const first = await lastTick(session);
    // Written after the view opened: they arrive over the follow stream, with no reload.
    await expect.poll(() => lastTick(session), { timeout: 20_000 }).toBeGreaterThanOrEqual(first + 4);
    await session.shot('logs');
    expect(session.takeProblems()).toEqual([]);
  });

  it('runs echo in a terminal, and shows the exit code when the shell ends', async () => {
    const { page } = session;
    await session.open(POD);
    await page.locator('[data-testid=open-terminal]').click();
    const status = page.locator('[data-testid=terminal-status]').first();
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toMatch(/connected/);
    await page.locator('[data-testid=terminal-host] .xterm').first().click();
    // The shell expands $((6*7)), so the output differs from the echoed command line.
    await page.keyboard.type('echo kube$((6*7))desk\r');
    const rows = page.locator('[data-testid=terminal-host] .xterm-rows').first();
    await expect.poll(() => rows.innerText(), { timeout: 20_000 }).toMatch(/^kube42desk$/m);
    await session.shot('terminal');
    await page.keyboard.type('exit 3\r');
    await expect.poll(() => status.innerText(), { timeout: 20_000 }).toMatch(/exited with code 3/);
    expect(session.takeProblems()).toEqual([]);
  });
});
