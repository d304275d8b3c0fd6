/**
 * One dashboard in real Chromium for an end-to-end suite: a `kubedesk ui` of its own (see
 * browser.ts), a page that has opened the launch URL (so it holds the session cookie), and a
 * record of what went wrong in the page: script errors, console errors, failed requests. A suite
 * asserts that record is empty after each step, so nothing fails silently.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startUi, type UiProcess } from './browser.js';
import { tempDir } from './temp-dir.js';

/** Where the suites save screenshots of the main views (shown in the README). */
export const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/**
 * Requests that may fail by design: the simulated node serves no metrics.k8s.io (the overview
 * then says "metrics not available"); a browser asks for a favicon.
 */
function expectedFailure(url: string): boolean {
  return /\/apis\/metrics\.k8s\.io\/|\/favicon\.ico$/.test(url);
}

export interface DashboardSession {
  ui: UiProcess;
  browser: Browser;
  page: Page;
  /** The page's origin, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  /** Script errors, console errors and failed requests seen since the last {@link takeProblems}. */
  problems: string[];
  /** While true, failed requests are not recorded (a suite that takes the API away on purpose). */
  tolerateFailures: boolean;
  /** Opens a route of the dashboard, e.g. `/c/embedded/editor`. */
  open(route: string): Promise<void>;
  /** Saves a screenshot as docs/screenshots/<name>.png. */
  shot(name: string): Promise<void>;
  /** Returns the problems seen so far and forgets them. */
  takeProblems(): string[];
  close(): Promise<void>;
}

export async function openDashboard(
  runtime: 'simulated' | 'docker' = 'simulated',
): Promise<DashboardSession> {
  const data = await tempDir('e2e');
  const ui = await startUi(data.path, runtime);
  const browser = await launchChromium(ui);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const session: DashboardSession = {
    ui,
    browser,
    page,
    origin: new URL(ui.url).origin,
    problems: [],
    tolerateFailures: false,
    open: async (route) => {
      await page.goto(`${session.origin}/#${route}`);
    },
    shot: async (name) => {
      await mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
    },
    takeProblems: () => session.problems.splice(0),
    close: async () => {
      await browser.close().catch(() => {});
      await ui.stop();
      await data.remove();
    },
  };
  // Chrome logs every failed fetch as a console error; those are judged by their URL below.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      session.problems.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !expectedFailure(response.url()) && !session.tolerateFailures)
      session.problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => session.problems.push(String(error)));
  await page.goto(ui.url);
  await page.waitForURL(/#\/c\/embedded\/overview/, { timeout: 30_000 });
  return session;
}

/** The visible text of the page (what a user reads). */
export function pageText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

/**
 * Types YAML into the manifest editor as a user would, key by key. Monaco indents each new line
 * itself; the line's own indentation replaces that, so the text ends up exactly as given.
 */
export async function typeInEditor(page: Page, text: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  for (const [i, line] of text.trimEnd().split('\n').entries()) {
    if (i > 0) {
      await page.keyboard.press('Enter');
      await page.keyboard.press('Shift+Home');
    }
    await page.keyboard.type(line);
  }
  // Closes a suggestion widget the last keys may have opened.
  await page.keyboard.press('Escape');
}

/** Moves the editor's cursor to the end of a 1-based line. */
export async function goToLineEnd(page: Page, line: number): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
}
