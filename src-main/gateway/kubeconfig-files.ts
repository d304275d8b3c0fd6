import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { parse } from 'yaml';

/**
 * The user's kubeconfig files merged into one view, the way kubectl merges `KUBECONFIG`: the
 * first file to name a cluster, user or context wins, and `current-context` comes from the first
 * file that sets it. Relative file references (CA, client certificate and key, token file, an
 * exec plugin given as a path) are resolved against the directory of the file that holds them.
 * https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#merging-kubeconfig-files
 */
export interface MergedKubeconfig {
  clusters: Map<string, Cluster>;
  users: Map<string, KubeconfigUser>;
  /** In file order: the order the dashboard lists them in. */
  contexts: Context[];
  currentContext?: string;
  /** Files that exist but could not be read or parsed, with why. */
  problems: { file: string; message: string }[];
}

/** A user as client-node reads it, plus the `tokenFile` field client-node does not read. */
export interface KubeconfigUser extends User {
  /** kubectl's `tokenFile` (client-node only knows `token-file`, and reads it once, at load). */
  tokenFilePath?: string;
}

/** The files to read: `KUBECONFIG` split on the path delimiter, else `~/.kube/config`. */
export function defaultKubeconfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  return list.length > 0 ? list : [path.join(homedir(), '.kube', 'config')];
}

/**
 * Reads `paths` again whenever one of them changed (size, mtime, or appeared/disappeared), so that
 * `kubectl config use-context` or a new context shows up on the next `list()`.
 */
export class KubeconfigFiles {
  private signature = '';
  private merged: MergedKubeconfig = emptyConfig();
  private loading: Promise<MergedKubeconfig> | undefined;

  constructor(private readonly paths: readonly string[]) {}

  /** The merged view, re-read first if any file changed. */
  read(): Promise<MergedKubeconfig> {
    // Concurrent callers share one check, so a burst of requests stats the files once.
    this.loading ??= this.refresh().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async refresh(): Promise<MergedKubeconfig> {
    const stats = await Promise.all(this.paths.map((file) => stat(file).catch(() => undefined)));
    const signature = stats.map((s) => (s ? `${s.ino}:${s.size}:${s.mtimeMs}` : '-')).join('|');
    if (signature === this.signature) return this.merged;
    const texts = await Promise.all(
      this.paths.map((file, i) => (stats[i] ? readFile(file, 'utf8').catch(errorOf) : undefined)),
    );
    this.merged = mergeKubeconfigs(this.paths.map((file, i) => ({ file, text: texts[i] })));
    this.signature = signature;
    return this.merged;
  }
}

function errorOf(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Merge the files' contents in order; `text` undefined means the file does not exist. */
export function mergeKubeconfigs(
  files: { file: string; text: string | Error | undefined }[],
): MergedKubeconfig {
  const merged = emptyConfig();
  for (const { file, text } of files) {
    if (text === undefined) continue;
    try {
      if (text instanceof Error) throw text;
      const one = parseKubeconfig(file, text);
      for (const cluster of one.clusters)
        if (!merged.clusters.has(cluster.name)) merged.clusters.set(cluster.name, cluster);
      for (const user of one.users) if (!merged.users.has(user.name)) merged.users.set(user.name, user);
      for (const context of one.contexts) {
        if (!merged.contexts.some((c) => c.name === context.name)) merged.contexts.push(context);
      }
      if (merged.currentContext === undefined && one.currentContext)
        merged.currentContext = one.currentContext;
    } catch (error) {
      merged.problems.push({ file, message: errorOf(error).message });
    }
  }
  return merged;
}

function emptyConfig(): MergedKubeconfig {
  return { clusters: new Map(), users: new Map(), contexts: [], problems: [] };
}

interface ParsedFile {
  clusters: Cluster[];
  users: KubeconfigUser[];
  contexts: Context[];
  currentContext?: string;
}

/** One file through client-node's reader, with kubectl's path rules added. */
function parseKubeconfig(file: string, text: string): ParsedFile {
  // Parsed once here too, for what client-node's reader leaves out (`tokenFile`): and an empty
  // file is a valid, empty kubeconfig for kubectl.
  const raw: unknown = parse(text);
  if (raw === null || raw === undefined) return { clusters: [], users: [], contexts: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: not a kubeconfig`);
  const dir = path.dirname(path.resolve(file));
  const kc = new KubeConfig();
  // An entry without a name (or a cluster without a server) is left out rather than losing the
  // whole file; a context that points at it then says what is missing.
  kc.loadFromString(text, { onInvalidEntry: 'filter' });
  kc.makePathsAbsolute(dir);
  const tokenFiles = tokenFilesOf(raw);
  const users = kc.getUsers().map((user): KubeconfigUser => {
    const tokenFile = tokenFiles.get(user.name);
    return {
      ...user,
      ...(user.exec ? { exec: resolveExecCommand(user.exec, dir) } : {}),
      ...(tokenFile ? { tokenFilePath: path.resolve(dir, tokenFile) } : {}),
    };
  });
  const current = kc.getCurrentContext() as string | undefined;
  return {
    clusters: kc.getClusters(),
    users,
    contexts: kc.getContexts(),
    ...(current ? { currentContext: current } : {}),
  };
}

/** `users[].user.tokenFile` by user name. */
function tokenFilesOf(raw: object): Map<string, string> {
  const result = new Map<string, string>();
  const users = (raw as { users?: unknown }).users;
  if (!Array.isArray(users)) return result;
  for (const entry of users as { name?: unknown; user?: { tokenFile?: unknown } }[]) {
    const tokenFile = entry?.user?.tokenFile;
    if (typeof entry?.name === 'string' && typeof tokenFile === 'string' && tokenFile) {
      result.set(entry.name, tokenFile);
    }
  }
  return result;
}

/**
 * kubectl runs an exec plugin named with a relative path (one containing a separator) from the
 * kubeconfig's directory; a bare name is looked up on PATH.
 */
function resolveExecCommand(exec: { command?: unknown }, dir: string): unknown {
  const command = exec.command;
  if (typeof command !== 'string' || path.isAbsolute(command) || !/[\\/]/.test(command)) return exec;
  return { ...exec, command: path.resolve(dir, command) };
}
