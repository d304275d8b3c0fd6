import type { ChurnSend } from './driver-protocol.js';

/** A STATUS change the page saw: the row's pod, the `Bench-<seq>` it now shows, and when (`Date.now()`). */
export type DomObservation = [pod: string, seq: number, at: number];

/** A change arriving on the page's watch WebSocket: its seq, and when (`Date.now()`). */
export type SocketArrival = [seq: number, at: number];

/**
 * How long the changes took, per change, end to end and stage by stage. Every time is `Date.now()`
 * of one machine's clock, read by the driver or by the page.
 */
export interface ChangeLatencies {
  /** From the driver's plain watch seeing the event (it left the API server) to the DOM showing it. */
  fromEvent: number[];
  /** From sending the patch to the DOM showing it (adds the API server's write). */
  fromSend: number[];
  /** Plain watch → the driver's Table-format watch: the API server's fan-out to a dashboard-style watch. */
  eventToTable: number[];
  /** The driver's Table watch → arrival on the page's WebSocket: the gateway and the socket. */
  tableToSocket: number[];
  /** Arrival on the page's WebSocket → the DOM: the renderer's share. */
  socketToDom: number[];
  /** Changes the table never showed, nor any later change of the same pod. */
  missing: number;
}

/**
 * Join the driver's sends with what the page saw. A change counts as shown when its row shows it
 * **or a later change of the same pod**: the informer hands changes over once per animation frame,
 * so two patches of a pod inside one frame render once, and the earlier one is then on screen —
 * superseded — no later than the later one.
 */
export function changeLatencies(
  sends: readonly ChurnSend[],
  seen: readonly DomObservation[],
  arrivals: readonly SocketArrival[] = [],
): ChangeLatencies {
  const arrived = new Map<number, number>();
  for (const [seq, at] of arrivals) if (!arrived.has(seq)) arrived.set(seq, at);
  const byPod = new Map<string, DomObservation[]>();
  for (const observation of seen) {
    const list = byPod.get(observation[0]) ?? [];
    list.push(observation);
    byPod.set(observation[0], list);
  }
  for (const list of byPod.values()) list.sort((a, b) => a[2] - b[2]);
  const result: ChangeLatencies = {
    fromEvent: [],
    fromSend: [],
    eventToTable: [],
    tableToSocket: [],
    socketToDom: [],
    missing: 0,
  };
  const span = (list: number[], from: number | undefined, to: number | undefined) => {
    if (from !== undefined && to !== undefined) list.push(to - from);
  };
  for (const send of sends) {
    const shown = byPod.get(send.pod)?.find(([, seq]) => seq >= send.seq)?.[2];
    if (shown === undefined) {
      result.missing++;
      continue;
    }
    const socket = arrived.get(send.seq);
    span(result.fromSend, send.sentAt, shown);
    span(result.fromEvent, send.seenAt, shown);
    span(result.eventToTable, send.seenAt, send.seenTableAt);
    span(result.tableToSocket, send.seenTableAt, socket);
    span(result.socketToDom, socket, shown);
  }
  return result;
}
