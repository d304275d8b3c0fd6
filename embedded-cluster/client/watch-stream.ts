import type { IncomingMessage } from 'node:http';
import type { Status } from 'kubernetes-types/meta/v1.js';
import { toStatusError } from './status-errors.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

/**
 * The events of a watch response: one JSON object per line. An ERROR event (410 Expired after
 * compaction, for one) is thrown as the Status it carries.
 */
export async function* watchEvents<T>(
  response: IncomingMessage,
  signal?: AbortSignal,
): AsyncGenerator<WatchEvent<T>> {
  let pending = '';
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.trim() === '') continue;
        const event = JSON.parse(line) as { type: string; object: unknown };
        if (event.type === 'ERROR') {
          const status = event.object as Status;
          throw toStatusError(status.code ?? 500, JSON.stringify(status));
        }
        yield event as WatchEvent<T>;
      }
    }
  } catch (error) {
    // An abort ends the watch quietly: the caller asked for it.
    if (signal?.aborted) return;
    throw error;
  } finally {
    response.destroy();
  }
}
