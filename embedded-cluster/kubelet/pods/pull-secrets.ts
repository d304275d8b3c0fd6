import type { CoreV1 } from '../../client/index.js';
import { ImagePullError, type RegistryAuth } from '../runtime/container-runtime.js';
import type { ConfigSource } from './env.js';

/**
 * A pod's `imagePullSecrets` as the kubelet reads them (kubelet_pods.go `getPullSecretsForPod`):
 * each named Secret of the pod's namespace, skipping empty names. One that cannot be read is not
 * fatal: its name lands in `missing`, for the `FailedToRetrieveImagePullSecret` warning, and the
 * image is pulled with whatever the others give.
 */
export async function podPullSecrets(
  pod: CoreV1.Pod,
  source: ConfigSource,
): Promise<{ secrets: CoreV1.Secret[]; missing: string[] }> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const secrets: CoreV1.Secret[] = [];
  const missing: string[] = [];
  for (const ref of pod.spec?.imagePullSecrets ?? []) {
    // The API accepts entries without a name (kubernetes#99454); the kubelet ignores them quietly.
    if (!ref.name) continue;
    const secret = await source.secret(namespace, ref.name).catch(() => undefined);
    if (secret) secrets.push(secret);
    else missing.push(ref.name);
  }
  return { secrets, missing };
}

/** The message of the kubelet's `FailedToRetrieveImagePullSecret` warning event. */
export function missingPullSecretsMessage(missing: string[]): string {
  return `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`;
}

/**
 * The registry credentials in pull secrets (pkg/credentialprovider/secrets `MakeDockerKeyring`):
 * a `kubernetes.io/dockerconfigjson` Secret's `.dockerconfigjson` (`{"auths": {server: entry}}`)
 * or a `kubernetes.io/dockercfg` Secret's `.dockercfg` (the map itself); Secrets of other types
 * or without that key are ignored. An entry's `auth` (base64 `user:password`) overrides its
 * `username`/`password` (credentialprovider/config.go `DockerConfigEntry.UnmarshalJSON`); as
 * there, `email`, `identitytoken` and `registrytoken` are not used. `server` is the key the entry
 * is filed under, as written. A Secret that does not parse makes the pull fail
 * ({@link ImagePullError} `ErrImagePull`), as `MakeDockerKeyring`'s error fails `PullImage`.
 */
export function pullCredentials(secrets: CoreV1.Secret[]): RegistryAuth[] {
  const out: RegistryAuth[] = [];
  for (const secret of secrets) {
    const auths = dockerConfigOf(secret);
    for (const [server, entry] of Object.entries(auths ?? {})) out.push(credential(secret, server, entry));
  }
  return out;
}

function dockerConfigOf(secret: CoreV1.Secret): Record<string, unknown> | undefined {
  const key =
    secret.type === 'kubernetes.io/dockerconfigjson'
      ? '.dockerconfigjson'
      : secret.type === 'kubernetes.io/dockercfg'
        ? '.dockercfg'
        : undefined;
  const encoded = key ? secret.data?.[key] : undefined;
  if (!key || !encoded) return undefined;
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw unparsable(secret, (error as Error).message);
  }
  if (key === '.dockerconfigjson' && parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed)))
    throw unparsable(secret, `${key} is not an object`);
  const auths = key === '.dockerconfigjson' ? (parsed as { auths?: unknown } | null)?.auths : parsed;
  if (auths === undefined || auths === null) return undefined;
  if (typeof auths !== 'object' || Array.isArray(auths))
    throw unparsable(secret, `${key}${key === '.dockerconfigjson' ? '.auths' : ''} is not an object`);
  return auths as Record<string, unknown>;
}

function credential(secret: CoreV1.Secret, server: string, entry: unknown): RegistryAuth {
  if (entry === null) return { server, username: '', password: '' };
  if (typeof entry !== 'object' || Array.isArray(entry))
    throw unparsable(secret, `the entry for "${server}" is not an object`);
  const fields = entry as Record<string, unknown>;
  const text = (name: string) => {
    const value = fields[name];
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') throw unparsable(secret, `"${name}" of "${server}" is not a string`);
    return value;
  };
  const auth = text('auth');
  if (!auth) return { server, username: text('username'), password: text('password') };
  const decoded = decodeAuth(auth);
  if (decoded === undefined)
    throw unparsable(
      secret,
      `"auth" of "${server}": unable to parse auth field, must be formatted as base64(username:password)`,
    );
  return { server, ...decoded };
}

/** `base64(user:password)`, padded or not; undefined when it is not that. */
function decodeAuth(field: string): { username: string; password: string } | undefined {
  const trimmed = field.trim();
  // Node's decoder skips what is not base64; Go's fails, and so must this.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 === 1) return undefined;
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function unparsable(secret: CoreV1.Secret, why: string): ImagePullError {
  const name = `${secret.metadata?.namespace ?? ''}/${secret.metadata?.name ?? ''}`;
  return new ImagePullError('ErrImagePull', `invalid image pull secret ${name}: ${why}`);
}

/**
 * The repository an image reference pulls from, normalized as the kubelet looks credentials up
 * (parsers.ParseImageName, i.e. distribution/reference `ParseNormalizedNamed` without tag or
 * digest): `busybox` → `docker.io/library/busybox`, `127.0.0.1:5000/a/b:1` → `127.0.0.1:5000/a/b`.
 */
export function repositoryOf(image: string): string {
  let name = image;
  const at = name.indexOf('@');
  if (at >= 0) name = name.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) name = name.slice(0, colon);
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return first === 'index.docker.io' ? `docker.io${name.slice(slash)}` : name;
  }
  return `docker.io/${slash < 0 ? `library/${name}` : name}`;
}

/** A keyring key: host (with port) and the path below it, `/v1/`/`/v2/` prefixes dropped (keyring.go `Add`). */
function keyOf(server: string): string {
  const rest = server.replace(/^https?:\/\//, '');
  const slash = rest.indexOf('/');
  if (slash < 0) return rest;
  let path = rest.slice(slash);
  if (path.startsWith('/v1/') || path.startsWith('/v2/')) path = path.slice(3);
  return path === '/' ? rest.slice(0, slash) : rest.slice(0, slash) + path;
}

function splitKey(key: string): { labels: string[]; port: string; path: string } {
  const slash = key.indexOf('/');
  const host = slash < 0 ? key : key.slice(0, slash);
  const path = slash < 0 ? '' : key.slice(slash);
  const port = /:(\d*)$/.exec(host);
  return {
    labels: (port ? host.slice(0, port.index) : host).split('.'),
    port: port?.[1] ?? '',
    path,
  };
}

/** `filepath.Match` for one host label: `*`, `?` and `[…]` classes. */
function labelMatches(glob: string, label: string): boolean {
  if (!/[*?[\\]/.test(glob)) return glob === label;
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') pattern += '.*';
    else if (c === '?') pattern += '.';
    else if (c === '\\' && i + 1 < glob.length) pattern += `\\${glob[++i]}`;
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) return false; // a malformed pattern matches nothing
      pattern += `[${glob.slice(i + 1, end)}]`; // `[^…]` negates, in Go and in a RegExp alike
      i = end;
    } else pattern += c.replace(/[.+^${}()|\]]/g, '\\$&');
  }
  try {
    return new RegExp(`^${pattern}$`, 's').test(label);
  } catch {
    return false;
  }
}

/** Whether a keyring key applies to a repository (keyring.go `URLsMatch`): same port, as many host labels each matching its glob, and the key's path a prefix. */
function keyMatches(key: string, repository: string): boolean {
  const glob = splitKey(key);
  const target = splitKey(repository);
  return (
    glob.port === target.port &&
    glob.labels.length === target.labels.length &&
    target.path.startsWith(glob.path) &&
    glob.labels.every((label, i) => labelMatches(label, target.labels[i]!))
  );
}

/**
 * The credentials to try for `image`, in the kubelet's order (pkg/credentialprovider/keyring.go
 * `BasicDockerKeyring.Lookup`): entries whose key matches the image's repository, the keys in
 * reverse lexical order so `host/team` comes before `host`, and an entry's duplicates in the order
 * given. Host labels may be globs (`*.example.com`); the port must be the same. When nothing
 * matches, a Docker Hub image gets the entries filed under `index.docker.io` (also written
 * `https://index.docker.io/v1/`). An empty result means an anonymous pull.
 */
export function credentialsFor(image: string, auths: RegistryAuth[]): RegistryAuth[] {
  const repository = repositoryOf(image);
  const byKey = new Map<string, RegistryAuth[]>();
  for (const auth of auths) {
    const key = keyOf(auth.server);
    if (!key) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), auth]);
  }
  const keys = [...byKey.keys()].sort().reverse();
  const matched = keys.filter((key) => keyMatches(key, repository)).flatMap((key) => byKey.get(key)!);
  if (matched.length > 0) return matched;
  return repository.startsWith('docker.io/') ? (byKey.get('index.docker.io') ?? []) : [];
}
