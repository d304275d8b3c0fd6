import { readFile } from 'node:fs/promises';
import type { RequestOptions } from 'node:https';
import { KubeConfig, type Cluster } from '@kubernetes/client-node';
import type { ClusterConnection } from './cluster-directory.js';
import type { KubeconfigUser } from './kubeconfig-files.js';

/**
 * The connection to one kubeconfig context: its cluster's server and TLS settings, and its user's
 * credentials applied by client-node's own machinery (bearer token, basic auth, client
 * certificate as data or file, exec credential plugins with their token cache, auth providers).
 * `tokenFile` is read here, on every request, as client-node does not know kubectl's field.
 *
 * Resolves once the credentials have been computed a first time (an exec plugin has run), so a
 * plugin's failure surfaces as the connection's error.
 */
export async function kubeconfigConnection(
  cluster: Cluster,
  user: KubeconfigUser | undefined,
): Promise<ClusterConnection> {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // client-node refuses to build its (unused) agent for http:// unless TLS checks are off, and
    // would build a proxy agent for proxy-url: neither matters here, only the options it fills.
    clusters: [{ ...cluster, proxyUrl: undefined, skipTLSVerify: true }],
    // Without a user client-node applies nothing, not even the cluster's CA.
    users: [user ?? { name: '' }],
    contexts: [{ name: 'gateway', cluster: cluster.name, user: user?.name ?? '' }],
    currentContext: 'gateway',
  });
  const first = await applyCredentials(kc, user);
  let spare: Promise<AppliedCredentials> | undefined = Promise.resolve(first);
  let inFlight: Promise<AppliedCredentials> | undefined;
  return {
    server: new URL(cluster.server),
    tls: {
      ...pick(first.options),
      rejectUnauthorized: !cluster.skipTLSVerify,
      ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    },
    async headers() {
      // The first request reuses what connecting computed; later ones ask again (an exec plugin's
      // token expires), one at a time so that a burst of requests runs a cold plugin only once.
      const next = spare ?? (inFlight ??= applyCredentials(kc, user).finally(() => (inFlight = undefined)));
      spare = undefined;
      return (await next).headers;
    },
  };
}

interface AppliedCredentials {
  options: RequestOptions;
  headers: Record<string, string>;
}

async function applyCredentials(
  kc: KubeConfig,
  user: KubeconfigUser | undefined,
): Promise<AppliedCredentials> {
  const options: RequestOptions = {};
  await withExecEnvRestored(user, () => kc.applyToHTTPSOptions(options));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  if (typeof options.auth === 'string') {
    headers.authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  }
  if (user?.tokenFilePath) {
    const token = (await readFile(user.tokenFilePath, 'utf8')).trim();
    if (token) headers.authorization = `Bearer ${token}`;
  }
  return { options, headers };
}

function pick(options: RequestOptions): {
  ca?: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
} {
  const result: { ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string } = {};
  for (const name of ['ca', 'cert', 'key'] as const) {
    const value = options[name];
    if (typeof value === 'string' || Buffer.isBuffer(value)) result[name] = value;
  }
  return result;
}

/**
 * client-node hands an exec plugin its `env` by writing it into the gateway's own `process.env`
 * (exec_auth.js), where it would leak into every later plugin of every other context (one context's
 * `AWS_PROFILE` picked up by the next). Its code runs synchronously up to the plugin's spawn, so
 * restoring the variables right after the call returns, before awaiting, undoes that in time.
 */
async function withExecEnvRestored(
  user: KubeconfigUser | undefined,
  apply: () => Promise<void>,
): Promise<void> {
  const names = execEnvNames(user);
  const saved = names.map((name) => [name, process.env[name]] as const);
  let pending: Promise<void>;
  try {
    pending = apply();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  await pending;
}

function execEnvNames(user: KubeconfigUser | undefined): string[] {
  const exec = (user?.exec ??
    (user?.authProvider as { config?: { exec?: unknown } } | undefined)?.config?.exec) as
    { env?: unknown } | undefined;
  if (!Array.isArray(exec?.env)) return [];
  return (exec.env as { name?: unknown }[]).flatMap((e) => (typeof e?.name === 'string' ? [e.name] : []));
}
