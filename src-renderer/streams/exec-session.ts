import {
  decodeExit,
  decodeFrame,
  encodeClose,
  encodeResize,
  encodeStdin,
  EXEC_PROTOCOLS,
  ExecChannel,
  type ExecExit,
} from './exec-protocol.js';

/** What `ExecSession` needs of a WebSocket: the browser's, or `ws`'s in Node tests. */
export interface WebSocketLike {
  binaryType: string;
  readonly protocol: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike;

/** What to run where. */
export interface ExecTarget {
  namespace: string;
  pod: string;
  container?: string | undefined;
  command: string[];
  tty?: boolean | undefined;
  stdin?: boolean | undefined;
}

/** The exec URL under a cluster's root, e.g. `ws://127.0.0.1:4000/clusters/embedded`. */
export function execUrl(clusterWsRoot: string, target: ExecTarget): string {
  const tty = target.tty ?? true;
  const stdin = target.stdin ?? true;
  const params = new URLSearchParams();
  for (const part of target.command) params.append('command', part);
  if (target.container) params.set('container', target.container);
  params.set('stdin', String(stdin));
  params.set('stdout', 'true');
  params.set('stderr', String(!tty));
  params.set('tty', String(tty));
  const pod = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}`;
  return `${clusterWsRoot.replace(/\/+$/, '')}${pod}/exec?${params.toString()}`;
}

/** What to attach to: a container's main process, with its own TTY and stdin settings. */
export interface AttachTarget {
  namespace: string;
  pod: string;
  container?: string | undefined;
  /** The container's `tty` (kube attaches with a TTY only when the container has one). */
  tty: boolean;
  /** The container's `stdin` (input only reaches a process whose container keeps stdin open). */
  stdin: boolean;
}

/**
 * The attach URL under a cluster's root: the exec channel protocol without a command. As
 * `kubectl attach` does, the TTY follows the container's own setting, and stderr is a separate
 * stream only without one (a TTY merges it into stdout).
 * https://github.com/kubernetes/kubectl/blob/master/pkg/cmd/attach/attach.go
 */
export function attachUrl(clusterWsRoot: string, target: AttachTarget): string {
  const params = new URLSearchParams();
  if (target.container) params.set('container', target.container);
  params.set('stdin', String(target.stdin));
  params.set('stdout', 'true');
  params.set('stderr', String(!target.tty));
  params.set('tty', String(target.tty));
  const pod = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}`;
  return `${clusterWsRoot.replace(/\/+$/, '')}${pod}/attach?${params.toString()}`;
}

/**
 * A cluster root as a WebSocket URL: `http(s)://…` becomes `ws(s)://…`, and a relative root
 * (browser mode, same origin as the page) is resolved against `base`.
 */
export function toWebSocketUrl(root: string, base?: string): string {
  const url = new URL(root, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  return url.toString().replace(/\/+$/, '');
}

export interface ExecSessionOptions {
  url: string;
  createSocket: WebSocketFactory;
  /** Bytes the process wrote (channel 1 stdout, 2 stderr). */
  onOutput: (data: Uint8Array, channel: number) => void;
  onOpen?: (protocol: string) => void;
  /** Once: the command ended, or the connection did (`opened` false: it never opened). */
  onExit: (exit: ExecExit & { opened: boolean }) => void;
}

/**
 * One exec session over WebSocket: negotiates v5 (else v4), passes stdin and terminal sizes in,
 * output out, and reports the end once — from the error channel's Status (exit code), or from
 * the socket closing without one.
 */
export class ExecSession {
  private readonly socket: WebSocketLike;
  private opened = false;
  private exited = false;
  private exit: ExecExit | undefined;
  private size: { columns: number; rows: number } | undefined;

  constructor(private readonly options: ExecSessionOptions) {
    this.socket = options.createSocket(options.url, [...EXEC_PROTOCOLS]);
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => {
      this.opened = true;
      if (this.size) this.sendResize();
      options.onOpen?.(this.socket.protocol);
    };
    this.socket.onmessage = (event) => this.receive(event.data);
    this.socket.onerror = () => {};
    this.socket.onclose = (event) => {
      this.finish(
        this.exit ?? {
          status: 'Failure',
          message: this.opened
            ? `the connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`
            : 'the connection could not be opened',
        },
      );
    };
  }

  /** The negotiated subprotocol (empty until open). */
  get protocol(): string {
    return this.socket.protocol;
  }

  get isOpen(): boolean {
    return this.opened && !this.exited;
  }

  write(data: Uint8Array | string): void {
    if (this.isOpen) this.socket.send(encodeStdin(data));
  }

  /** The terminal's size; sent now if open, else once it opens. */
  resize(columns: number, rows: number): void {
    if (columns <= 0 || rows <= 0) return;
    if (this.size?.columns === columns && this.size.rows === rows) return;
    this.size = { columns, rows };
    if (this.isOpen) this.sendResize();
  }

  /** No more input (v5 only; with v4 the only way is closing). */
  endInput(): void {
    const frame = encodeClose(this.socket.protocol);
    if (frame && this.isOpen) this.socket.send(frame);
  }

  /** Hang up (the server stops the process's streams). */
  close(): void {
    if (this.socket.readyState <= 1) this.socket.close(1000);
  }

  private sendResize(): void {
    this.socket.send(encodeResize(this.size!.columns, this.size!.rows));
  }

  private receive(data: unknown): void {
    const bytes =
      data instanceof ArrayBuffer || data instanceof Uint8Array
        ? data
        : typeof data === 'string'
          ? new TextEncoder().encode(data)
          : undefined;
    if (!bytes) return;
    const frame = decodeFrame(bytes);
    if (!frame) return;
    if (frame.channel === ExecChannel.stdout || frame.channel === ExecChannel.stderr) {
      if (frame.data.length) this.options.onOutput(frame.data, frame.channel);
    } else if (frame.channel === ExecChannel.error) {
      this.exit = decodeExit(frame.data);
    }
  }

  private finish(exit: ExecExit): void {
    if (this.exited) return;
    this.exited = true;
    this.options.onExit({ ...exit, opened: this.opened });
  }
}

/** The shells the picker offers. */
export type ShellChoice = 'auto' | 'bash' | 'sh' | 'custom';

/**
 * The command for a shell choice: `auto` runs bash where the image has it, else sh (through
 * `sh -c`, as every image with a shell has sh); `custom` splits the user's command line on
 * spaces, keeping quoted parts together.
 */
export function shellCommand(choice: ShellChoice, custom = ''): string[] {
  if (choice === 'bash') return ['bash'];
  if (choice === 'sh') return ['sh'];
  if (choice === 'custom') return splitCommandLine(custom);
  return ['sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'];
}

/** `a "b c" 'd'` → `['a', 'b c', 'd']`. */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(pattern)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}
