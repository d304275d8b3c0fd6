import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium, type UiProcess } from '../../support/browser.js';
import type { DomObservation, SocketArrival } from './latency.js';
import { PAGE_PROBE } from './page-probe.js';

export const PODS_HREF = '#/c/embedded/r/core/v1/pods';
const OVERVIEW_HREF = '#/c/embedded/overview';

/**
 * The dashboard in Chromium, for the `ui` suite: one page (1400 × 900, the e2e suite's size) with
 * the in-page probe (page-probe.ts) installed, and the moves the suite makes on it. Everything
 * timed is timed inside the page; Playwright only starts things and collects the results.
 * Waiting polls `page.evaluate` (an expression over CDP) because the dashboard's CSP forbids the
 * `eval` that `page.waitForFunction` needs.
 */
export class DashboardPage {
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    readonly cdp: CDPSession,
    private readonly origin: string,
  ) {}

  /** Chromium on `ui`'s launch URL (which sets the token cookie), settled on the overview. */
  static async open(ui: UiProcess): Promise<DashboardPage> {
    const browser = await launchChromium(ui);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.addInitScript(PAGE_PROBE);
      await page.goto(ui.url);
      await page.waitForURL(/#\/c\/embedded\/overview/, { timeout: 60_000 });
      const cdp = await page.context().newCDPSession(page);
      return new DashboardPage(browser, page, cdp, new URL(ui.url).origin);
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  close(): Promise<void> {
    return this.browser.close();
  }

  /** Poll `expression` in the page until it is truthy. */
  async until(expression: string, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.page.evaluate(expression))) {
      if (Date.now() > deadline)
        throw new Error(`the dashboard did not get there in ${timeoutMs} ms: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  rowCount(): Promise<number> {
    return this.page.evaluate('window.__uiBench.rowCount()') as Promise<number>;
  }

  /** From the overview, click the navigation's Pods link: ms until a pod row is in the DOM. */
  openPodsWarm(): Promise<{ ms: number; frameMs: number; viaLink: boolean }> {
    return this.page.evaluate(`window.__uiBench.openPods(${JSON.stringify(PODS_HREF)})`) as Promise<{
      ms: number;
      frameMs: number;
      viaLink: boolean;
    }>;
  }

  async backToOverview(): Promise<void> {
    await this.page.evaluate(`location.hash = '${OVERVIEW_HREF}'`);
    await this.page.waitForURL(/#\/c\/embedded\/overview/);
  }

  /**
   * A fresh page load straight into the Pods view (from about:blank, so it is a real load and not
   * a same-document hash change): ms from the navigation's start until a pod row is in the DOM.
   */
  async openPodsCold(timeoutMs: number): Promise<{ at: number; frameAt: number }> {
    await this.page.goto('about:blank');
    await this.page.goto(`${this.origin}/${PODS_HREF}`);
    await this.until('window.__uiBench.firstRow', timeoutMs, 'a pod row after a fresh load');
    return (await this.page.evaluate('window.__uiBench.firstRow')) as { at: number; frameAt: number };
  }

  async scrollToTop(): Promise<void> {
    await this.page.evaluate(`document.querySelector('[data-test=resource-table]').scrollTop = 0`);
  }

  visibleNames(): Promise<string[]> {
    return this.page.evaluate('window.__uiBench.visibleNames()') as Promise<string[]>;
  }

  /** Animation-frame timestamps while the table moves `px` per frame for `ms`. */
  scroll(ms: number, px: number): Promise<number[]> {
    return this.page.evaluate(`window.__uiBench.scroll(${ms}, ${px})`) as Promise<number[]>;
  }

  /** Start recording STATUS changes of shown rows; returns the STATUS column's index (-1: none). */
  startStatusWatch(): Promise<number> {
    return this.page.evaluate('window.__uiBench.startStatusWatch()') as Promise<number>;
  }

  /** What the page saw since `startStatusWatch`: DOM changes, and arrivals on the watch WebSocket. */
  stopStatusWatch(): Promise<{ seen: DomObservation[]; arrivals: SocketArrival[] }> {
    return this.page.evaluate('window.__uiBench.stopStatusWatch()') as Promise<{
      seen: DomObservation[];
      arrivals: SocketArrival[];
    }>;
  }
}
