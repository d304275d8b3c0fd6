import type { TerminalSessionInfo } from '../../stores/terminals.js';

/** A tab's status dot: its colour and its words (the dot's accessible label and tooltip). */
export interface TabStatus {
  tone: 'ok' | 'warning' | 'danger' | 'idle';
  label: string;
  /** A short badge beside the title once the session ended: `exit 0`, `exit 137`, `failed`. */
  badge: string | undefined;
}

/** Connecting is amber, open is green, a clean end is grey, a bad one red, with its exit code. */
export function tabStatus(
  session: Pick<TerminalSessionInfo, 'state' | 'status' | 'exitCode' | 'failed'>,
): TabStatus {
  if (session.state === 'connecting') return { tone: 'warning', label: 'connecting', badge: undefined };
  if (session.state === 'open') return { tone: 'ok', label: 'connected', badge: undefined };
  const badge =
    session.exitCode !== undefined ? `exit ${session.exitCode}` : session.failed ? 'failed' : 'ended';
  return {
    tone: session.failed ? 'danger' : 'idle',
    label: `ended: ${session.status || badge}`,
    badge,
  };
}
