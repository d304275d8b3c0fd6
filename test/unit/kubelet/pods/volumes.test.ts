import { lstat, mkdir, readFile, readlink, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import { writeAtomically } from '../../../../embedded-cluster/kubelet/pods/atomic-writer.js';
import {
  checkHostPath,
  VolumeManager,
  type VolumeSource,
} from '../../../../embedded-cluster/kubelet/pods/volumes.js';
import { tempDir } from '../../../support/temp-dir.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir('volumes');
});
afterAll(async () => {
  await dir.remove();
});

const source: VolumeSource = {
  configMap: async (_ns, name) => (name === 'cm' ? { data: { a: '1', b: '2' } } : undefined),
  secret: async (_ns, name) =>
    name === 's' ? { data: { pw: Buffer.from('x').toString('base64') } } : undefined,
  persistentVolumeClaim: async (_ns, name) =>
    name === 'claim' ? { spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } } : undefined,
  persistentVolume: async () => ({ spec: { hostPath: { path: join(dir.path, 'pv-data') } } }),
  serviceAccountToken: async () => 'a.b.c',
};

describe('atomic writer', () => {
  it('swaps ..data in one rename and removes what is no longer there', async () => {
    const target = join(dir.path, 'atomic');
    const file = (path: string, text: string) => ({ path, data: Buffer.from(text), mode: 0o644 });
    expect(await writeAtomically(target, [file('a', '1'), file('b', '2')])).toBe(true);
    const first = await readlink(join(target, '..data'));
    expect(await writeAtomically(target, [file('a', '1'), file('b', '2')])).toBe(false);
    expect(await writeAtomically(target, [file('a', '3')])).toBe(true);
    expect(await readlink(join(target, '..data'))).not.toBe(first);
    expect(await readFile(join(target, 'a'), 'utf8')).toBe('3');
    expect((await readdir(target)).filter((n) => !n.startsWith('..'))).toEqual(['a']);
    expect((await readdir(target)).filter((n) => n.startsWith('..') && n !== '..data')).toHaveLength(1);
  });
});

describe('volumes', () => {
  it('sets up emptyDir, configMap with items, secret, downwardAPI and a PVC', async () => {
    const manager = new VolumeManager(dir.path, source);
    const pod: CoreV1.Pod = {
      metadata: { name: 'p', namespace: 'ns', uid: 'uid1', labels: { app: 'x' } },
      spec: {
        containers: [],
        volumes: [
          { name: 'scratch', emptyDir: {} },
          { name: 'conf', configMap: { name: 'cm', items: [{ key: 'b', path: 'sub/b.txt' }] } },
          { name: 'sec', secret: { secretName: 's' } },
          {
            name: 'info',
            downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
          },
          { name: 'data', persistentVolumeClaim: { claimName: 'claim' } },
        ],
      },
    };
    const volumes = await manager.setUp(pod, { hostIP: '1.2.3.4' });
    expect(volumes.get('scratch')!.hostPath).toBe(
      join(dir.path, 'pods/uid1/volumes/kubernetes.io~empty-dir/scratch'),
    );
    expect(await readFile(join(volumes.get('conf')!.hostPath, 'sub/b.txt'), 'utf8')).toBe('2');
    expect(await readFile(join(volumes.get('sec')!.hostPath, 'pw'), 'utf8')).toBe('x');
    expect(await readFile(join(volumes.get('info')!.hostPath, 'labels'), 'utf8')).toBe('app="x"');
    expect(volumes.get('data')!.hostPath).toBe(join(dir.path, 'pv-data'));
    expect((await lstat(join(dir.path, 'pv-data'))).isDirectory()).toBe(true);
    await expect(
      manager.setUp(
        { ...pod, spec: { containers: [], volumes: [{ name: 'v', configMap: { name: 'missing' } }] } },
        { hostIP: '' },
      ),
    ).rejects.toThrow('MountVolume.SetUp failed for volume "v" : configmap "missing" not found');
  });

  it('checks hostPath types', async () => {
    const base = join(dir.path, 'host');
    await checkHostPath(join(base, 'made'), 'DirectoryOrCreate');
    expect((await lstat(join(base, 'made'))).isDirectory()).toBe(true);
    await checkHostPath(join(base, 'deep/file.log'), 'FileOrCreate');
    expect((await lstat(join(base, 'deep/file.log'))).isFile()).toBe(true);
    await expect(checkHostPath(join(base, 'absent'), 'Directory')).rejects.toThrow('is not a directory');
    await mkdir(join(base, 'd'), { recursive: true });
    await expect(checkHostPath(join(base, 'd'), 'File')).rejects.toThrow('is not a file');
    await writeFile(join(base, 'f'), '');
    await expect(checkHostPath(join(base, 'f'), 'Socket')).rejects.toThrow('is not a socket file');
  });
});
