import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CA_VALIDITY_MS,
  ensurePki,
  RENEW_BEFORE_MS,
  SERVING_VALIDITY_MS,
  type ClusterPki,
} from '../../../embedded-cluster/apiserver/tls.js';
import { ManualClock } from '../../../embedded-cluster/util/clock.js';
import { tempDir } from '../../support/temp-dir.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const FILES = ['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key'];
const NAMES = [
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
  'IP Address:127.0.0.1',
  'IP Address:0:0:0:0:0:0:0:1',
];

let dir: { path: string; remove(): Promise<void> };
let pkiDir: string;
beforeEach(async () => {
  dir = await tempDir('tls');
  pkiDir = join(dir.path, 'pki');
});
afterEach(() => dir.remove());

async function files(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    FILES.map(async (file) => [file, await readFile(join(pkiDir, file), 'utf8')]),
  );
  return Object.fromEntries(entries);
}

function parse(pki: ClusterPki) {
  return { ca: new X509Certificate(pki.ca.cert), serving: new X509Certificate(pki.serving.cert) };
}

describe('ensurePki on first start', () => {
  it('makes a self-signed 10-year ECDSA P-256 CA named kubedesk-ca', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const { ca } = parse(await ensurePki({ dir: pkiDir, clock }));
    expect(ca.subject).toBe('CN=kubedesk-ca');
    expect(ca.ca).toBe(true);
    expect(ca.checkIssued(ca)).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(Date.parse(ca.validTo) - clock.now()).toBeGreaterThanOrEqual(CA_VALIDITY_MS - 1000);
    expect(Date.parse(ca.validFrom)).toBeLessThanOrEqual(clock.now());
  });

  it('makes a serving certificate that verifies against the CA, for one year, with every name', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const pki = await ensurePki({ dir: pkiDir, clock });
    const { ca, serving } = parse(pki);
    expect(serving.checkIssued(ca)).toBe(true);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.ca).toBe(false);
    expect(serving.checkPrivateKey(createPrivateKey(pki.serving.key))).toBe(true);
    expect(serving.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(serving.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(serving.subjectAltName?.split(', ').sort()).toEqual([...NAMES].sort());
    expect(serving.checkHost('kubernetes.default.svc.cluster.local')).toBe(
      'kubernetes.default.svc.cluster.local',
    );
    expect(serving.checkIP('::1')).toBe('::1');
    expect(Date.parse(serving.validTo) - clock.now()).toBeGreaterThanOrEqual(SERVING_VALIDITY_MS - 1000);
  });

  it("names the CA's key in the serving certificate, as Go's chain builder (kubectl) matches them", async () => {
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    const pki = await ensurePki({ dir: pkiDir });
    const ca = new x509.X509Certificate(pki.ca.cert);
    const serving = new x509.X509Certificate(pki.serving.cert);
    const caKeyId = ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(caKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(serving.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caKeyId);
  });

  it('writes the four PEM files, keys with mode 0600, in a 0700 directory', async () => {
    const pki = await ensurePki({ dir: pkiDir });
    const written = await files();
    expect(written).toEqual({
      'ca.crt': pki.ca.cert,
      'ca.key': pki.ca.key,
      'apiserver.crt': pki.serving.cert,
      'apiserver.key': pki.serving.key,
    });
    expect(pki.serving.key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    for (const key of ['ca.key', 'apiserver.key']) {
      expect((await stat(join(pkiDir, key))).mode & 0o777).toBe(0o600);
    }
    expect((await stat(pkiDir)).mode & 0o777).toBe(0o700);
  });
});

describe('ensurePki on later starts', () => {
  it('reuses every file byte for byte', async () => {
    const first = await ensurePki({ dir: pkiDir });
    const before = await files();
    const second = await ensurePki({ dir: pkiDir });
    expect(second).toEqual(first);
    expect(await files()).toEqual(before);
  });

  it('reissues an expiring serving certificate and keeps the CA', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const first = await ensurePki({ dir: pkiDir, clock });
    clock.advance(SERVING_VALIDITY_MS - RENEW_BEFORE_MS - DAY_MS); // still more than 90 days left
    expect(await ensurePki({ dir: pkiDir, clock })).toEqual(first);

    clock.advance(2 * DAY_MS); // now less than 90 days left
    const renewed = await ensurePki({ dir: pkiDir, clock });
    expect(renewed.ca).toEqual(first.ca);
    expect(renewed.serving.cert).not.toBe(first.serving.cert);
    expect(renewed.serving.key).not.toBe(first.serving.key);
    const { ca, serving } = parse(renewed);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(Date.parse(serving.validTo) - clock.now()).toBeGreaterThanOrEqual(SERVING_VALIDITY_MS - 1000);
  });

  it('reissues the serving certificate when the names asked for change, and keeps the CA', async () => {
    const first = await ensurePki({ dir: pkiDir });
    const more = await ensurePki({ dir: pkiDir, dnsNames: ['localhost', 'kubedesk.local'] });
    expect(more.ca).toEqual(first.ca);
    expect(new X509Certificate(more.serving.cert).subjectAltName).toBe(
      'DNS:localhost, DNS:kubedesk.local, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    const back = await ensurePki({ dir: pkiDir });
    expect(new X509Certificate(back.serving.cert).subjectAltName?.split(', ').sort()).toEqual(
      [...NAMES].sort(),
    );
    expect(await ensurePki({ dir: pkiDir })).toEqual(back);
  });

  it('reissues a serving certificate whose key is missing or does not match', async () => {
    const first = await ensurePki({ dir: pkiDir });
    await writeFile(join(pkiDir, 'apiserver.key'), first.ca.key);
    const repaired = await ensurePki({ dir: pkiDir });
    expect(repaired.ca).toEqual(first.ca);
    expect(
      new X509Certificate(repaired.serving.cert).checkPrivateKey(createPrivateKey(repaired.serving.key)),
    ).toBe(true);
  });

  it('replaces a damaged CA, and the serving certificate with it', async () => {
    const first = await ensurePki({ dir: pkiDir });
    await writeFile(join(pkiDir, 'ca.crt'), 'not a certificate');
    const replaced = await ensurePki({ dir: pkiDir });
    expect(replaced.ca.cert).not.toBe(first.ca.cert);
    const { ca, serving } = parse(replaced);
    expect(serving.verify(ca.publicKey)).toBe(true);
  });

  it('makes a key file 0600 again if it was widened', async () => {
    await ensurePki({ dir: pkiDir });
    await chmod(join(pkiDir, 'ca.key'), 0o644);
    await ensurePki({ dir: pkiDir });
    expect((await stat(join(pkiDir, 'ca.key'))).mode & 0o777).toBe(0o600);
  });
});
