import type { CoreV1 } from '../../client/index.js';

/**
 * Expand `$(VAR)` references in `input` from `lookup`, as the kubelet does for a container's
 * command, args and env values (third_party/forked/golang/expansion/expand.go): a defined
 * variable is replaced by its value, an undefined one is left as written, and `$$` is an escaped
 * `$` (so `$$(VAR)` yields the literal `$(VAR)`).
 */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1]!;
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        // An unterminated reference is kept as written.
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = name === '' ? undefined : lookup(name);
      out += value ?? `$(${name})`;
      i = close + 1;
    } else {
      out += ch + next;
      i += 2;
    }
  }
  return out;
}

/** What the runtime is told to run: `entrypoint` replaces the image's ENTRYPOINT, `cmd` its CMD. */
export interface Invocation {
  entrypoint?: string[];
  cmd?: string[];
}

/**
 * A container's `command` and `args` as the runtime takes them
 * (kuberuntime_container.go `generateContainerConfig` → CRI `command`/`args`): `command` replaces
 * the image's ENTRYPOINT and `args` its CMD; when only `command` is given the image's CMD is
 * dropped too (Docker does that when the entrypoint is overridden), and when only `args` is given
 * the image's ENTRYPOINT runs with them. Both are `$(VAR)`-expanded against the container's env.
 * https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/
 */
export function invocation(container: CoreV1.Container, env: Map<string, string>): Invocation {
  const lookup = (name: string) => env.get(name);
  const result: Invocation = {};
  if (container.command?.length) result.entrypoint = container.command.map((s) => expand(s, lookup));
  if (container.args?.length) result.cmd = container.args.map((s) => expand(s, lookup));
  // With a new ENTRYPOINT the image's CMD no longer applies: an empty CMD says so to Docker.
  if (result.entrypoint && !result.cmd) result.cmd = [];
  return result;
}
