import type { CDPSession } from 'playwright-core';

/**
 * The renderer's own accounts, read over the Chrome DevTools Protocol: the JS heap after a forced
 * garbage collection, where the main thread's time went during a phase (the `Performance`
 * domain's cumulative script, layout and style durations), and, on request, a sampling CPU
 * profile of a phase reduced to its hottest functions.
 */

const MB = 2 ** 20;

/** JSHeapUsedSize in MB after `HeapProfiler.collectGarbage` (twice: weak maps clear in the second). */
export async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.disable');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / MB;
}

/** Main-thread time by kind, in ms. */
export interface ThreadTime {
  task: number;
  script: number;
  layout: number;
  style: number;
}

async function threadTime(cdp: CDPSession): Promise<ThreadTime> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const s = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return {
    task: s('TaskDuration'),
    script: s('ScriptDuration'),
    layout: s('LayoutDuration'),
    style: s('RecalcStyleDuration'),
  };
}

/** Run `phase` and return its result with the main thread's time spent meanwhile. */
export async function withThreadTime<T>(
  cdp: CDPSession,
  phase: () => Promise<T>,
): Promise<{ result: T; time: ThreadTime }> {
  await cdp.send('Performance.enable');
  const before = await threadTime(cdp);
  const result = await phase();
  const after = await threadTime(cdp);
  return {
    result,
    time: {
      task: after.task - before.task,
      script: after.script - before.script,
      layout: after.layout - before.layout,
      style: after.style - before.style,
    },
  };
}

export function describeThreadTime(time: ThreadTime, wallMs: number): string {
  const pct = (ms: number) => `${((ms / wallMs) * 100).toFixed(0)} %`;
  return (
    `main thread busy ${pct(time.task)} of ${(wallMs / 1000).toFixed(1)} s ` +
    `(script ${time.script.toFixed(0)} ms, layout ${time.layout.toFixed(0)} ms, style ${time.style.toFixed(0)} ms)`
  );
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/**
 * Run `phase` under the V8 sampling profiler and return the `top` functions by self time, as
 * lines `12.3 %  45 ms  name  file:line:col` (bundled code: look the position up in the build).
 */
export async function profileHotspots<T>(
  cdp: CDPSession,
  phase: () => Promise<T>,
  top = 15,
): Promise<{ result: T; hotspots: string[] }> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const result = await phase();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Profiler.disable');
  const nodes = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n as ProfileNode]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  const byFunction = new Map<string, number>();
  for (const [id, ms] of self) {
    const frame = nodes.get(id)!.callFrame;
    const file = frame.url.split('/').pop() || '';
    const key = `${frame.functionName || '(anonymous)'}  ${file}${file ? `:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  const total = [...byFunction.values()].reduce((a, b) => a + b, 0);
  const hotspots = [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([key, ms]) =>
        `${((ms / total) * 100).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(5)} ms  ${key}`,
    );
  return { result, hotspots };
}
