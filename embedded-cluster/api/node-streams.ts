import type { Duplex, Readable, Writable } from 'node:stream';

/**
 * What a node offers the API server for a pod's streaming subresources (`log`, `exec`, `attach`,
 * `portforward`): kube-apiserver reaches the kubelet's streaming server for these; here the
 * API server terminates the client's protocol (WebSocket channels, SPDY, chunked HTTP) and asks
 * the pod's node through this interface for plain streams. The kubelet implements it; `cluster.ts`
 * hands it to the API server. Failures are thrown as `StatusError`s (api/errors.ts).
 */
export interface NodeStreams {
  /** Run a command in a running container. */
  exec(request: ExecRequest): Promise<StreamSession>;
  /** Attach to a running container's main process (its stdin only when the container has `stdin: true`). */
  attach(request: AttachRequest): Promise<StreamSession>;
  /** A container's log, as `kubectl logs` reads it; ends when the log does (unless `follow`). */
  logs(request: LogRequest, signal: AbortSignal): Promise<Readable>;
  /** A TCP connection to `port` inside the pod's network namespace. */
  portForward(request: PortForwardRequest): Promise<Duplex>;
}

export interface ContainerRef {
  namespace: string;
  pod: string;
  /** The pod's uid, so a stream never reaches a newer pod of the same name. */
  podUid: string;
  container: string;
}

export interface ExecRequest extends ContainerRef {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export type AttachRequest = Omit<ExecRequest, 'command'>;

/** A running exec or attach: the streams asked for, a way to resize the TTY, and how it ended. */
export interface StreamSession {
  stdin?: Writable;
  stdout?: Readable;
  /** Absent with a TTY: the terminal merges stderr into stdout. */
  stderr?: Readable;
  resize(size: { width: number; height: number }): void;
  /**
   * Resolves when the process ends (exit code 0 is success) or the session fails
   * (`message` says why, as the `error` channel reports it).
   */
  done: Promise<{ exitCode: number } | { message: string }>;
  /** End the session from the client's side (the client went away). */
  close(): void;
}

export interface LogRequest extends ContainerRef {
  follow: boolean;
  /** The previous (terminated) instance of the container. */
  previous: boolean;
  sinceSeconds?: number;
  /** RFC 3339. */
  sinceTime?: string;
  tailLines?: number;
  timestamps: boolean;
  limitBytes?: number;
}

export interface PortForwardRequest {
  namespace: string;
  pod: string;
  podUid: string;
  port: number;
}
