import { execFile } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The real kubectl: the dispatcher on PATH (it runs the kubectl matching
 * the server's version), or an explicit minor version (kubectl.1.27 …
 * kubectl.1.33 beside the dispatcher's real path).
 */
export function kubectlBinary(version?: string): string {
  const dispatcher = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'kubectl'))
    .find((path) => {
      try {
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  if (!dispatcher) throw new Error('kubectl is not installed: these tests need the real kubectl on PATH');
  return version ? join(dirname(realpathSync(dispatcher)), `kubectl.${version}`) : dispatcher;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run kubectl against a kubeconfig; never throws on a non-zero exit. */
export async function kubectl(
  kubeconfig: string,
  args: string[],
  options: { version?: string; input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<KubectlResult> {
  const child = run(kubectlBinary(options.version), args, {
    env: { ...process.env, KUBECONFIG: kubeconfig, ...options.env },
    timeout: options.timeoutMs ?? 30_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (options.input !== undefined) {
    child.child.stdin?.end(options.input);
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
