import type { ClusterSummary } from '../shared/bridge.js';
import { kubeconfigConnection } from './kubeconfig-credentials.js';
import {
  defaultKubeconfigPaths,
  KubeconfigFiles,
  type KubeconfigUser,
  type MergedKubeconfig,
} from './kubeconfig-files.js';
import type { Cluster } from '@kubernetes/client-node';

/**
 * How the gateway reaches one cluster: where its API server is, how to trust it, and the
 * credentials to add to each request. Never leaves the main process.
 */
export interface ClusterConnection {
  /** The API server, e.g. `https://127.0.0.1:6443`; a path prefix (`https://host/k8s/`) is kept. */
  server: URL;
  tls: {
    ca?: Buffer | string;
    cert?: Buffer | string;
    key?: Buffer | string;
    rejectUnauthorized: boolean;
    servername?: string;
  };
  /**
   * The credential headers for one request, e.g. `{ authorization: 'Bearer …' }`; asked for on
   * every request, because a token from an exec plugin expires.
   */
  headers(): Promise<Record<string, string>>;
}

/** The clusters the dashboard can show, and how to connect to each. */
export interface ClusterDirectory {
  /** The embedded cluster first, then the kubeconfig's contexts in file order. */
  list(): Promise<ClusterSummary[]>;
  /**
   * The connection for a {@link ClusterSummary.id}; undefined when no such cluster exists or it
   * has an `error`. Rejects when its credentials cannot be obtained (an exec plugin failed).
   */
  connect(id: string): Promise<ClusterConnection | undefined>;
}

export interface KubeconfigDirectoryOptions {
  /** Default: `KUBECONFIG` split on the path delimiter, else `~/.kube/config`; missing files are fine. */
  kubeconfigPaths?: string[];
  /** The embedded cluster's kubeconfig (written by `kubedesk serve`), while it runs. */
  embedded?: () => { kubeconfigPath: string } | undefined;
}

export const EMBEDDED_ID = 'embedded';
const EMBEDDED_NAME = 'Kubedesk (embedded)';

/** The id of a kubeconfig context: `context:<encodeURIComponent(name)>`. */
export function contextId(name: string): string {
  return `context:${encodeURIComponent(name)}`;
}

/**
 * The directory over the embedded cluster and the user's kubeconfig files. The files are re-read
 * when they change; connections are kept until then, so that exec plugins' tokens stay cached.
 */
export function kubeconfigDirectory(options: KubeconfigDirectoryOptions = {}): ClusterDirectory {
  const user = new KubeconfigFiles(options.kubeconfigPaths ?? defaultKubeconfigPaths());
  const embeddedFiles = new Map<string, KubeconfigFiles>();
  const connections = new WeakMap<MergedKubeconfig, Map<string, Promise<ClusterConnection>>>();

  /** The embedded cluster's kubeconfig, read like any other (it changes on every restart). */
  async function embeddedConfig(): Promise<MergedKubeconfig | undefined> {
    const path = options.embedded?.()?.kubeconfigPath;
    if (!path) return undefined;
    let files = embeddedFiles.get(path);
    if (!files) embeddedFiles.set(path, (files = new KubeconfigFiles([path])));
    return files.read();
  }

  async function entries(): Promise<Entry[]> {
    const result: Entry[] = [];
    if (options.embedded) {
      const config = await embeddedConfig();
      const name = config?.currentContext ?? config?.contexts[0]?.name;
      const resolved = config && name !== undefined ? resolve(config, name) : undefined;
      result.push({
        summary: {
          id: EMBEDDED_ID,
          name: EMBEDDED_NAME,
          source: 'embedded',
          server: resolved?.cluster?.server ?? '',
          ...(config
            ? resolved?.error
              ? { error: resolved.error }
              : {}
            : { error: 'The embedded cluster is not running.' }),
        },
        ...(config && name !== undefined ? { config, context: name } : {}),
      });
    }
    const config = await user.read();
    for (const problem of config.problems) {
      result.push({
        summary: {
          id: `file:${encodeURIComponent(problem.file)}`,
          name: problem.file,
          source: 'kubeconfig',
          server: '',
          error: `Cannot read kubeconfig ${problem.file}: ${problem.message}`,
        },
      });
    }
    for (const context of config.contexts) {
      const { cluster, error } = resolve(config, context.name);
      result.push({
        summary: {
          id: contextId(context.name),
          name: context.name,
          source: 'kubeconfig',
          server: cluster?.server ?? '',
          ...(context.namespace ? { namespace: context.namespace } : {}),
          ...(config.currentContext === context.name ? { current: true } : {}),
          ...(error ? { error } : {}),
        },
        config,
        context: context.name,
      });
    }
    return result;
  }

  return {
    async list() {
      return (await entries()).map((entry) => entry.summary);
    },
    async connect(id) {
      const entry = (await entries()).find((e) => e.summary.id === id);
      if (!entry?.config || entry.context === undefined || entry.summary.error) return undefined;
      let cache = connections.get(entry.config);
      if (!cache) connections.set(entry.config, (cache = new Map()));
      let connection = cache.get(entry.context);
      if (!connection) {
        const { cluster, user } = resolve(entry.config, entry.context);
        connection = kubeconfigConnection(cluster!, user);
        cache.set(entry.context, connection);
        // A failed plugin is tried again on the next request rather than remembered.
        connection.catch(() => cache.delete(entry.context!));
      }
      return connection;
    },
  };
}

interface Entry {
  summary: ClusterSummary;
  config?: MergedKubeconfig;
  context?: string;
}

/** A context's cluster and user, or why it cannot be used (kubectl's wording where it has one). */
function resolve(
  config: MergedKubeconfig,
  contextName: string,
): { cluster?: Cluster; user?: KubeconfigUser; error?: string } {
  const context = config.contexts.find((c) => c.name === contextName);
  if (!context) return { error: `context "${contextName}" does not exist` };
  const cluster = config.clusters.get(context.cluster);
  const user = context.user ? config.users.get(context.user) : undefined;
  if (!cluster) return { error: `context "${contextName}": cluster "${context.cluster}" not found` };
  if (context.user && !user)
    return { cluster, error: `context "${contextName}": user "${context.user}" not found` };
  try {
    new URL(cluster.server);
  } catch {
    return { cluster, error: `cluster "${context.cluster}": server "${cluster.server}" is not a URL` };
  }
  return { cluster, ...(user ? { user } : {}) };
}
