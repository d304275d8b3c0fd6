import { RUNTIME_LABELS, type RuntimeEvent } from '../runtime/container-runtime.js';
import type { Docker } from './docker-api.js';

const ACTIONS = ['start', 'die', 'oom', 'destroy'] as const;
/** Attributes Docker puts beside the labels in an event's actor. */
const NOT_LABELS = new Set(['name', 'image', 'exitCode', 'signal']);

/**
 * Docker's event stream (`GET /events`), filtered on the daemon's side to the containers this
 * node made (label `dev.kubedesk.node=<node>`) and the lifecycle actions the kubelet reacts to.
 * Ends when `signal` aborts or the daemon goes away.
 */
export async function* runtimeEvents(
  docker: Docker,
  nodeName: string,
  signal: AbortSignal,
): AsyncIterable<RuntimeEvent> {
  if (signal.aborted) return;
  const stream = (await docker.getEvents({
    filters: {
      type: ['container'],
      event: [...ACTIONS],
      label: [`${RUNTIME_LABELS.managedBy}=${nodeName}`],
    },
    abortSignal: signal,
  } as Parameters<Docker['getEvents']>[0])) as NodeJS.ReadableStream & { destroy(): void };
  const onAbort = () => stream.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  let pending = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (!line) continue;
        const event = JSON.parse(line) as {
          Action?: string;
          status?: string;
          Actor?: { ID: string; Attributes?: Record<string, string> };
        };
        const action = event.Action ?? event.status;
        if (!event.Actor || !ACTIONS.includes(action as (typeof ACTIONS)[number])) continue;
        const labels: Record<string, string> = {};
        for (const [key, value] of Object.entries(event.Actor.Attributes ?? {}))
          if (!NOT_LABELS.has(key)) labels[key] = value;
        yield { type: action as RuntimeEvent['type'], containerId: event.Actor.ID, labels };
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    stream.destroy();
  }
}
