/**
 * The message for a `node:util` `parseArgs` error, in kubectl's words where it has them
 * (`unknown flag: --x`, `flag needs an argument: --port`): shared by `kubedesk serve` and
 * `kubedesk ui`, so both commands answer a mistyped flag the same way.
 */
export function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const flag = /'(-[^' ]*)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag: ${flag ?? message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument: ${/'([^']*)'/.exec(message)?.[1] ?? message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing|ambiguous/.test(message)
        ? `flag needs an argument: ${flag ?? message}`
        : message;
    default:
      return message;
  }
}
