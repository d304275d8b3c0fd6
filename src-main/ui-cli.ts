import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appVersion } from './app/app-version.js';
import { createAppService } from './app/app-service.js';
import { SettingsStore } from './app/settings-store.js';
import { PortForwards } from './port-forward/index.js';
import { defaultDataDir, type Platform } from './cluster-host/data-dir.js';
import { nodeSpawnStrategy } from './cluster-host/node-spawn.js';
import { ClusterSupervisor } from './cluster-host/supervisor.js';
import { contextId, kubeconfigDirectory } from './gateway/cluster-directory.js';
import { startGateway } from './gateway/gateway.js';
import type { RuntimeName } from './shared/bridge.js';
import { describeParseError } from '../embedded-cluster/util/parse-args-errors.js';

/**
 * `kubedesk ui`: browser mode. Runs the embedded cluster under a {@link ClusterSupervisor}, serves
 * the dashboard and the gateway on 127.0.0.1, prints one line, `Kubedesk UI: <url>` (the URL
 * carries the per-launch token), opens it in the default browser, and stops everything on SIGINT
 * or SIGTERM. Exit codes as `kubedesk serve`: 0 after a clean stop, 1 when it cannot start, 2 for
 * a usage error. bin/kubedesk.mjs runs it from its own bundle, out/cli/kubedesk-ui.mjs.
 */

/** The gateway's port unless --port says otherwise: fixed, so the page's origin (and what the browser keeps for it) is the same at every launch. */
export const DEFAULT_UI_PORT = 7420;

/** `kubedesk ui --help`, naming this machine's default data directory. */
function usage(): string {
  const dataDir = defaultDataDir({ platform: process.platform, env: process.env, home: homedir() });
  return `Usage: kubedesk ui [--data-dir DIR] [--port N] [--runtime docker|simulated] [--context NAME] [--no-open]

Serve the Kubedesk dashboard in your browser: the embedded cluster runs (and is restarted if it
crashes), and a local gateway on 127.0.0.1 serves the dashboard and forwards its requests to the
embedded cluster and to every context of your kubeconfig. Prints one line with the address to
open; the address carries a token that is new at every start. Stops on Ctrl-C (SIGINT) or SIGTERM.

Flags:
  --data-dir DIR      Where the embedded cluster and the settings live (default here:
                      ${dataDir}).
  --port N            The dashboard's port on 127.0.0.1 (default: ${DEFAULT_UI_PORT}; 0 for any free port).
  --runtime RUNTIME   What runs the embedded node's pods: docker (default) or simulated.
  --context NAME      Open this kubeconfig context first instead of the last cluster shown.
  --no-open           Do not open a browser; just print the address.
  -h, --help          Show this help.
`;
}

const COMMAND = 'kubedesk ui';
const RUNTIMES: readonly RuntimeName[] = ['docker', 'simulated'];

export interface UiOptions {
  dataDir: string;
  port: number;
  runtime: RuntimeName;
  context?: string;
  open: boolean;
}

/** A usage error: exit code 2, with a pointer to `--help`. */
export class UiUsageError extends Error {
  override name = 'UiUsageError';
}

/** `kubedesk ui`'s flags, checked; 'help' when help was asked for. Throws {@link UiUsageError}. */
export function parseUiArgs(
  args: string[],
  platform: Platform = { platform: process.platform, env: process.env, home: homedir() },
): UiOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        runtime: { type: 'string' },
        context: { type: 'string' },
        'no-open': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UiUsageError(describeParseError(error));
  }
  if (values.help) return 'help';

  const dataDirFlag = values['data-dir'];
  if (dataDirFlag !== undefined && dataDirFlag.trim() === '')
    throw new UiUsageError('--data-dir must not be empty');
  const home = platform.home;
  const dataDir =
    dataDirFlag === undefined
      ? defaultDataDir(platform)
      : resolve(
          dataDirFlag === '~' || dataDirFlag.startsWith('~/') ? home + dataDirFlag.slice(1) : dataDirFlag,
        );

  const portFlag = values.port ?? String(DEFAULT_UI_PORT);
  const port = Number(portFlag);
  if (!/^\d{1,5}$/.test(portFlag) || port > 65535) {
    throw new UiUsageError(`invalid value "${portFlag}" for --port: want a port number from 0 to 65535`);
  }
  const runtime = (values.runtime ?? 'docker') as RuntimeName;
  if (!RUNTIMES.includes(runtime)) {
    throw new UiUsageError(
      `invalid value "${values.runtime}" for --runtime: want one of ${RUNTIMES.join(', ')}`,
    );
  }
  if (values.context !== undefined && values.context === '')
    throw new UiUsageError('--context must not be empty');
  return {
    dataDir,
    port,
    runtime,
    open: !values['no-open'],
    ...(values.context !== undefined ? { context: values.context } : {}),
  };
}

/** Where `kubedesk ui` writes, which signals stop it, and what it runs; tests replace parts. */
export interface UiIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves on the first stop signal; `onAgain` runs on every later one. */
  stopSignal(onAgain: () => void): Promise<string>;
  /** The `kubedesk` CLI script the cluster process runs (`kubedesk serve`). */
  cliPath: string;
  /** The built dashboard (out/renderer). */
  staticDir: string;
  openBrowser(url: string): void;
}

/** Run `kubedesk ui` with `argv` (the arguments after `ui`); resolves to the exit code. */
export async function runUi(argv: string[], io: UiIo): Promise<number> {
  try {
    const options = parseUiArgs(argv);
    if (options === 'help') {
      io.stdout(usage());
      return 0;
    }
    return await serveUi(options, io);
  } catch (error) {
    if (error instanceof UiUsageError) {
      io.stderr(`error: ${error.message}\nSee '${COMMAND} --help' for usage.\n`);
      return 2;
    }
    io.stderr(`kubedesk ui: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

async function serveUi(options: UiOptions, io: UiIo): Promise<number> {
  const signal = io.stopSignal(() => {
    io.stderr('kubedesk ui: stopping now, without waiting for a clean stop\n');
    // The cluster process sees its IPC channel close and stops itself cleanly.
    process.exit(1);
  });

  const supervisor = new ClusterSupervisor({
    dataDir: options.dataDir,
    runtime: options.runtime,
    spawn: nodeSpawnStrategy(io.cliPath),
    log: (line) => io.stderr(`${line}\n`),
  });
  const directory = kubeconfigDirectory({ embedded: () => supervisor.endpoint() });
  const settings = new SettingsStore(join(options.dataDir, 'settings.json'));

  if (options.context !== undefined) {
    const id = contextId(options.context);
    const clusters = await directory.list();
    if (!clusters.some((cluster) => cluster.id === id)) {
      const names = clusters.filter((c) => c.source === 'kubeconfig').map((c) => c.name);
      throw new UiUsageError(
        `no context "${options.context}" in your kubeconfig` +
          (names.length ? ` (its contexts: ${names.join(', ')})` : ' (it has no contexts)'),
      );
    }
    // The dashboard opens the last cluster shown: make it this one.
    await settings.update({ lastClusterId: id });
  }

  let gatewayUrl = '';
  const portForwards = new PortForwards({ directory });
  const bridge = createAppService({
    mode: 'browser',
    version: appVersion(),
    gatewayUrl: () => gatewayUrl,
    directory,
    embedded: supervisor,
    settings,
    portForwards,
    onError: (error) => io.stderr(`kubedesk ui: ${(error as Error).message}\n`),
  });
  if (!existsSync(join(io.staticDir, 'index.html'))) {
    io.stderr(
      `kubedesk ui: the dashboard is not built (${io.staticDir} is missing); run \`npm run build\`\n`,
    );
  }

  let gateway;
  try {
    gateway = await startGateway({
      directory,
      bridge,
      staticDir: io.staticDir,
      host: '127.0.0.1',
      port: options.port,
    });
  } catch (error) {
    io.stderr(`kubedesk ui: cannot start: ${explainListenError(error, options.port)}\n`);
    return 1;
  }
  gatewayUrl = gateway.url;
  await supervisor.start();
  io.stdout(`Kubedesk UI: ${gateway.launchUrl}\n`);
  if (options.open) io.openBrowser(gateway.launchUrl);

  await signal;
  await portForwards.stopAll();
  await gateway.close().catch((error: unknown) => io.stderr(`kubedesk ui: ${(error as Error).message}\n`));
  await supervisor.stop();
  return 0;
}

/** What to tell the user when the gateway cannot listen. */
function explainListenError(error: unknown, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return `127.0.0.1:${port} is already in use (another kubedesk ui?). Stop it, or choose another port: --port N, or --port 0 for any free port.`;
  }
  if (code === 'EACCES')
    return `not allowed to listen on 127.0.0.1:${port}; choose a port above 1023 with --port N.`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Open `url` in the default browser: xdg-open (Linux and other Unixes), open (macOS), start
 * (Windows). No browser, or no opener, is not an error: the printed line is enough.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args]: [string, string[]] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? // `start` is a cmd built-in; its first quoted argument is a window title. `^` escapes `&`.
          ['cmd', ['/d', '/s', '/c', `start "" ${url.replace(/[&^|<>]/g, '^$&')}`]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, {
      stdio: 'ignore',
      detached: true,
      windowsVerbatimArguments: platform === 'win32',
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // no opener: the user has the printed address
  }
}

/**
 * The process entry point, called by bin/kubedesk.mjs with the arguments after `ui`: run, and exit
 * with the code once every handle has closed, or after a second if one lingers.
 */
export async function main(argv: string[], paths: { cliPath: string; staticDir: string }): Promise<void> {
  const code = await runUi(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stopSignal: (onAgain) =>
      new Promise((resolveSignal) => {
        // A signal sent to the process group and also passed on by a parent (`npm start`,
        // `timeout`) arrives twice at once: only a later one means "stop now".
        let receivedAt: number | undefined;
        const handler = (signal: NodeJS.Signals) => {
          if (receivedAt !== undefined) {
            if (Date.now() - receivedAt > 500) onAgain();
            return;
          }
          receivedAt = Date.now();
          resolveSignal(signal);
        };
        process.on('SIGINT', handler);
        process.on('SIGTERM', handler);
      }),
    openBrowser: (url) => openBrowser(url),
    ...paths,
  });
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1000).unref();
}
