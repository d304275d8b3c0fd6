/**
 * What the `ui` suite and its cluster driver (cluster-driver.ts) say to each other over the
 * driver's stdin and stdout, one JSON line each way per command, and the names both sides derive.
 */

export interface LoadCommand {
  cmd: 'load';
  namespace: string;
  count: number;
  concurrency: number;
}
export interface LoadResult {
  node: string;
  createMs: number;
  runningMs: number;
}

export interface ChurnCommand {
  cmd: 'churn';
  namespace: string;
  pods: string[];
  rate: number;
  seconds: number;
}
/** One status patch: which pod, its sequence number (in the STATUS text) and when it was sent. */
export interface ChurnSend {
  pod: string;
  seq: number;
  sentAt: number;
  /** When the API server answered the patch. */
  ackAt?: number;
  /** When the driver's own watch on the namespace saw the change (the event left the server). */
  seenAt?: number;
  /** When the driver's Table-format watch (the dashboard's kind of watch) saw it. */
  seenTableAt?: number;
}
export interface ChurnResult {
  sends: ChurnSend[];
  /** Patches the API server answered with an error. */
  failed: number;
  /** The most patches in flight at once (a slow server makes this grow; the rate is kept). */
  maxInFlight: number;
}

export type DriverCommand = LoadCommand | ChurnCommand;

/** The name of pod `i`: zero-padded, so name order is creation order. */
export function podName(i: number): string {
  return `pod-${String(i).padStart(5, '0')}`;
}

/** The STATUS text a churn patch writes. */
export function churnReason(seq: number): string {
  return `Bench-${seq}`;
}
