import { createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { systemClock, type Clock } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { ensurePrivateDir, readIfExists, tightenMode, writePrivateFile } from './private-file.js';

/**
 * The cluster's PKI: a CA made on first start and a serving certificate it signs for the API
 * server, kept as PEM files in one directory (`DATA_DIR/pki`) and reused on later starts.
 *
 * | file            | what it is                                                          |
 * | --------------- | ------------------------------------------------------------------- |
 * | `ca.crt`        | self-signed CA, CN `kubedesk-ca`, 10 years; in every kubeconfig      |
 * | `ca.key`        | its key (0600)                                                      |
 * | `apiserver.crt` | CN `kube-apiserver`, 1 year, for every name in {@link SERVING_NAMES} |
 * | `apiserver.key` | its key (0600)                                                      |
 *
 * Keys are ECDSA P-256; certificates are made with `@peculiar/x509` over Node's WebCrypto (this
 * is the only module that imports it, and only when it has to make one: reuse is checked with
 * node:crypto). Fields, lifetimes and the 5-minute backdating follow kubeadm
 * (https://github.com/kubernetes/kubernetes/blob/v1.32.0/cmd/kubeadm/app/util/pkiutil/pki_helpers.go).
 */
export interface PkiConfig {
  /** The directory of the files, created with mode 0700. */
  dir: string;
  /** DNS names the serving certificate covers (default {@link SERVING_NAMES}.dns). */
  dnsNames?: readonly string[];
  /** IP addresses the serving certificate covers (default {@link SERVING_NAMES}.ips). */
  ipAddresses?: readonly string[];
  clock?: Clock;
  logger?: Logger;
}

/** PEM strings: the CA, and the API server's serving certificate and key (as `https` takes them). */
export interface ClusterPki {
  ca: { cert: string; key: string };
  serving: { cert: string; key: string };
}

/** What a local client may call the API server: loopback and the in-cluster names of `kubernetes`. */
export const SERVING_NAMES = {
  dns: [
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
  ],
  ips: ['127.0.0.1', '::1'],
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
export const CA_VALIDITY_MS = 3650 * DAY_MS;
export const SERVING_VALIDITY_MS = 365 * DAY_MS;
/** Reissue the serving certificate at start when it has less than this left. */
export const RENEW_BEFORE_MS = 90 * DAY_MS;
/** notBefore lies this far in the past, for clocks a little behind ours (kubeadm's CertificateBackdate). */
const BACKDATE_MS = 5 * 60 * 1000;

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { ...EC_KEY, hash: 'SHA-256' } as const;

const FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  servingCert: 'apiserver.crt',
  servingKey: 'apiserver.key',
} as const;

/**
 * The PKI in `config.dir`, made or remade where needed. The serving certificate is reissued,
 * keeping the CA, when it has less than {@link RENEW_BEFORE_MS} left (k3s renews at start the same
 * way: https://docs.k3s.io/cli/certificate), when its names differ from the ones asked for, or when
 * it or its key is missing, damaged or not the CA's. The CA is replaced, with a warning, only when
 * it is missing, damaged, or too close to expiry to cover a new serving certificate: every
 * kubeconfig that holds the old one then stops working.
 */
export async function ensurePki(config: PkiConfig): Promise<ClusterPki> {
  const clock = config.clock ?? systemClock;
  const logger = config.logger ?? silentLogger;
  const names = {
    dns: [...(config.dnsNames ?? SERVING_NAMES.dns)],
    ips: [...(config.ipAddresses ?? SERVING_NAMES.ips)],
  };
  const path = (file: keyof typeof FILES) => join(config.dir, FILES[file]);
  await ensurePrivateDir(config.dir);
  const now = clock.now();

  const storedCa = await readPair(path('caCert'), path('caKey'));
  const caProblem = storedCa ? checkCa(storedCa, now) : 'it does not exist';
  let ca: PemPair;
  if (storedCa && caProblem === undefined) {
    ca = storedCa;
    await tightenMode(path('caKey'));
  } else {
    if (storedCa) {
      logger.warn('replacing the cluster CA; kubeconfigs holding the old one must be rewritten', {
        dir: config.dir,
        reason: caProblem,
      });
    }
    ca = await makeCa(now);
    await writePrivateFile(path('caKey'), ca.key);
    await writePrivateFile(path('caCert'), ca.cert);
    logger.info('generated the cluster CA', { file: path('caCert') });
  }

  const storedServing = await readPair(path('servingCert'), path('servingKey'));
  const servingProblem = !storedServing
    ? 'it does not exist'
    : ca !== storedCa
      ? 'the CA was replaced'
      : checkServing(storedServing, ca, names, now);
  let serving: PemPair;
  if (storedServing && servingProblem === undefined) {
    serving = storedServing;
    await tightenMode(path('servingKey'));
  } else {
    serving = await makeServing(ca, names, now);
    await writePrivateFile(path('servingKey'), serving.key);
    await writePrivateFile(path('servingCert'), serving.cert);
    logger.info('generated the API server serving certificate', {
      file: path('servingCert'),
      ...(storedServing ? { reason: servingProblem } : {}),
    });
  }
  return { ca, serving };
}

interface PemPair {
  cert: string;
  key: string;
}

async function readPair(certPath: string, keyPath: string): Promise<PemPair | undefined> {
  const [cert, key] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  return cert === undefined || key === undefined ? undefined : { cert, key };
}

/** Why a stored CA cannot be kept, or undefined when it can. */
function checkCa(pair: PemPair, now: number): string | undefined {
  const parsed = parsePair(pair);
  if (typeof parsed === 'string') return parsed;
  const { cert, key } = parsed;
  if (!cert.ca) return 'it is not a CA certificate';
  if (!cert.checkIssued(cert) || !cert.verify(cert.publicKey)) return 'it is not self-signed';
  if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return 'its key is not ECDSA P-256';
  const expires = Date.parse(cert.validTo);
  if (expires - now < SERVING_VALIDITY_MS) return `it expires on ${cert.validTo}`;
  return undefined;
}

/** Why a stored serving certificate cannot be kept, or undefined when it can. */
function checkServing(
  pair: PemPair,
  ca: PemPair,
  names: { dns: string[]; ips: string[] },
  now: number,
): string | undefined {
  const parsed = parsePair(pair);
  if (typeof parsed === 'string') return parsed;
  const { cert } = parsed;
  const caCert = new X509Certificate(ca.cert);
  if (!cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) return 'it was not issued by the CA';
  if (Date.parse(cert.validFrom) > now + BACKDATE_MS) return `it is not valid before ${cert.validFrom}`;
  if (Date.parse(cert.validTo) - now < RENEW_BEFORE_MS) return `it expires on ${cert.validTo}`;
  const have = sanSet(cert.subjectAltName ?? '');
  const want = new Set([
    ...names.dns.map((name) => `DNS:${name.toLowerCase()}`),
    ...names.ips.map((ip) => `IP:${canonicalIp(ip)}`),
  ]);
  if (have.size !== want.size || [...want].some((entry) => !have.has(entry))) {
    return `its names changed (it has ${[...have].join(', ')})`;
  }
  return undefined;
}

/** The parsed certificate and key of a pair that belong together, or why they do not. */
function parsePair(pair: PemPair) {
  let cert: X509Certificate;
  let key: ReturnType<typeof createPrivateKey>;
  try {
    cert = new X509Certificate(pair.cert);
    key = createPrivateKey(pair.key);
  } catch (error) {
    return `it cannot be read (${(error as Error).message})`;
  }
  if (!cert.checkPrivateKey(key)) return 'its key does not match it';
  return { cert, key };
}

/** `subjectAltName` as node:crypto prints it (`DNS:a, IP Address:127.0.0.1`) → `DNS:a`, `IP:127.0.0.1`. */
function sanSet(subjectAltName: string): Set<string> {
  const entries = new Set<string>();
  for (const entry of subjectAltName.split(', ')) {
    if (entry.startsWith('DNS:')) entries.add(`DNS:${entry.slice(4).toLowerCase()}`);
    else if (entry.startsWith('IP Address:')) entries.add(`IP:${canonicalIp(entry.slice(11))}`);
    else if (entry) entries.add(entry);
  }
  return entries;
}

/** One spelling per address: IPv6 as eight groups of lowercase hex without leading zeros. */
function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((group) => group.replace(/^0+(?=.)/, '')).join(':');
}

type X509Module = typeof import('@peculiar/x509');
let x509Module: Promise<X509Module> | undefined;

/** `@peculiar/x509`, loaded on first use: it costs ~200 ms to load and most starts only reuse. */
function loadX509(): Promise<X509Module> {
  x509Module ??= (async () => {
    // tsyringe, under @peculiar/x509, needs the Reflect metadata API before it loads.
    await import('reflect-metadata');
    return import('@peculiar/x509');
  })();
  return x509Module;
}

/** The WebCrypto that makes and signs the certificates. */
const webCrypto = webcrypto as unknown as Crypto;

async function makeCa(now: number): Promise<PemPair> {
  const x509 = await loadX509();
  const keys = (await webCrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: 'CN=kubedesk-ca',
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + CA_VALIDITY_MS),
      keys,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webCrypto),
      ],
    },
    webCrypto,
  );
  return { cert: cert.toString('pem') + '\n', key: await privateKeyPem(keys.privateKey) };
}

async function makeServing(ca: PemPair, names: { dns: string[]; ips: string[] }, now: number) {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await webCrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(ca.key).export({ type: 'pkcs8', format: 'der' }),
    EC_KEY,
    false,
    ['sign'],
  );
  const keys = (await webCrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create(
    {
      subject: 'CN=kube-apiserver',
      issuer: caCert.subject,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + SERVING_VALIDITY_MS),
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          ...names.dns.map((value) => ({ type: 'dns' as const, value })),
          ...names.ips.map((value) => ({ type: 'ip' as const, value })),
        ]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webCrypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, webCrypto),
      ],
    },
    webCrypto,
  );
  return { cert: cert.toString('pem') + '\n', key: await privateKeyPem(keys.privateKey) };
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webCrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
}
