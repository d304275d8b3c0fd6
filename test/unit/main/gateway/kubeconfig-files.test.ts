import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultKubeconfigPaths, mergeKubeconfigs } from '../../../../src-main/gateway/kubeconfig-files.js';

const fileA = `
apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: { server: "https://one:6443", certificate-authority: ca.crt }
- name: nameless-server
  cluster: {}
users:
- name: u1
  user: { tokenFile: ../tokens/u1, client-certificate: /abs/cert.pem }
- name: plugin
  user: { exec: { command: ./bin/login, args: [x] } }
- name: on-path
  user: { exec: { command: kubelogin } }
contexts:
- name: one
  context: { cluster: c1, user: u1 }
`;

const fileB = `
current-context: two
clusters:
- name: c1
  cluster: { server: "https://other:6443" }
- name: c2
  cluster: { server: "https://two:6443" }
contexts:
- name: one
  context: { cluster: c2 }
- name: two
  context: { cluster: c2, user: u1 }
`;

describe('mergeKubeconfigs', () => {
  it('lets the first file win per name and takes current-context from the first file that sets it', () => {
    const merged = mergeKubeconfigs([
      { file: '/k/a/config', text: fileA },
      { file: '/k/missing', text: undefined },
      { file: '/k/b/config', text: fileB },
    ]);
    expect(merged.contexts.map((c) => [c.name, c.cluster])).toEqual([
      ['one', 'c1'],
      ['two', 'c2'],
    ]);
    expect(merged.clusters.get('c1')?.server).toBe('https://one:6443');
    expect(merged.clusters.get('c2')?.server).toBe('https://two:6443');
    expect(merged.currentContext).toBe('two');
    expect(merged.problems).toEqual([]);
  });

  it('resolves file references against the kubeconfig’s directory', () => {
    const merged = mergeKubeconfigs([{ file: '/k/a/config', text: fileA }]);
    expect(merged.clusters.get('c1')?.caFile).toBe(path.resolve('/k/a/ca.crt'));
    expect(merged.users.get('u1')?.tokenFilePath).toBe(path.resolve('/k/tokens/u1'));
    expect(merged.users.get('u1')?.certFile).toBe('/abs/cert.pem');
    expect(merged.users.get('plugin')?.exec).toMatchObject({
      command: path.resolve('/k/a/bin/login'),
      args: ['x'],
    });
    expect(merged.users.get('on-path')?.exec).toMatchObject({ command: 'kubelogin' });
    // An entry client-node cannot use is left out, not the whole file.
    expect(merged.clusters.has('nameless-server')).toBe(false);
  });

  it('reports a file that does not parse, and takes an empty file as empty', () => {
    const merged = mergeKubeconfigs([
      { file: '/k/bad', text: 'clusters: [unclosed' },
      { file: '/k/list', text: '- a\n- b\n' },
      { file: '/k/empty', text: '' },
      { file: '/k/unreadable', text: new Error('EACCES: permission denied') },
      { file: '/k/a/config', text: fileA },
    ]);
    expect(merged.problems.map((p) => p.file)).toEqual(['/k/bad', '/k/list', '/k/unreadable']);
    expect(merged.problems[2]?.message).toContain('EACCES');
    expect(merged.contexts.map((c) => c.name)).toEqual(['one']);
  });
});

describe('defaultKubeconfigPaths', () => {
  it('splits KUBECONFIG on the path delimiter, else uses ~/.kube/config', () => {
    const env = { KUBECONFIG: ['/a', '', '/b'].join(path.delimiter) };
    expect(defaultKubeconfigPaths(env)).toEqual(['/a', '/b']);
    expect(defaultKubeconfigPaths({})[0]).toMatch(/\.kube[\\/]config$/);
  });
});
