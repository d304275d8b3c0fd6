/**
 * Hashing for ControllerRevisions and the `controller-revision-hash` label: FNV-1a over a canonical
 * JSON form, encoded with the "safe" alphabet Kubernetes uses so a hash never spells a word.
 *
 * Kubernetes hashes Go structs (`controller.ComputeHash`, `history.HashControllerRevision` in
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/controller/history/controller_history.go);
 * the values here differ from a real cluster's, but have the same shape and stability: equal
 * templates give equal hashes, and a collision count changes the hash.
 */

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a of `bytes`. */
export function fnv32a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** `rand.SafeEncodeString`: each character mapped into an alphabet without vowels or look-alikes. */
export function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/**
 * JSON with object keys sorted at every level and no spaces, escaping `<`, `>`, `&`, U+2028 and
 * U+2029 as Go's `json.Marshal` does. kubectl compares a revision's data with the bytes it
 * marshals from the live object (`rollout undo` says "skipped rollback" when they are equal), so
 * revision data is written in this form.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** A copy of `value` whose objects list their keys in sorted order (as Go marshals maps). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== undefined) out[key] = sortKeys(child);
  }
  return out;
}

/**
 * The hash of `value` (plus the collision count, when there is one), safe-encoded:
 * `controller.ComputeHash` for a pod template, `HashControllerRevision` for revision data.
 */
export function computeHash(value: unknown, collisionCount?: number): string {
  const text = canonicalJson(value) + (collisionCount ? `#${collisionCount}` : '');
  return safeEncode(String(fnv32a(new TextEncoder().encode(text))));
}
