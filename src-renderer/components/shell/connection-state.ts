import type { EmbeddedState } from '../../../src-main/shared/bridge.js';
import type { ClusterConnection } from '../../stores/index.js';

/** How a state dot looks. */
export type Tone = 'ok' | 'warning' | 'danger' | 'idle';

/** The dot and words for a cluster's connection, as its informers see it. */
export function connectionTone(connection: ClusterConnection): { tone: Tone; label: string } {
  switch (connection.phase) {
    case 'connected':
      return { tone: 'ok', label: 'Connected' };
    case 'connecting':
      return { tone: 'warning', label: 'Connecting…' };
    case 'reconnecting':
      return { tone: 'warning', label: 'Reconnecting…' };
    case 'disconnected':
      return {
        tone: 'danger',
        label: `Disconnected${connection.error ? `: ${connection.error.message}` : ''}`,
      };
    case 'idle':
      return { tone: 'idle', label: 'Not connected yet' };
  }
}

/** The embedded cluster's dot: its process first (starting, crashed), then the connection. */
export function embeddedTone(
  state: EmbeddedState | undefined,
  connection: ClusterConnection,
): { tone: Tone; label: string } {
  if (!state || state.phase === 'running') return connectionTone(connection);
  const what = state.message ? `: ${state.message}` : '';
  if (state.phase === 'failed' || state.phase === 'stopped')
    return { tone: 'danger', label: `Cluster ${state.phase}${what}` };
  return { tone: 'warning', label: `Cluster ${state.phase}${what}` };
}

/** "in 12 s" / "now" until `retryAt` (ms since the epoch). */
export function retryText(retryAt: number | undefined, now: number): string {
  if (retryAt === undefined) return '';
  const seconds = Math.ceil((retryAt - now) / 1000);
  return seconds <= 0 ? 'retrying now' : `retrying in ${seconds} s`;
}
