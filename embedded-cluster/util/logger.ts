/**
 * Structured logging. Components log through the logger in their config and
 * never print; the CLI decides where lines go.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
};

/** One JSON object per line on `write` (stderr by default). */
export function jsonLogger(component: string, write = (line: string) => process.stderr.write(line)): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, component, message, ...fields }) + '\n');
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
