import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { tempDir } from './temp-dir.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ServeProcess {
  url: string;
  token: string;
  caCert: string;
  kubeconfigPath: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * `kubedesk serve` as its own process, bundled as the app ships it, so a
 * benchmark's client does not share an event loop with the server.
 */
export async function startServeProcess(): Promise<ServeProcess> {
  const bundle = join(root, 'out/cli/kubedesk-bench.mjs');
  await promisify(execFile)(process.execPath, [join(root, 'scripts/build-cli.mjs'), bundle], { cwd: root });
  const dir = await tempDir('serve');
  const child: ChildProcess = spawn(
    process.execPath,
    [bundle, 'serve', '--data-dir', dir.path, '--port', '0'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const ready = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`kubedesk serve exited with ${code}`)));
  });
  const kubeconfigPath = /kubeconfig: (\S+)/.exec(ready)![1]!;
  const config = parseYaml(await readFile(kubeconfigPath, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  return {
    url: config.clusters[0]!.cluster.server,
    caCert: Buffer.from(config.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString(),
    token: config.users[0]!.user.token,
    kubeconfigPath,
    pid: child.pid!,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await dir.remove();
    },
  };
}
