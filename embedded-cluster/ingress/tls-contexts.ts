import { createSecureContext, type SecureContext } from 'node:tls';
import type { Secret } from 'kubernetes-types/core/v1.js';
import type { PemPair } from './self-signed.js';

/** The Secret type an Ingress's TLS certificate must have. */
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

/** Why a TLS Secret cannot be used, or its certificate and key. */
export type SecretCertificate = { ok: true; pair: PemPair } | { ok: false; reason: string };

/** Read a `kubernetes.io/tls` Secret's `tls.crt` and `tls.key` (base64 in `data`). */
export function certificateOf(secret: Secret | undefined, name: string): SecretCertificate {
  if (!secret) return { ok: false, reason: `secret "${name}" does not exist` };
  if (secret.type !== TLS_SECRET_TYPE) {
    return {
      ok: false,
      reason: `secret "${name}" is of type ${secret.type ?? 'Opaque'}, not ${TLS_SECRET_TYPE}`,
    };
  }
  const read = (key: string) => {
    const value = secret.data?.[key];
    return value ? Buffer.from(value, 'base64').toString('utf8') : undefined;
  };
  const cert = read('tls.crt');
  const key = read('tls.key');
  if (!cert || !key) return { ok: false, reason: `secret "${name}" lacks tls.crt or tls.key` };
  return { ok: true, pair: { cert, key } };
}

/**
 * Secure contexts for SNI: one per TLS Secret, made on first use and kept while the Secret's
 * resourceVersion stays the same, so a renewed certificate is served from the next handshake on.
 * A Secret that cannot be used yields undefined (the caller serves the default certificate, as
 * ingress-nginx does, and reports why).
 */
export class SecureContexts {
  private readonly cache = new Map<string, { version: string; context: SecureContext | Error }>();

  /** The context for a Secret (`namespace/name`), or the error that stops it being one. */
  for(key: string, secret: Secret, pair: PemPair): SecureContext | Error {
    const version = secret.metadata?.resourceVersion ?? '';
    const cached = this.cache.get(key);
    if (cached && cached.version === version) return cached.context;
    let context: SecureContext | Error;
    try {
      context = createSecureContext({ cert: pair.cert, key: pair.key });
    } catch (error) {
      context = error instanceof Error ? error : new Error(String(error));
    }
    this.cache.set(key, { version, context });
    return context;
  }

  /** Forget the contexts of Secrets not in `keys`. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.cache.keys()) if (!keys.has(key)) this.cache.delete(key);
  }
}
