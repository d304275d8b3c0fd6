/**
 * `npm run bench -- ui`: the dashboard in real Chromium (browser mode, Debian's chromium through
 * playwright-core) against a real `kubedesk ui` — gateway, supervised `kubedesk serve`, simulated
 * node — holding 10,000 pods in one namespace. No peer runs here (Lens and Headlamp cannot be
 * installed offline); the absolute targets are judged.
 *
 * Phases, one after another (never two heavy things at once; two cores):
 *  1. load: a cluster driver next to the API server (ui/cluster-driver.ts) creates the pods, bound
 *     to the node, 32 requests in flight, and waits until all are Running;
 *  2. first render, warm: from the overview (app shell loaded), click "Pods" in the navigation;
 *     until a pod row is in the DOM. Median of several; then the time until all rows are listed;
 *  3. scrolling: the table moves a fixed distance every animation frame; frames per second;
 *  4. watch event → DOM: status patches at 200/s to the rows in view; per change, from the moment a
 *     plain watch of the driver's saw the event to the moment the row's STATUS cell showed it;
 *  5. the renderer's JS heap after a forced GC, and the gateway's and cluster's RSS;
 *  6. first render, cold: a fresh page load straight into the Pods view (last: see the README on
 *     what a deep link does to the page's watches).
 *
 * With `KUBEDESK_BENCH_PROFILE=1`, phases 2, 3 and 4 run under the V8 profiler and the log lists
 * their hottest functions (self time).
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserUnavailable, CHROMIUM, startUi, type UiProcess } from '../support/browser.js';
import { tempDir } from '../support/temp-dir.js';
import type { MetricResult, Suite, SuiteContext, SuiteReport } from './runner.js';
import { DashboardPage } from './ui/dashboard-page.js';
import { DriverClient } from './ui/driver-client.js';
import { changeLatencies } from './ui/latency.js';
import { cpuMs, rssMb, uiProcesses } from './ui/processes.js';
import { describeThreadTime, heapAfterGc, profileHotspots, withThreadTime } from './ui/renderer-metrics.js';
import { frameRate, median, percentile } from './ui/stats.js';

const FULL = { pods: 10_000, warmRuns: 5, scrollMs: 5000, churnSeconds: 10 };
const QUICK = { pods: 1000, warmRuns: 3, scrollMs: 3000, churnSeconds: 5 };
const NAMESPACE = 'bench';
const CHURN_RATE = 200;
/** Rows in view that take the patches: 20 pods, each changed every 100 ms at 200/s. */
const CHURN_PODS = 20;
/** Scrolling: px per frame, a fast flick (~3.6 rows a frame, 6,000 px/s at 60 fps). */
const SCROLL_PX = 100;
/** Dragging the scrollbar: a new screenful every frame. */
const JUMP_PX = 1000;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Why the suite cannot run, with the command that fixes it. */
function prerequisites(): string | undefined {
  const rendererDir = process.env.KUBEDESK_RENDERER_DIR ?? join(ROOT, 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    return `the dashboard is not built (${rendererDir}/index.html is missing): run \`npm run build\` (or \`node scripts/build-renderer.mjs\`)`;
  }
  if (!existsSync(CHROMIUM)) return `Chromium is not installed (${CHROMIUM}): apt-get install -y chromium`;
  return browserUnavailable();
}

const fmt = (ms: number) => ms.toFixed(1);

export const uiSuite: Suite = {
  description: 'the dashboard in Chromium against `kubedesk ui`, pods on the simulated runtime',
  async run({ quick, log }: SuiteContext): Promise<SuiteReport> {
    const missing = prerequisites();
    if (missing) throw new Error(missing);
    const config = quick ? QUICK : FULL;
    const count = config.pods.toLocaleString('en-US');
    const profile = process.env.KUBEDESK_BENCH_PROFILE === '1';
    const loadBefore = loadavg()[0]!;
    log(`load average ${loadBefore.toFixed(1)} on ${cpus().length} cores before starting`);

    const data = await tempDir('ui-bench');
    let ui: UiProcess | undefined;
    let driver: DriverClient | undefined;
    let dashboard: DashboardPage | undefined;
    try {
      ui = await startUi(data.path, 'simulated');
      log(`kubedesk ui at ${new URL(ui.url).origin}${ui.netns ? ' (own network namespace)' : ''}`);
      driver = DriverClient.start(ui);
      const loaded = await driver.load({ namespace: NAMESPACE, count: config.pods, concurrency: 32 });
      log(
        `${count} pods created in ${(loaded.createMs / 1000).toFixed(1)} s ` +
          `(${((config.pods / loaded.createMs) * 1000).toFixed(0)}/s), all Running after ${(loaded.runningMs / 1000).toFixed(1)} s`,
      );

      dashboard = await DashboardPage.open(ui);
      const page = dashboard;
      // Let the overview's own lists finish before timing anything.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const phase = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
        const started = performance.now();
        const measured = profile
          ? await withThreadTime(page.cdp, () => profileHotspots(page.cdp, run))
          : await withThreadTime(page.cdp, async () => ({ result: await run(), hotspots: [] }));
        log(`${name}: ${describeThreadTime(measured.time, performance.now() - started)}`);
        for (const line of measured.result.hotspots) log(`  ${line}`);
        return measured.result.result;
      };

      // 2. First render from the overview, then the whole list.
      const warm: number[] = [];
      const listed: number[] = [];
      for (let run = 0; run < config.warmRuns; run++) {
        const opened = await phase(`open Pods, run ${run + 1}`, () => page.openPodsWarm());
        const started = performance.now();
        await page.until(`window.__uiBench.rowCount() >= ${config.pods}`, 120_000, `${count} rows`);
        const all = opened.ms + performance.now() - started;
        warm.push(opened.ms);
        listed.push(all);
        log(
          `open Pods, run ${run + 1}: first row in the DOM after ${fmt(opened.ms)} ms (next frame ${fmt(opened.frameMs)} ms` +
            `${opened.viaLink ? '' : ', by hash: no navigation link found'}), all ${count} rows after ~${all.toFixed(0)} ms`,
        );
        // The last run leaves the Pods view open for the phases below.
        if (run < config.warmRuns - 1) await page.backToOverview();
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }

      // 3. Scrolling.
      const flick = frameRate(await phase('scrolling', () => page.scroll(config.scrollMs, SCROLL_PX)));
      log(
        `scrolling ${SCROLL_PX} px/frame: ${flick.fps.toFixed(1)} fps, longest frame ${fmt(flick.worstMs)} ms`,
      );
      const jump = frameRate(await phase('scrollbar drag', () => page.scroll(config.scrollMs, JUMP_PX)));
      log(`scrolling ${JUMP_PX} px/frame: ${jump.fps.toFixed(1)} fps, longest frame ${fmt(jump.worstMs)} ms`);

      // 4. Watch events into the rows in view.
      await page.scrollToTop();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const inView = (await page.visibleNames()).filter((name) => /^pod-\d+$/.test(name));
      const pods = inView.slice(0, CHURN_PODS);
      if (pods.length === 0) throw new Error('no bench pod row is in view');
      const pids = uiProcesses(ui.child.pid!);
      const cpuBefore = [pids.gateway, pids.cluster].map((pid) => (pid === undefined ? NaN : cpuMs(pid)));
      const churnStarted = performance.now();
      const statusColumn = await page.startStatusWatch();
      if (statusColumn < 0) throw new Error('the Pods table has no STATUS column');
      const churn = await phase('watch events', () =>
        driver!.churn({ namespace: NAMESPACE, pods, rate: CHURN_RATE, seconds: config.churnSeconds }),
      );
      const elapsed = performance.now() - churnStarted;
      const [gatewayCpu, clusterCpu] = [pids.gateway, pids.cluster].map((pid, i) =>
        pid === undefined ? NaN : ((cpuMs(pid) - cpuBefore[i]!) / elapsed) * 100,
      );
      log(
        `CPU while patching, in % of one core: gateway ${gatewayCpu!.toFixed(0)} %, cluster ${clusterCpu!.toFixed(0)} %`,
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { seen, arrivals } = await page.stopStatusWatch();
      const latency = changeLatencies(churn.sends, seen, arrivals);
      const acks = churn.sends.filter((s) => s.ackAt !== undefined).map((s) => s.ackAt! - s.sentAt);
      const served = churn.sends.filter((s) => s.seenAt !== undefined).map((s) => s.seenAt! - s.sentAt);
      log(
        `${churn.sends.length} patches at ${CHURN_RATE}/s to ${pods.length} rows in view (${churn.failed} failed, ` +
          `at most ${churn.maxInFlight} in flight); API server: answer p50 ${fmt(percentile(acks, 50))} / p99 ` +
          `${fmt(percentile(acks, 99))} ms, event at a plain watcher p50 ${fmt(percentile(served, 50))} / p99 ${fmt(percentile(served, 99))} ms`,
      );
      const delivered = churn.sends.filter((s) => s.seenAt !== undefined).map((s) => s.seenAt!);
      const deliveredRate = (delivered.length / (Math.max(...delivered) - Math.min(...delivered))) * 1000;
      const p = (values: number[]) =>
        `p50 ${fmt(percentile(values, 50))} / p99 ${fmt(percentile(values, 99))} ms`;
      log(
        `events reached the plain watcher at ${deliveredRate.toFixed(0)}/s. Stages of event → DOM: API server, plain → ` +
          `Table watch ${p(latency.eventToTable)}; Table watch → page's WebSocket (gateway) ${p(latency.tableToSocket)}; ` +
          `WebSocket → DOM (renderer) ${p(latency.socketToDom)}`,
      );
      log(
        `event → DOM: p50 ${fmt(percentile(latency.fromEvent, 50))}, p99 ${fmt(percentile(latency.fromEvent, 99))}, ` +
          `max ${fmt(Math.max(...latency.fromEvent))} ms; patch → DOM p50 ${fmt(percentile(latency.fromSend, 50))}, ` +
          `p99 ${fmt(percentile(latency.fromSend, 99))} ms; ${seen.length} DOM changes seen, ${latency.missing} changes never shown`,
      );

      // 5. Memory.
      const heap = await heapAfterGc(page.cdp);
      const gatewayRss = pids.gateway === undefined ? NaN : rssMb(pids.gateway);
      const clusterRss = pids.cluster === undefined ? NaN : rssMb(pids.cluster);
      log(
        `renderer JS heap ${heap.toFixed(1)} MB after GC; RSS: gateway (pid ${pids.gateway}) ${gatewayRss.toFixed(0)} MB, ` +
          `cluster (pid ${pids.cluster}) ${clusterRss.toFixed(0)} MB`,
      );
      const loadAfter = loadavg()[0]!;
      log(`load average ${loadAfter.toFixed(1)} at the end`);

      // 6. Last, as it leaves the page in a state of its own: a fresh load into the Pods view.
      const cold = await page.openPodsCold(60_000);
      log(
        `fresh load of the Pods view: first row after ${fmt(cold.at)} ms from navigation start (next frame ${fmt(cold.frameAt)} ms)`,
      );
      const coldListed = await page
        .until(`window.__uiBench.rowCount() >= ${config.pods}`, 20_000, `${count} rows`)
        .then(
          () => true,
          () => false,
        );
      if (!coldListed) {
        log(
          `after the fresh load only ${await page.rowCount()} of ${count} rows arrived within 20 s: the list's next page ` +
            "is queued behind the browser's six connections, held by watches streamed over fetch (see the README)",
        );
      }

      const quickNote = quick ? ' (quick: 1,000 pods; targets are for 10,000)' : '';
      const metrics: MetricResult[] = [
        {
          metric: `first render, Pods view, ${count} pods`,
          unit: 'ms',
          better: 'lower',
          value: median(warm),
          peerValue: null,
          target: { kind: 'absolute', op: '<=', threshold: 1000 },
        },
        {
          metric: `first render, fresh page load, ${count} pods`,
          unit: 'ms',
          better: 'lower',
          value: cold.at,
          peerValue: null,
        },
        {
          metric: `all ${count} rows listed`,
          unit: 'ms',
          better: 'lower',
          value: median(listed),
          peerValue: null,
        },
        {
          metric: `watch event → DOM p99 at ${CHURN_RATE} events/s`,
          unit: 'ms',
          better: 'lower',
          value: percentile(latency.fromEvent, 99),
          peerValue: null,
          target: { kind: 'absolute', op: '<=', threshold: 100 },
        },
        {
          metric: `patch → DOM p99 at ${CHURN_RATE} events/s (incl. API server)`,
          unit: 'ms',
          better: 'lower',
          value: percentile(latency.fromSend, 99),
          peerValue: null,
        },
        {
          metric: `scrolling fps, ${count} rows`,
          unit: 'fps',
          better: 'higher',
          value: flick.fps,
          peerValue: null,
          target: { kind: 'absolute', op: '>=', threshold: 50 },
        },
        {
          metric: `scrolling fps, a screenful per frame`,
          unit: 'fps',
          better: 'higher',
          value: jump.fps,
          peerValue: null,
        },
        {
          metric: `renderer JS heap, ${count} pods`,
          unit: 'MB',
          better: 'lower',
          value: heap,
          peerValue: null,
          target: { kind: 'absolute', op: '<=', threshold: 300 },
        },
        {
          metric: `gateway RSS, ${count} pods`,
          unit: 'MB',
          better: 'lower',
          value: gatewayRss,
          peerValue: null,
        },
        {
          metric: `cluster RSS, ${count} pods`,
          unit: 'MB',
          better: 'lower',
          value: clusterRss,
          peerValue: null,
        },
      ];
      const footnotes = [
        `Chromium (${CHROMIUM}, headless, software rendering) at 1400×900 against \`kubedesk ui --runtime simulated\`${quickNote}. ` +
          'First render: from clicking "Pods" on the overview until a pod row is in the DOM (median of ' +
          `${config.warmRuns}); fresh load: from navigation start. Timed in the page.`,
        `Watch event → DOM: ${CHURN_RATE} status patches/s for ${config.churnSeconds} s to ${CHURN_PODS} rows in view; from a plain ` +
          'watcher next to the API server seeing the event to the row showing it (or a later change of the same pod), ' +
          "including the gateway and the informer's once-per-frame batching. Patch → DOM adds the API server's write.",
        `Scrolling: ${SCROLL_PX} px (and ${JUMP_PX} px) per animation frame for ${config.scrollMs / 1000} s; heap: JSHeapUsedSize after a forced GC; ` +
          'RSS: VmRSS of the `kubedesk ui` process (gateway) and of its `kubedesk serve` child (cluster).',
      ];
      const busiest = Math.max(loadBefore, loadAfter);
      if (busiest > cpus().length) {
        footnotes.push(
          `The machine was busy (load average up to ${busiest.toFixed(1)} on ${cpus().length} cores): other work shared the CPU with the run.`,
        );
      }
      return { suite: 'ui', peer: null, metrics, footnotes };
    } finally {
      await dashboard?.close().catch(() => {});
      await driver?.stop().catch(() => {});
      await ui?.stop().catch(() => {});
      await data.remove();
    }
  },
};
