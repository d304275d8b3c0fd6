/**
 * The dashboard in real Chromium, in browser mode against a real `kubedesk ui` (simulated
 * runtime): it opens on the embedded cluster, breaks no Content-Security-Policy rule, and a
 * Deployment created with kubectl appears in the Pods table with its pods turning Running live.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, launchChromium, startUi, type UiProcess } from '../support/browser.js';
import { tempDir } from '../support/temp-dir.js';

const skip = browserUnavailable();
if (skip) console.warn(`skipping the browser suite: ${skip}`);

/**
 * Requests that may fail by design: the simulated node serves no metrics.k8s.io (the overview
 * then says "metrics not available"); a browser asks for a favicon.
 */
function expectedFailure(url: string): boolean {
  return /\/apis\/metrics\.k8s\.io\/|\/favicon\.ico$/.test(url);
}

/** Screenshots of the main views, shown in the README. */
const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

describe.skipIf(skip)('the dashboard in Chromium', { timeout: 90_000 }, () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let ui: UiProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    data = await tempDir('e2e');
    ui = await startUi(data.path);
    browser = await launchChromium(ui);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Chrome logs every failed fetch as a console error; those are judged by their URL below.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        problems.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !expectedFailure(response.url()))
        problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('pageerror', (error) => problems.push(String(error)));
    await mkdir(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    await data?.remove();
  }, 60_000);

  it('opens on the embedded cluster’s overview, with no script or CSP error', async () => {
    await page.goto(ui.url);
    await page.waitForURL(/#\/c\/embedded\/overview/, { timeout: 30_000 });
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.screenshot({ path: join(SHOTS, 'overview.png') });
    expect(problems).toEqual([]);
  });

  it('shows a Deployment’s pods appearing and turning Running, live', async () => {
    const created = await ui.kubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    expect(created.code).toBe(0);
    await page.goto(`${new URL(ui.url).origin}/#/c/embedded/r/core/v1/pods`);
    await expect
      .poll(
        async () => (await page.locator('body').innerText()).match(/web-[a-z0-9]+-[a-z0-9]+/g)?.length ?? 0,
        {
          timeout: 30_000,
        },
      )
      .toBeGreaterThanOrEqual(3);
    await expect
      .poll(async () => (await page.locator('body').innerText()).match(/Running/g)?.length ?? 0, {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: join(SHOTS, 'pods.png') });
    expect(problems).toEqual([]);
  });
});
