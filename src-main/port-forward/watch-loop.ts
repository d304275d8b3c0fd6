import type { KubeHttp } from './kube-http.js';
import type { WatchedCollection } from './target-resolver.js';

export interface WatchLoopOptions {
  http: KubeHttp;
  collection: WatchedCollection;
  /** Something in the collection may have changed (also after every (re)list): resolve again. */
  onChange: () => void;
  /** The watch broke (the cluster went away, a Status): shown until the next list succeeds. */
  onError: (error: unknown) => void;
  signal: AbortSignal;
  /** Wait before listing again after a failure (default 1 s, doubling to 30 s). */
  retryMs?: number;
}

/**
 * List, then watch from the list's resourceVersion, for as long as `signal` allows; when the watch
 * ends (the server's timeout, a 410 ERROR event, a broken connection) list again. Events are not
 * applied anywhere: each only says "look again", so a relist after a gap misses nothing. (A
 * level-triggered resolve is cheap at a forward's scale: a handful of GETs.)
 */
export async function watchLoop(options: WatchLoopOptions): Promise<void> {
  const { http, collection, signal } = options;
  const first = options.retryMs ?? 1000;
  let delay = first;
  while (!signal.aborted) {
    try {
      const list = await http.get<{ metadata?: { resourceVersion?: string } }>(collection.path, {
        ...collection.query,
        limit: '1',
      });
      options.onChange();
      delay = first;
      const resourceVersion = list.metadata?.resourceVersion;
      await http.watch(
        collection.path,
        {
          ...collection.query,
          ...(resourceVersion ? { resourceVersion } : {}),
          timeoutSeconds: String(240 + Math.floor(Math.random() * 120)),
        },
        (event) => {
          if (event.type !== 'BOOKMARK' && event.type !== 'ERROR') options.onChange();
        },
        signal,
      );
    } catch (error) {
      if (signal.aborted) return;
      options.onError(error);
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 30_000);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
