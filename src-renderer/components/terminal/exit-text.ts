import type { ExecExit } from '../../streams/exec-protocol.js';

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 9: 'SIGKILL', 15: 'SIGTERM' };

/**
 * How a session ended, in words: `exited with code 0`, `exited with code 137 (128 + 9: SIGKILL)`,
 * or the server's message when there is no code (the command could not start, the link broke).
 */
export function describeExit(exit: ExecExit): string {
  if (exit.code !== undefined) {
    const signal = exit.code > 128 ? SIGNALS[exit.code - 128] : undefined;
    return `exited with code ${exit.code}${signal ? ` (128 + ${exit.code - 128}: ${signal})` : ''}`;
  }
  return exit.message ?? (exit.status === 'Success' ? 'exited' : 'ended');
}
