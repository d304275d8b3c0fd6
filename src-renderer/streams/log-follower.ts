import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { isAbortError, type KubeApi } from '../kube/index.js';
import { sinceTimeOf, type LogLine } from './log-line.js';
import { streamPodLog, type PodLogOptions } from './log-request.js';
import { pageLogSocket, type LogSocketTransport } from './log-socket.js';

/** What the user asked to see; changing it means a new follower. */
export interface FollowSettings {
  /** One container by name; undefined: every app container (`spec.containers`) of each pod. */
  container?: string | undefined;
  /** The last terminated instance instead of the current one (never followed: it is over). */
  previous?: boolean | undefined;
  /** Stream live (default true); false reads what is there and stops. */
  follow?: boolean | undefined;
  sinceSeconds?: number | undefined;
  tailLines?: number | undefined;
}

export type LogSourceState = 'waiting' | 'streaming' | 'ended' | 'failed' | 'gone';

/** One stream: a container of a pod. */
export interface LogSource {
  /** Stable for the follower's life: colours and prefixes use it. */
  index: number;
  pod: string;
  container: string;
  state: LogSourceState;
  /** Why it waits (`ContainerCreating`) or failed (the server's Status message). */
  reason?: string | undefined;
  lines: number;
}

export interface LogFollowerOptions {
  api: KubeApi;
  namespace: string;
  settings: FollowSettings;
  /** Lines as they arrive, each with its `source`; markers are the follower's own lines. */
  onLines: (lines: LogLine[]) => void;
  /** Called when a source appears or changes state. */
  onSources?: (sources: readonly LogSource[]) => void;
  /** Wait before resuming a stream that failed while its container runs (default 2 s). */
  retryDelayMs?: number;
  /**
   * How logs are read: over WebSockets — by default when the gateway serves the page
   * (`pageLogSocket`), since each followed stream would otherwise hold one of the browser's 6
   * connections to it — or over fetch when `null` (or when there is no such page: Node, tests).
   */
  socket?: LogSocketTransport | null | undefined;
}

interface Stream {
  source: LogSource;
  abort?: AbortController | undefined;
  /** The container instance being read, to notice restarts. */
  restartCount: number;
  /** The last line's time, to resume after a failure without repeating lines. */
  lastMicros?: number | undefined;
  retry?: ReturnType<typeof setTimeout> | undefined;
  /** Failures in a row, for the backoff. */
  failures: number;
  /** The container as the pods last showed it. */
  seen: { restartCount: number; running: boolean };
  /** The window of the last start, to retry a stream that failed before its first line. */
  window: PodLogOptions;
  /** Lines at or before this time are ones already shown (a resumed stream repeats them). */
  skipThrough?: number | undefined;
}

/**
 * Follows the logs of a changing set of pods: one stream per pod and container, started when the
 * container has something to read (running, or terminated), the user's `tailLines`/`sinceSeconds`
 * applied to pods present at the start and not to pods that appear later (all their lines are
 * new). A container that restarts is followed again from its new instance's start; a stream that
 * fails while the container runs resumes from its last line (`sinceTime`); a pod that goes away
 * ends its streams with a marker line. Timestamps are always requested: merging orders by them
 * and resuming starts from them; views show them only when asked.
 *
 * Feed it the pods (from an informer) with `update(pods)`; `stop()` ends every stream.
 */
export class LogFollower {
  private readonly streams = new Map<string, Stream>();
  private readonly ordered: LogSource[] = [];
  private first = true;
  private stopped = false;
  private readonly retryDelayMs: number;
  private readonly socket: LogSocketTransport | undefined;

  constructor(private readonly options: LogFollowerOptions) {
    this.retryDelayMs = options.retryDelayMs ?? 2000;
    this.socket = options.socket === undefined ? pageLogSocket(options.api) : (options.socket ?? undefined);
  }

  get sources(): readonly LogSource[] {
    return this.ordered;
  }

  /** Reconcile the streams with the pods now present. */
  update(pods: readonly Pod[]): void {
    if (this.stopped) return;
    // The user's window applies to the pods there when following starts: the first update that
    // has any (an informer's first, empty, answer before its list arrives does not count).
    const initial = this.first;
    if (pods.length > 0) this.first = false;
    const present = new Set<string>();
    for (const pod of pods) {
      const name = pod.metadata?.name;
      if (!name) continue;
      for (const container of this.containersOf(pod)) {
        const key = `${name}/${container}`;
        present.add(key);
        this.reconcile(key, pod, container, initial);
      }
    }
    for (const [key, stream] of this.streams) {
      if (present.has(key) || stream.source.state === 'gone') continue;
      this.end(stream);
      this.setState(stream, 'gone', undefined);
      this.marker(stream, `pod ${stream.source.pod} is gone`);
    }
    this.notify();
  }

  stop(): void {
    this.stopped = true;
    for (const stream of this.streams.values()) this.end(stream);
  }

  private containersOf(pod: Pod): string[] {
    const wanted = this.options.settings.container;
    if (!wanted) return (pod.spec?.containers ?? []).map((c) => c.name);
    const all = [
      ...(pod.spec?.initContainers ?? []),
      ...(pod.spec?.containers ?? []),
      ...(pod.spec?.ephemeralContainers ?? []),
    ];
    return all.some((c) => c.name === wanted) ? [wanted] : [];
  }

  private reconcile(key: string, pod: Pod, container: string, initial: boolean): void {
    const status = statusOf(pod, container);
    const readable = this.options.settings.previous
      ? status !== undefined
      : Boolean(status?.state?.running || status?.state?.terminated);
    const restartCount = status?.restartCount ?? 0;
    let stream = this.streams.get(key);
    if (!stream) {
      const source: LogSource = {
        index: this.ordered.length,
        pod: pod.metadata!.name!,
        container,
        state: 'waiting',
        lines: 0,
      };
      stream = { source, restartCount, failures: 0, window: {}, seen: { restartCount, running: false } };
      this.streams.set(key, stream);
      this.ordered.push(source);
      if (!readable) {
        stream.source.reason = status?.state?.waiting?.reason ?? 'waiting for the container to start';
        return;
      }
      this.start(stream, initial ? this.userWindow() : {});
      return;
    }
    stream.seen = { restartCount, running: Boolean(status?.state?.running) };
    if (stream.source.state === 'gone') {
      // A pod of the same name again (a StatefulSet's replacement): a new pod, read from its start.
      Object.assign(stream, { restartCount, lastMicros: undefined, skipThrough: undefined, failures: 0 });
      this.setState(stream, 'waiting', status?.state?.waiting?.reason);
      this.marker(stream, `pod ${stream.source.pod} is back`);
    }
    if (stream.source.state === 'waiting' && readable) {
      this.start(stream, initial ? this.userWindow() : {});
    } else if (stream.source.state === 'waiting') {
      stream.source.reason = status?.state?.waiting?.reason ?? stream.source.reason;
    } else {
      this.restartIfNewInstance(stream);
    }
  }

  /** A stream that is over while its container runs again (restarted): follow the new instance. */
  private restartIfNewInstance(stream: Stream): void {
    const { state, container } = stream.source;
    if (state !== 'ended' && state !== 'failed') return;
    if (!stream.seen.running || stream.seen.restartCount <= stream.restartCount || !this.follows()) return;
    clearTimeout(stream.retry);
    stream.restartCount = stream.seen.restartCount;
    stream.lastMicros = undefined;
    stream.skipThrough = undefined;
    stream.failures = 0;
    this.marker(stream, `container ${container} restarted (restart ${stream.restartCount})`);
    this.start(stream, {});
  }

  private follows(): boolean {
    return this.options.settings.follow !== false && !this.options.settings.previous;
  }

  private userWindow(): PodLogOptions {
    const { sinceSeconds, tailLines } = this.options.settings;
    return { sinceSeconds, tailLines };
  }

  private start(stream: Stream, window: PodLogOptions): void {
    const { api, namespace, settings } = this.options;
    const abort = new AbortController();
    stream.abort = abort;
    stream.window = window;
    this.setState(stream, 'streaming', undefined);
    const { source } = stream;
    const request: PodLogOptions = {
      ...window,
      container: source.container,
      follow: this.follows(),
      previous: settings.previous,
      timestamps: true,
    };
    const onLines = (lines: LogLine[]) => {
      if (abort.signal.aborted) return;
      let out = lines;
      const skip = stream.skipThrough;
      if (skip !== undefined) {
        out = lines.filter((l) => l.micros === undefined || l.micros > skip);
        if (out.length === lines.length) stream.skipThrough = undefined;
      }
      const last = lines.at(-1)?.micros;
      if (last !== undefined) stream.lastMicros = last;
      if (out.length === 0) return;
      stream.failures = 0;
      for (const line of out) line.source = source.index;
      source.lines += out.length;
      this.options.onLines(out);
    };
    streamPodLog(api, namespace, source.pod, request, onLines, abort.signal, this.socket).then(
      () => {
        if (abort.signal.aborted) return;
        this.setState(stream, 'ended', undefined);
        if (this.follows()) this.marker(stream, 'log stream ended (the container stopped)');
        this.restartIfNewInstance(stream);
        this.notify();
      },
      (error: unknown) => {
        if (abort.signal.aborted || isAbortError(error)) return;
        const message = error instanceof Error ? error.message : String(error);
        // One marker per run of failures: a retry that fails the same way says nothing new.
        if (stream.failures === 0) this.marker(stream, `log stream failed: ${message}`);
        stream.failures++;
        this.setState(stream, 'failed', message);
        this.notify();
        if (this.follows()) this.scheduleResume(stream);
      },
    );
  }

  /**
   * Try a failed stream again after a pause (doubling to 30 s): from its last line when it had
   * one (`sinceTime`, repeats skipped), else with the window it started with.
   */
  private scheduleResume(stream: Stream): void {
    clearTimeout(stream.retry);
    const delay = Math.min(30_000, this.retryDelayMs * 2 ** (stream.failures - 1));
    stream.retry = setTimeout(() => {
      if (this.stopped || stream.source.state !== 'failed') return;
      const since = stream.lastMicros;
      stream.skipThrough = since;
      this.start(stream, since === undefined ? stream.window : { sinceTime: sinceTimeOf(since) });
      this.notify();
    }, delay);
  }

  private end(stream: Stream): void {
    clearTimeout(stream.retry);
    stream.abort?.abort();
    stream.abort = undefined;
  }

  private setState(stream: Stream, state: LogSourceState, reason: string | undefined): void {
    stream.source.state = state;
    stream.source.reason = reason;
  }

  private marker(stream: Stream, text: string): void {
    this.options.onLines([{ text, marker: true, source: stream.source.index }]);
  }

  private notify(): void {
    this.options.onSources?.(this.ordered);
  }
}

/** A container's status, whichever list it is in. */
function statusOf(pod: Pod, container: string): ContainerStatus | undefined {
  const s = pod.status;
  return [
    ...(s?.initContainerStatuses ?? []),
    ...(s?.containerStatuses ?? []),
    ...(s?.ephemeralContainerStatuses ?? []),
  ].find((c) => c.name === container);
}
