/**
 * The network bench's endpoint-change phase: with two ready backends behind a Service and a
 * request leaving every few milliseconds — each on a new connection, since an established
 * connection stays with its pod in Kubernetes too (conntrack keeps it; only new connections are
 * balanced) — pod A is made unready (`rm` of its readiness file), and the phase times how long
 * traffic keeps reaching A after the EndpointSlice says it is not ready, and after the `rm`.
 *
 * "Traffic reaching A" is judged by send time: the last request that A answered was sent at
 * `lastA`; "moved" is `lastA − sliceNotReady`. It can be slightly negative: kube-proxy's informer
 * may see the change before the bench's own watch does.
 */
import { request } from 'node:http';
import type { SliceWatcher } from './slice-watcher.js';

export interface EndpointChangeOptions {
  /** Where requests go (the cluster IP's port, or a NodePort on 127.0.0.1). */
  host: string;
  port: number;
  podA: string;
  podB: string;
  slices: SliceWatcher;
  /** Take A out: remove its readiness file. */
  makeUnready(): Promise<void>;
  /** Put A back. */
  makeReady(): Promise<void>;
  intervalMs: number;
  /** Traffic counts as moved once A has answered nothing for this long after the slice change. */
  quietMs: number;
  log(message: string): void;
}

export interface EndpointChangeRun {
  /** From the slice watch seeing A not ready to the send time of A's last answer. */
  sliceToMovedMs: number;
  /** From the `rm` having returned to the same. */
  rmToMovedMs: number;
  /** From the `rm` having returned to the slice watch seeing A not ready. */
  rmToSliceMs: number;
  /** How long the `rm` (an exec) took. */
  rmExecMs: number;
}

interface Answer {
  sentAt: number;
  pod: string;
}

/** Open loop: one GET every `intervalMs` on a new connection, each answer's pod recorded. */
class Prober {
  readonly answers: Answer[] = [];
  errors = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.once(), intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }

  /** Send time of the last request that `pod` answered (-Infinity if none). */
  lastFrom(pod: string): number {
    return this.answers.reduce((last, a) => (a.pod === pod && a.sentAt > last ? a.sentAt : last), -Infinity);
  }

  private once(): void {
    const sentAt = performance.now();
    const done = new Promise<void>((resolve) => {
      const req = request(
        { host: this.host, port: this.port, path: '/', agent: false, timeout: 2000 },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            const pod = /^You've hit (\S+)/.exec(body)?.[1];
            if (pod) this.answers.push({ sentAt, pod });
            else this.errors++;
            resolve();
          });
          res.on('error', () => resolve());
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        this.errors++;
        resolve();
      });
      req.end();
    });
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait (bounded) until `check()` holds, looking every 20 ms. */
async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** One take-out of pod A, timed; A is ready and answering again when it resolves. */
export async function endpointChange(options: EndpointChangeOptions): Promise<EndpointChangeRun> {
  const { podA, podB, slices } = options;
  await slices.until(() => slices.ready(podA) && slices.ready(podB));
  const prober = new Prober(options.host, options.port);
  prober.start(options.intervalMs);
  try {
    // Both backends take traffic before anything changes.
    const since = performance.now();
    await waitFor(`answers from ${podA} and ${podB}`, () =>
      [podA, podB].every((pod) => prober.lastFrom(pod) > since),
    );

    const rmStart = performance.now();
    await options.makeUnready();
    const rmDone = performance.now();
    const sliceAt = await slices.until(() => !slices.ready(podA));
    // Moved once A has been silent for quietMs, counting from the slice change at the earliest.
    await waitFor(
      `traffic to leave ${podA}`,
      () => performance.now() - Math.max(sliceAt, prober.lastFrom(podA)) >= options.quietMs,
    );
    const fromB = prober.answers.filter((a) => a.pod === podB && a.sentAt > sliceAt).length;
    if (fromB === 0) throw new Error(`${podB} answered nothing after ${podA} left`);
    const lastA = prober.lastFrom(podA);
    const run: EndpointChangeRun = {
      sliceToMovedMs: lastA - sliceAt,
      rmToMovedMs: lastA - rmDone,
      rmToSliceMs: sliceAt - rmDone,
      rmExecMs: rmDone - rmStart,
    };

    await options.makeReady();
    await slices.until(() => slices.ready(podA));
    const back = performance.now();
    await waitFor(`${podA} to answer again`, () => prober.lastFrom(podA) > back);
    return run;
  } finally {
    await prober.stop();
    if (prober.errors > 0) options.log(`  (${prober.errors} probe requests failed)`);
  }
}
