import type { Server } from 'node:net';

/** A port that could not be had, and why (`EADDRINUSE`, `EACCES` …). */
export interface PortFailure {
  port: number;
  code: string;
}

/**
 * Listen on the first port of `ports` that can be bound on `host`; resolves with that port (the
 * actual one when it was 0) and the ports that failed before it, for the caller to report. Rejects
 * when none can be bound, naming every port tried.
 */
export async function listenOnFirstFree(
  server: Server,
  host: string,
  ports: readonly number[],
): Promise<{ port: number; failures: PortFailure[] }> {
  const failures: PortFailure[] = [];
  for (const port of ports) {
    try {
      await listen(server, host, port);
      const address = server.address();
      return { port: typeof address === 'object' && address ? address.port : port, failures };
    } catch (error) {
      failures.push({ port, code: (error as NodeJS.ErrnoException).code ?? String(error) });
    }
  }
  const tried = failures.map((f) => `${f.port} (${f.code})`).join(', ');
  throw new Error(`could not listen on ${host}: every port failed: ${tried}`);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** What a port failure means, in words for an event. */
export function describeFailure(failure: PortFailure): string {
  if (failure.code === 'EADDRINUSE') return `port ${failure.port} is in use by another program`;
  if (failure.code === 'EACCES') return `port ${failure.port} needs privileges this process lacks`;
  return `port ${failure.port} could not be bound (${failure.code})`;
}
