/**
 * The Kubernetes remote-command WebSocket protocol, client side
 * (k8s.io/apimachinery/pkg/util/httpstream/wsstream; KEP-4006 for v5): every binary message
 * starts with a channel byte — 0 stdin, 1 stdout, 2 stderr, 3 error (the command's end, as a
 * `metav1.Status` in JSON from v4 on), 4 terminal size (`{"Width":w,"Height":h}`). v5 adds a
 * close signal, `[255, channel]`, by which the client says it will send no more on a channel.
 */

/** The subprotocols offered, preferred first (v4 for servers before 1.30's v5). */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type ExecProtocol = (typeof EXEC_PROTOCOLS)[number];

export const ExecChannel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

const encoder = new TextEncoder();

/** A message on `channel` carrying `data`. */
export function encodeFrame(channel: number, data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const frame = new Uint8Array(bytes.length + 1);
  frame[0] = channel;
  frame.set(bytes, 1);
  return frame;
}

/** Keystrokes or pasted text for the process's stdin. */
export function encodeStdin(data: Uint8Array | string): Uint8Array {
  return encodeFrame(ExecChannel.stdin, data);
}

/** A terminal size, as the kubelet's resize channel reads it (TerminalSize, Width then Height). */
export function encodeResize(columns: number, rows: number): Uint8Array {
  return encodeFrame(ExecChannel.resize, JSON.stringify({ Width: columns, Height: rows }));
}

/** v5's close signal for a channel (stdin: end of input); undefined for older protocols. */
export function encodeClose(protocol: string, channel: number = ExecChannel.stdin): Uint8Array | undefined {
  return protocol === 'v5.channel.k8s.io' ? new Uint8Array([ExecChannel.close, channel]) : undefined;
}

/** A message from the server: its channel and data; undefined when empty. */
export function decodeFrame(
  message: ArrayBuffer | Uint8Array,
): { channel: number; data: Uint8Array } | undefined {
  const bytes = message instanceof Uint8Array ? message : new Uint8Array(message);
  if (bytes.length === 0) return undefined;
  return { channel: bytes[0]!, data: bytes.subarray(1) };
}

/** How a remote command ended. */
export interface ExecExit {
  /** `Success` or `Failure` (`Failure` with no code: the command could not run, or the link broke). */
  status: 'Success' | 'Failure';
  /** The process's exit code, when the server reported one. */
  code?: number | undefined;
  /** The server's message, e.g. `command terminated with non-zero exit code: …`. */
  message?: string | undefined;
  reason?: string | undefined;
}

/**
 * The end of a command from the error channel's payload: `{"status":"Success"}` is exit 0; a
 * non-zero exit is `reason: NonZeroExitCode` with `details.causes[{reason:'ExitCode', message:'3'}]`
 * (remotecommand's errorDecoderV4); anything else is a failure with the server's message (plain
 * text from servers that do not send JSON).
 */
export function decodeExit(payload: Uint8Array | string): ExecExit {
  const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  let status: {
    status?: string;
    message?: string;
    reason?: string;
    details?: { causes?: { reason?: string; message?: string }[] };
  };
  try {
    status = JSON.parse(text) as typeof status;
  } catch {
    return { status: 'Failure', message: text.trim() || 'the command failed' };
  }
  if (status.status === 'Success') return { status: 'Success', code: 0 };
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = cause?.message !== undefined ? Number.parseInt(cause.message, 10) : undefined;
  return {
    status: 'Failure',
    code: code !== undefined && Number.isFinite(code) ? code : undefined,
    message: status.message,
    reason: status.reason,
  };
}
