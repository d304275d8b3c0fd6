/**
 * What the network bench and its load generator (load-child.ts) exchange: one JSON line per
 * command on the child's stdin, one JSON line per answer on its stdout, matched by `id`.
 */

/** Closed-loop HTTP GETs of `url` over `connections` connections for a fixed time. */
export interface HttpLoadCommand {
  cmd: 'http';
  url: string;
  /** The Host header (the Ingress routes by it); default the URL's. */
  host?: string;
  connections: number;
  /** Reuse connections (a keep-alive agent), or a new TCP connection per request. */
  keepAlive: boolean;
  /** Requests in the first `warmupMs` are neither counted nor timed. */
  warmupMs: number;
  durationMs: number;
  /** An answer whose body does not contain this counts as an error (it names the pod). */
  expect: string;
}

export interface HttpLoadResult {
  /** Requests answered correctly inside the window. */
  requests: number;
  /** The window, in ms (from the end of the warm-up to the last answer counted). */
  windowMs: number;
  /** Latency of each request started and answered inside the window, ms. */
  latencies: number[];
  errors: number;
  firstError?: string;
  /** Every answer of the run, warm-up included, and the generator's CPU time (user + system) over it, µs. */
  answered: number;
  cpuUs: number;
}

/** `count` A queries for `name`, one after another over one UDP socket. */
export interface DnsLoadCommand {
  cmd: 'dns';
  host: string;
  port: number;
  name: string;
  count: number;
  /** Queries before the timed ones, not timed. */
  warmup: number;
  /** An answer without this A record counts as an error. */
  expect: string;
}

export interface DnsLoadResult {
  latencies: number[];
  errors: number;
  firstError?: string;
}

export type LoadCommand = HttpLoadCommand | DnsLoadCommand;
