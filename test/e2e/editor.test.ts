/**
 * The manifest editor in real Chromium, against a real `kubedesk ui` (simulated runtime): a
 * manifest typed key by key shows the cluster's schema error as a marker, applies once fixed;
 * Diff shows an edit against the live object; a manifest with an apiVersion Kubernetes removed
 * (the book's `apps/v1beta1` Deployment) is converted in one click and applied.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable } from '../support/browser.js';
import {
  goToLineEnd,
  openDashboard,
  pageText,
  typeInEditor,
  type DashboardSession,
} from '../support/dashboard-session.js';

const skip = browserUnavailable();
if (skip) console.warn(`skipping the browser suite: ${skip}`);

const EDITOR = '/c/embedded/editor';
const BOOK = new URL('../../../shared/conformance/kubernetes-in-action/', import.meta.url);

/** Line 8 holds a string where the schema wants an integer. */
const TYPED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: typed
  labels:
    app: typed
spec:
  replicas: two
  selector:
    matchLabels:
      app: typed
  template:
    metadata:
      labels:
        app: typed
    spec:
      containers:
        - name: main
          image: nginx
`;

/**
 * Apply first reads each object, as `kubectl apply` does, to tell "created" from "configured":
 * a 404 there is the expected answer for a new object (Chromium still logs it).
 */
function withoutApplyLookups(problems: string[]): string[] {
  return problems.filter((p) => !/^404 \S+\/deployments\/(typed|kubia)$/.test(p));
}

describe.skipIf(skip)('the manifest editor in Chromium', { timeout: 120_000 }, () => {
  let session: DashboardSession;

  beforeAll(async () => {
    session = await openDashboard();
  }, 120_000);
  afterAll(async () => {
    await session?.close();
  }, 60_000);

  it('marks a schema error while typing, then applies the fixed manifest', async () => {
    const { page } = session;
    await session.open(EDITOR);
    await typeInEditor(page, TYPED);
    // The cluster's own schema (from /openapi/v3) says replicas is an integer.
    const squiggle = page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error');
    await squiggle.first().waitFor({ timeout: 20_000 });
    // Hovering the marked value shows the schema's message.
    await page
      .locator('.view-line', { hasText: 'replicas: two' })
      .locator('span', { hasText: /^two$/ })
      .hover();
    const hover = page.locator('.monaco-hover').filter({ hasText: 'Incorrect type' });
    await hover.first().waitFor({ timeout: 10_000 });
    expect(await hover.first().innerText()).toMatch(/Incorrect type\. Expected "integer"/);
    await session.shot('editor');

    await goToLineEnd(page, 8);
    for (let i = 0; i < 'two'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('2');
    await squiggle.first().waitFor({ state: 'detached', timeout: 20_000 });

    await page.locator('[data-testid=apply]').click();
    await expect.poll(() => pageText(page), { timeout: 20_000 }).toMatch(/deployment\.apps\/typed created/);
    const live = await session.ui.kubectl(['get', 'deployment', 'typed', '-o', 'jsonpath={.spec.replicas}']);
    expect(live.stdout).toBe('2');
    expect(withoutApplyLookups(session.takeProblems())).toEqual([]);
  });

  it('shows an edit against the live object in the diff editor', async () => {
    const { page } = session;
    await goToLineEnd(page, 19);
    await page.keyboard.type(':1.27');
    await page.locator('[data-testid=diff]').click();
    const diff = page.locator('[data-testid=diff-panel] .monaco-diff-editor');
    await diff.waitFor({ timeout: 20_000 });
    // The live object on the left, what applying would make of it on the right, the change
    // highlighted. (Monaco renders spaces as no-break spaces, which \s matches.)
    const original = diff.locator('.editor.original');
    const modified = diff.locator('.editor.modified');
    await expect.poll(() => modified.innerText(), { timeout: 10_000 }).toMatch(/image:\s+nginx:1\.27/);
    expect(await original.innerText()).toMatch(/image:\s+nginx\s/);
    expect(await original.innerText()).not.toMatch(/nginx:1\.27/);
    await expect.poll(() => modified.locator('.char-insert, .line-insert').count()).toBeGreaterThan(0);
    await session.shot('diff');
    expect(session.takeProblems()).toEqual([]);
  });

  it('converts the book’s apps/v1beta1 Deployment in one click, and the server accepts it', async () => {
    const { page } = session;
    const manifest = await readFile(new URL('Chapter09/kubia-deployment-v2.yaml', BOOK), 'utf8');
    await session.open(EDITOR);
    await typeInEditor(page, manifest);
    const banner = page.locator('[data-testid=deprecations]');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.innerText()).toMatch(/apps\/v1beta1/);
    await session.shot('deprecated-api');

    await banner.locator('[data-testid=convert]').first().click();
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    // apps/v1 requires spec.selector: the conversion takes it from the template's labels.
    const converted = await page.locator('.monaco-editor .view-lines').first().innerText();
    expect(converted).toMatch(/apiVersion:\s+apps\/v1\b/);
    expect(converted).toMatch(/selector:/);

    await page.locator('[data-testid=apply]').click();
    await expect.poll(() => pageText(page), { timeout: 20_000 }).toMatch(/deployment\.apps\/kubia created/);
    const live = await session.ui.kubectl([
      'get',
      'deployment',
      'kubia',
      '-o',
      'jsonpath={.spec.selector.matchLabels.app}',
    ]);
    expect(live.stdout).toBe('kubia');
    expect(withoutApplyLookups(session.takeProblems())).toEqual([]);
  });
});
