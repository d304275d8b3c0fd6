import type { CoreV1 } from '../../client/index.js';

/** The label that tells a Deployment's ReplicaSets (and their pods) apart. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/**
 * The pod-template-hash of a Deployment's template, as kube's `controller.ComputeHash`
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go):
 * FNV-32a over the template, then over `collisionCount` as 4 little-endian bytes when set, and the
 * decimal sum passed through `rand.SafeEncodeString` — so ReplicaSets are named like
 * `nginx-7c5ddbdf54`.
 *
 * Kube hashes the Go struct as `spew` prints it; we hash the template's canonical JSON (keys
 * sorted), so the same template gets a stable hash here, though not the very one kube would give.
 */
export function computeHash(template: CoreV1.PodTemplateSpec | undefined, collisionCount?: number): string {
  let hash = fnv32a(FNV_OFFSET, new TextEncoder().encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(hash, bytes);
  }
  return safeEncodeString(String(hash));
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bits, continuing from `hash`. */
export function fnv32a(hash: number, bytes: Uint8Array): number {
  let h = hash >>> 0;
  for (const byte of bytes) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h;
}

/** The alphabet of `rand.SafeEncodeString`: no vowels (no words) and no look-alikes (0/o, 1/l, 3/e). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** `rand.SafeEncodeString`: each byte mapped into {@link ALPHANUMS}. */
export function safeEncodeString(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += ALPHANUMS[byte % ALPHANUMS.length];
  return out;
}

/** JSON with object keys sorted at every level, and undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
