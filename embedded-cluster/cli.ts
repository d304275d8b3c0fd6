import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, startCluster, type ClusterOptions, type RunningCluster } from './cluster.js';
import { jsonLogger, type Logger } from './util/logger.js';
import { describeParseError } from './util/parse-args-errors.js';

/**
 * `kubedesk`: the command line. `kubedesk serve` runs the embedded cluster headless until SIGINT
 * or SIGTERM. Stdout gets one line, when the API server is ready; logs go to stderr as JSON lines.
 *
 * Exit codes: 0 after a clean stop (also on a signal), 1 when the cluster cannot start or stop
 * (data directory in use, port taken, …), 2 for a usage error (unknown flag, bad value).
 */

const USAGE = `Usage: kubedesk <command> [flags]

Commands:
  serve    Run the embedded Kubernetes cluster headless, until interrupted
  ui       Serve the dashboard in your browser, with the embedded cluster ('kubedesk ui --help')

Run 'kubedesk <command> --help' for a command's flags.
`;

const SERVE_USAGE = `Usage: kubedesk serve [--data-dir DIR] [--port N] [--host ADDR] [--runtime docker|simulated|none]
                     [--etcd-endpoints URL,...] [--no-ingress | --ingress-http-port N --ingress-https-port N]
                     [--no-proxy | --proxy-helper-image IMAGE]

Run the embedded Kubernetes cluster headless: its API server listens on loopback over HTTPS,
and DIR/kubeconfig (context "kubedesk") lets kubectl reach it. Prints one line when ready;
stops cleanly on Ctrl-C (SIGINT) or SIGTERM.

Flags:
  --data-dir DIR          Where the cluster keeps its state, certificates and kubeconfig
                          (default: ~/.kubedesk). One kubedesk at a time per directory.
  --port N                The API server's port (default: ${DEFAULT_PORT}, Kubernetes' own). If it is
                          taken, kubedesk says so and stops: pick another, or 0 for any free port
                          (the kubeconfig is rewritten with the port at every start).
  --host ADDR             Loopback address to listen on: 127.0.0.1 (default) or ::1.
                          Other addresses are refused: the cluster has one all-powerful user.
  --runtime RUNTIME       What runs the node's pods: docker (default: the kubelet runs them as
                          Docker containers; if Docker does not answer, the node is NotReady and
                          says how to start it), simulated (a kubelet stand-in without processes:
                          pods go Running, and finish when their restart policy lets them; the
                          node says it is simulated), or none (no node: pods stay Pending).
  --etcd-endpoints URLS   Keep cluster state in this etcd cluster instead of DIR/store
                          (comma-separated, e.g. http://127.0.0.1:2379).
  --no-ingress            Do not run the ingress controller. By default it serves Ingresses on
                          127.0.0.1 ports 80 and 443 when they are free, else 8080 and 8443, else
                          any free ports (a Warning event on the IngressClass says why).
  --ingress-http-port N   The ingress controller's HTTP port (if taken: any free port, with a
                          warning); 0 for any free port.
  --ingress-https-port N  The same for HTTPS.
  --no-proxy              Do not run kube-proxy (docker runtime). By default it programs the
                          kernel (iptables: itself as root on Linux, else through a helper
                          container on Docker's host network) so that pods reach Services'
                          cluster IPs, and serves NodePorts and LoadBalancers on 127.0.0.1.
  --proxy-helper-image IMAGE
                          The image of kube-proxy's helper container (iptables and sleep; default
                          rancher/klipper-lb; offline: kubedesk/net-helper:test from npm run images).
  --log-level LEVEL       Logs on stderr, as JSON lines: error, warn (default) or info.
  -h, --help              Show this help.

The cluster DNS always runs: pods get nameserver 10.96.0.10 (the kube-dns Service). Where the
DNS and the ingress listen is printed on stderr once the cluster is ready. With the environment
variable KUBEDESK_HOST_NETWORKING=off, kube-proxy and the ingress controller stay off unless a
flag asks for them (test suites that run many clusters side by side).
`;

type LogLevel = 'error' | 'warn' | 'info';
const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info'];

export interface ServeOptions {
  dataDir: string;
  port: number;
  host: string;
  etcdEndpoints?: string[];
  runtime: Runtime;
  logLevel: LogLevel;
  /** The ingress controller: off (`--no-ingress`), or the ports asked for; absent: on, default ports. */
  ingress?: false | { httpPort?: number; httpsPort?: number };
  /** kube-proxy with the docker runtime: on unless `--no-proxy`. */
  proxy?: boolean;
  /** The image of kube-proxy's helper container, when not the default. */
  proxyHelperImage?: string;
}

type Runtime = 'docker' | 'none' | 'simulated';
const RUNTIMES: readonly Runtime[] = ['docker', 'simulated', 'none'];

/** Where the CLI writes and which signals stop it; the process's own unless a test says otherwise. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves on the first stop signal; `onAgain` runs on every later one. */
  stopSignal(onAgain: () => void): Promise<string>;
}

/** A usage error: exit code 2, with a pointer to `--help`. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command = 'kubedesk',
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stopSignal: (onAgain) =>
    new Promise((resolveSignal) => {
      let received = false;
      const handler = (signal: NodeJS.Signals) => {
        if (received) return onAgain();
        received = true;
        resolveSignal(signal);
      };
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
    }),
};

/** Run `kubedesk` with `argv` (the arguments after the program name); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      io.stderr(USAGE);
      return 2;
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    if (command !== 'serve') throw new UsageError(`unknown command "${command}"`);
    const options = parseServeArgs(rest);
    if (options === 'help') {
      io.stdout(SERVE_USAGE);
      return 0;
    }
    return await serve(options, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\nSee '${error.command} --help' for usage.\n`);
      return 2;
    }
    io.stderr(`kubedesk: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

/** `kubedesk serve`'s flags, checked; 'help' when help was asked for. Throws {@link UsageError}. */
export function parseServeArgs(args: string[], home = homedir()): ServeOptions | 'help' {
  const command = 'kubedesk serve';
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'etcd-endpoints': { type: 'string' },
        runtime: { type: 'string' },
        'log-level': { type: 'string' },
        'no-ingress': { type: 'boolean' },
        'no-proxy': { type: 'boolean' },
        'proxy-helper-image': { type: 'string' },
        'ingress-http-port': { type: 'string' },
        'ingress-https-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
  if (values.help) return 'help';

  const dataDirFlag = values['data-dir'] ?? '~/.kubedesk';
  if (dataDirFlag.trim() === '') throw new UsageError('--data-dir must not be empty', command);
  const dataDir = resolve(
    dataDirFlag === '~' || dataDirFlag.startsWith('~/') ? home + dataDirFlag.slice(1) : dataDirFlag,
  );

  const port = portNumber('--port', values.port ?? String(DEFAULT_PORT));

  const hostFlag = values.host ?? '127.0.0.1';
  const host = hostFlag === 'localhost' ? '127.0.0.1' : hostFlag;
  if (host !== '127.0.0.1' && host !== '::1') {
    throw new UsageError(
      `invalid value "${hostFlag}" for --host: kubedesk listens on loopback only (127.0.0.1 or ::1), ` +
        'because its API server has one user who may do everything',
      command,
    );
  }

  let etcdEndpoints: string[] | undefined;
  if (values['etcd-endpoints'] !== undefined) {
    etcdEndpoints = values['etcd-endpoints']
      .split(',')
      .map((endpoint) => endpoint.trim())
      .filter((endpoint) => endpoint !== '');
    if (etcdEndpoints.length === 0) throw new UsageError('--etcd-endpoints lists no endpoint', command);
    for (const endpoint of etcdEndpoints) {
      if (!isHttpUrl(endpoint)) {
        throw new UsageError(
          `invalid endpoint "${endpoint}" in --etcd-endpoints: want a URL such as http://127.0.0.1:2379`,
          command,
        );
      }
    }
  }

  const logLevel = (values['log-level'] ?? 'warn') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(
      `invalid value "${logLevel}" for --log-level: want one of ${LOG_LEVELS.join(', ')}`,
      command,
    );
  }
  const runtime = (values.runtime ?? 'docker') as Runtime;
  if (!RUNTIMES.includes(runtime)) {
    throw new UsageError(
      `invalid value "${values.runtime}" for --runtime: want one of ${RUNTIMES.join(', ')}`,
      command,
    );
  }
  let ingress: ServeOptions['ingress'];
  const httpFlag = values['ingress-http-port'];
  const httpsFlag = values['ingress-https-port'];
  if (values['no-ingress']) {
    if (httpFlag !== undefined || httpsFlag !== undefined) {
      throw new UsageError('--no-ingress and --ingress-http(s)-port do not go together', command);
    }
    ingress = false;
  } else if (httpFlag !== undefined || httpsFlag !== undefined) {
    ingress = {
      ...(httpFlag !== undefined ? { httpPort: portNumber('--ingress-http-port', httpFlag) } : {}),
      ...(httpsFlag !== undefined ? { httpsPort: portNumber('--ingress-https-port', httpsFlag) } : {}),
    };
  }
  return {
    dataDir,
    port,
    host,
    runtime,
    logLevel,
    ...(etcdEndpoints ? { etcdEndpoints } : {}),
    ...(ingress !== undefined ? { ingress } : {}),
    ...(values['no-proxy'] ? { proxy: false } : {}),
    ...(values['proxy-helper-image'] ? { proxyHelperImage: values['proxy-helper-image'] } : {}),
  };
}

/** A port flag's value, 0 to 65535. Throws {@link UsageError}. */
function portNumber(flag: string, text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535) {
    throw new UsageError(
      `invalid value "${text}" for ${flag}: want a port number from 0 to 65535`,
      'kubedesk serve',
    );
  }
  return port;
}

/**
 * The ingress controller's options for `startCluster`: on unless `--no-ingress`; a port given on
 * the command line falls back to any free port (never to another fixed one) when it is taken.
 */
function ingressOptions(ingress: ServeOptions['ingress']): ClusterOptions['ingress'] {
  if (ingress === false) return false;
  return {
    ...(ingress?.httpPort !== undefined ? { httpPort: ingress.httpPort, fallbackHttpPort: 0 } : {}),
    ...(ingress?.httpsPort !== undefined ? { httpsPort: ingress.httpsPort, fallbackHttpsPort: 0 } : {}),
  };
}

/** Where the cluster's networking answers, in one line for stderr (stdout has the ready line only). */
function describeNetworking(cluster: RunningCluster): string {
  const parts: string[] = [];
  if (cluster.ingress) {
    const { httpPort, httpsPort } = cluster.ingress;
    parts.push(`ingress at http://127.0.0.1:${httpPort} and https://127.0.0.1:${httpsPort}`);
  } else parts.push('ingress off');
  if (cluster.dns) {
    const { host, port, clusterIP } = cluster.dns;
    parts.push(`cluster DNS on ${host.includes(':') ? `[${host}]` : host}:${port} (kube-dns ${clusterIP})`);
  }
  return `Networking: ${parts.join('; ')}\n`;
}

/** Start the cluster, say so, and stop it on the first signal. */
async function serve(options: ServeOptions, io: CliIo): Promise<number> {
  const toStderr = (line: string) => {
    io.stderr(line);
    return true;
  };
  const logger = leveled(jsonLogger('kubedesk', toStderr), options.logLevel);
  // Listen from the start: a signal that arrives while starting stops the cluster once it is up.
  // A second signal means "now": exit without waiting (the stale lock is taken over next time).
  const signal = io.stopSignal(() => {
    io.stderr('kubedesk: stopping now, without waiting for a clean stop\n');
    process.exit(1);
  });
  let stopRequested = false;
  void signal.then(() => (stopRequested = true));

  // KUBEDESK_HOST_NETWORKING=off: nothing on the host's ports 80/443 or in its kernel tables unless
  // a flag asks (test suites running many clusters side by side; one kube-proxy per host).
  const hostPorts = process.env.KUBEDESK_HOST_NETWORKING !== 'off';
  let cluster: RunningCluster;
  try {
    cluster = await startCluster({
      dataDir: options.dataDir,
      port: options.port,
      host: options.host,
      ...(options.etcdEndpoints ? { etcdEndpoints: options.etcdEndpoints } : {}),
      runtime: options.runtime,
      logger,
      // kube-dns always exists in a served cluster, as tools expect, whatever runs the pods.
      dns: {},
      ingress: ingressOptions(hostPorts ? options.ingress : (options.ingress ?? false)),
      proxy:
        options.proxy === false || !hostPorts
          ? false
          : options.proxyHelperImage
            ? { helperImage: options.proxyHelperImage }
            : {},
    });
  } catch (error) {
    io.stderr(`kubedesk: cannot start: ${explainStartError(error, options)}\n`);
    return 1;
  }
  // Not "ready" if it is about to stop: whoever waits for the line would find nothing.
  if (!stopRequested) {
    // Not prefixed `kubedesk:`: that prefix marks the CLI's problems (src-main/cluster-host).
    io.stderr(describeNetworking(cluster));
    io.stdout(`Kubedesk API server ready at ${cluster.url} — kubeconfig: ${cluster.kubeconfigPath}\n`);
  }

  const received = await signal;
  logger.info('stopping', { signal: received });
  try {
    await cluster.stop();
  } catch (error) {
    io.stderr(`kubedesk: stopped with an error: ${(error as Error).message}\n`);
    return 1;
  }
  return 0;
}

/** What to tell the user about a failed start. */
function explainStartError(error: unknown, options: ServeOptions): string {
  const code = (error as NodeJS.ErrnoException).code;
  const address = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  if (code === 'EADDRINUSE') {
    return (
      `${address} is already in use (another kubedesk, or another local Kubernetes such as ` +
      'Docker Desktop, k3d or minikube?). Stop it, or choose another port: --port N, or --port 0 for any free port.'
    );
  }
  if (code === 'EACCES')
    return `not allowed to listen on ${address}; choose a port above 1023 with --port N.`;
  return error instanceof Error ? error.message : String(error);
}

/** `logger` without the levels below `level`. */
function leveled(logger: Logger, level: LogLevel): Logger {
  const at = LOG_LEVELS.indexOf(level);
  const off = () => {};
  return {
    error: logger.error,
    warn: at >= 1 ? logger.warn : off,
    info: at >= 2 ? logger.info : off,
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The process entry point (`bin/kubedesk.mjs`, and the bundle `out/cli/kubedesk.mjs`): run with
 * the process's arguments and exit with the code, once every handle has closed, or after a second
 * if one lingers.
 */
export async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2));
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1000).unref();
}
