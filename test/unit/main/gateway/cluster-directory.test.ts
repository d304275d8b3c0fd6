import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextId, kubeconfigDirectory } from '../../../../src-main/gateway/cluster-directory.js';
import { tempDir } from '../../../support/temp-dir.js';

let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  dir = await tempDir('directory');
  await writeFile(
    path.join(dir.path, 'embedded'),
    `clusters: [{ name: kubedesk, cluster: { server: "https://127.0.0.1:7443", certificate-authority-data: "${Buffer.from('CA PEM').toString('base64')}" } }]
users: [{ name: kubedesk-admin, user: { token: embedded-secret } }]
contexts: [{ name: kubedesk, context: { cluster: kubedesk, user: kubedesk-admin } }]
current-context: kubedesk
`,
  );
  await writeFile(
    path.join(dir.path, 'user'),
    `clusters: [{ name: c, cluster: { server: "https://c:6443" } }]
contexts: [{ name: "dev/eu 1", context: { cluster: c } }]
current-context: "dev/eu 1"
`,
  );
});

afterAll(() => dir?.remove());

describe('kubeconfigDirectory', () => {
  it('lists the embedded cluster first, and connects to it with its kubeconfig', async () => {
    const directory = kubeconfigDirectory({
      kubeconfigPaths: [path.join(dir.path, 'user')],
      embedded: () => ({ kubeconfigPath: path.join(dir.path, 'embedded') }),
    });
    expect(await directory.list()).toEqual([
      { id: 'embedded', name: 'Kubedesk (embedded)', source: 'embedded', server: 'https://127.0.0.1:7443' },
      {
        id: 'context:dev%2Feu%201',
        name: 'dev/eu 1',
        source: 'kubeconfig',
        server: 'https://c:6443',
        current: true,
      },
    ]);
    const connection = await directory.connect('embedded');
    expect(connection?.server.href).toBe('https://127.0.0.1:7443/');
    expect(connection?.tls.ca?.toString()).toBe('CA PEM');
    expect(await connection?.headers()).toEqual({ authorization: 'Bearer embedded-secret' });
    expect(await connection?.headers()).toEqual({ authorization: 'Bearer embedded-secret' });
    const anonymous = await directory.connect(contextId('dev/eu 1'));
    expect(await anonymous?.headers()).toEqual({});
  });

  it('says when the embedded cluster is not running', async () => {
    const directory = kubeconfigDirectory({ kubeconfigPaths: [], embedded: () => undefined });
    expect(await directory.list()).toEqual([
      {
        id: 'embedded',
        name: 'Kubedesk (embedded)',
        source: 'embedded',
        server: '',
        error: 'The embedded cluster is not running.',
      },
    ]);
    expect(await directory.connect('embedded')).toBeUndefined();
  });

  it('has no embedded entry when there is no embedded cluster at all', async () => {
    const directory = kubeconfigDirectory({ kubeconfigPaths: [path.join(dir.path, 'nope')] });
    expect(await directory.list()).toEqual([]);
  });
});
