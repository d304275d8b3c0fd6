/**
 * A Kubernetes minor release such as `1.32`, as the deprecation table and the server's
 * `/version` (`gitVersion: v1.32.0`) name it. Patch levels never change which APIs are served.
 */
export interface KubeVersion {
  major: number;
  minor: number;
}

/** The release the fixer judges against unless told otherwise: the embedded cluster's. */
export const DEFAULT_SERVER_VERSION = '1.32';

/** `1.32`, `v1.32.0`, `1.32+` → `{ major: 1, minor: 32 }`; throws on anything else. */
export function parseKubeVersion(text: string): KubeVersion {
  const match = /^v?(\d+)\.(\d+)/.exec(text.trim());
  if (!match) throw new Error(`not a Kubernetes version: ${JSON.stringify(text)}`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** Whether release `a` is `b` or later. */
export function atLeast(a: KubeVersion, b: KubeVersion): boolean {
  return a.major !== b.major ? a.major > b.major : a.minor >= b.minor;
}
