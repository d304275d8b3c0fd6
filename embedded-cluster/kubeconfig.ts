import { stringify } from 'yaml';
import { writePrivateFile } from './apiserver/private-file.js';

/**
 * The kubeconfig that lets kubectl (and any client library) reach the embedded cluster: cluster
 * `kubedesk` (the API server's URL and the CA, inline), user `kubedesk-admin` (the bearer token)
 * and context `kubedesk`, which is also the current context.
 * Format: https://kubernetes.io/docs/reference/config-api/kubeconfig.v1/
 */
export interface KubeconfigSpec {
  /** `https://127.0.0.1:6443` */
  server: string;
  /** PEM of the CA that signed the serving certificate. */
  caCert: string;
  token: string;
}

export const KUBECONFIG_NAMES = {
  cluster: 'kubedesk',
  user: 'kubedesk-admin',
  context: 'kubedesk',
} as const;

/** The kubeconfig as YAML. */
export function renderKubeconfig(spec: KubeconfigSpec): string {
  const { cluster, user, context } = KUBECONFIG_NAMES;
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      clusters: [
        {
          name: cluster,
          cluster: {
            server: spec.server,
            'certificate-authority-data': Buffer.from(spec.caCert).toString('base64'),
          },
        },
      ],
      users: [{ name: user, user: { token: spec.token } }],
      contexts: [{ name: context, context: { cluster, user } }],
      'current-context': context,
    },
    { lineWidth: 0 },
  );
}

/**
 * Write the kubeconfig to `path` with mode 0600: the file holds the admin token, so it is never
 * readable by others, not even while being written (and a wider existing file is replaced).
 */
export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<void> {
  await writePrivateFile(path, renderKubeconfig(spec));
}
