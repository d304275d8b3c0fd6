import { createPrivateKey, webcrypto } from 'node:crypto';

/**
 * Self-signed certificates: the controller's default certificate, served to TLS clients whose SNI
 * names no host an Ingress has a certificate for (ingress-nginx's "Kubernetes Ingress Controller
 * Fake Certificate"). Made once per start, in memory, with `@peculiar/x509` over Node's WebCrypto.
 *
 * RSA 2048, as ingress-nginx's, not the ECDSA of the cluster's own PKI: OpenSSL keeps serving an
 * ECDSA default certificate when the SNI callback switches to a Secret's RSA one (the common
 * kind: `openssl req -newkey rsa`, as the book does), so every RSA Secret would be ignored.
 */
export interface PemPair {
  cert: string;
  key: string;
}

const RSA_KEY = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;
const DAY_MS = 24 * 60 * 60 * 1000;
const webCrypto = webcrypto as unknown as Crypto;

/** The default certificate's subject and names. */
export const DEFAULT_CERTIFICATE = {
  commonName: 'Kubedesk Ingress Controller Fake Certificate',
  dnsNames: ['ingress.local'],
} as const;

export async function selfSignedCertificate(options: {
  commonName: string;
  dnsNames: readonly string[];
  now?: number;
  validDays?: number;
}): Promise<PemPair> {
  // tsyringe, under @peculiar/x509, needs the Reflect metadata API before it loads.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  const now = options.now ?? Date.now();
  const keys = (await webCrypto.subtle.generateKey(RSA_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: `CN=${options.commonName.replace(/[,+="<>#;\\]/g, ' ')}`,
      notBefore: new Date(now - 5 * 60_000),
      notAfter: new Date(now + (options.validDays ?? 365) * DAY_MS),
      keys,
      signingAlgorithm: RSA_KEY,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          options.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ),
      ],
    },
    webCrypto,
  );
  const der = Buffer.from(await webCrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({
    type: 'pkcs8',
    format: 'pem',
  });
  return { cert: `${cert.toString('pem')}\n`, key: key as string };
}
