/** Shutting down one of `etcd3`'s bidirectional gRPC streams from our side. */

interface CancellableStream {
  end(): void;
  cancel(): void;
  on(event: 'error', fn: (err: Error) => void): unknown;
}

/**
 * Half-close, then cancel the call. Half-closing first matters: `etcd3`'s own
 * error listener only acts while the stream is writable, and would otherwise
 * take the CANCELLED error of our own cancellation for a host failure and
 * tear down every gRPC client of the host.
 */
export function endStream(stream: CancellableStream): void {
  stream.on('error', () => {}); // the CANCELLED that cancel() produces
  try {
    stream.end();
    stream.cancel();
  } catch {
    // already gone
  }
}
