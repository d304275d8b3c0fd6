import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

let cluster: TestCluster;
let files: string;
const k = (args: string[], options?: Parameters<typeof kubectl>[2]) =>
  kubectl(cluster.kubeconfigPath, args, options);
/** Run kubectl and expect success; returns stdout. */
async function ok(args: string[], options?: Parameters<typeof kubectl>[2]): Promise<string> {
  const result = await k(args, options);
  expect(result.stderr, `kubectl ${args.join(' ')}`).toBe('');
  expect(result.code, `kubectl ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}
async function manifest(name: string, text: string): Promise<string> {
  const path = join(files, name);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  cluster = await startTestCluster();
  files = await mkdtemp(join(tmpdir(), 'kubedesk-kubectl-'));
  await ok(['create', 'namespace', 'kc']);
});
afterAll(async () => cluster?.destroy());

const deploymentYaml = (replicas: number, image = 'busybox:1.36') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: kc
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 80}]
`;

describe('kubectl 1.32 against Kubedesk', () => {
  it('talks to the server through the version dispatcher without warnings', async () => {
    const out = await ok(['version', '-o', 'json']);
    expect(JSON.parse(out).serverVersion).toMatchObject({ major: '1', minor: '32' });
  });

  it('lists api-resources like a real cluster', async () => {
    const out = await ok(['api-resources']);
    expect(out).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(out).toMatch(
      /^customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false\s+CustomResourceDefinition$/m,
    );
  });

  it('creates configmaps and secrets from literals', async () => {
    expect(await ok(['-n', 'kc', 'create', 'configmap', 'settings', '--from-literal=mode=fast'])).toBe(
      'configmap/settings created\n',
    );
    expect(
      await ok(['-n', 'kc', 'create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret']),
    ).toBe('secret/creds created\n');
    const secret = JSON.parse(await ok(['-n', 'kc', 'get', 'secret', 'creds', '-o', 'json']));
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('s3cret');
    expect(secret.type).toBe('Opaque');
  });

  it('applies client-side, then again with changes, and prints what a real cluster prints', async () => {
    const file = await manifest('web.yaml', deploymentYaml(2));
    expect(await ok(['apply', '-f', file])).toBe('deployment.apps/web created\n');
    expect(await ok(['apply', '-f', file])).toBe('deployment.apps/web unchanged\n');
    await writeFile(file, deploymentYaml(3));
    expect(await ok(['apply', '-f', file])).toBe('deployment.apps/web configured\n');
    const got = JSON.parse(await ok(['-n', 'kc', 'get', 'deploy', 'web', '-o', 'json']));
    expect(got.spec.replicas).toBe(3);
    expect(got.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      '"replicas":3',
    );
  });

  it('applies server-side, with field ownership and conflicts', async () => {
    const file = await manifest('ssa.yaml', deploymentYaml(1).replace('name: web', 'name: ssa'));
    expect(await ok(['apply', '--server-side', '-f', file])).toBe('deployment.apps/ssa serverside-applied\n');
    const got = JSON.parse(
      await ok(['-n', 'kc', 'get', 'deploy', 'ssa', '-o', 'json', '--show-managed-fields']),
    );
    expect(got.metadata.managedFields.map((m: { manager: string }) => m.manager)).toContain('kubectl');
    await ok(['-n', 'kc', 'scale', 'deploy', 'ssa', '--replicas=4']);
    await writeFile(file, deploymentYaml(2).replace('name: web', 'name: ssa'));
    const conflict = await k(['apply', '--server-side', '-f', file]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('conflict');
    expect(conflict.stderr).toContain('.spec.replicas');
    expect(await ok(['apply', '--server-side', '--force-conflicts', '-f', file])).toBe(
      'deployment.apps/ssa serverside-applied\n',
    );
  });

  it('dry-runs on the server', async () => {
    const file = await manifest('dry.yaml', deploymentYaml(1).replace('name: web', 'name: dry'));
    expect(await ok(['apply', '--dry-run=server', '-f', file])).toBe(
      'deployment.apps/dry created (server dry run)\n',
    );
    expect((await k(['-n', 'kc', 'get', 'deploy', 'dry'])).code).not.toBe(0);
  });

  it('diffs a changed manifest against the live object', async () => {
    const file = await manifest('diff.yaml', deploymentYaml(5));
    const diff = await k(['diff', '-f', file]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^- {2}replicas: 3$/m);
    expect(diff.stdout).toMatch(/^\+ {2}replicas: 5$/m);
  });

  it('prints pods with the real columns', async () => {
    await ok(['-n', 'kc', 'run', 'lonely', '--image=busybox:1.36', '--restart=Never']);
    const out = await ok(['-n', 'kc', 'get', 'pods']);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(out).toMatch(/^lonely\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    const wide = await ok(['-n', 'kc', 'get', 'pods', '-o', 'wide']);
    expect(wide.split('\n')[0]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
  });

  it('gets all, through the `all` category', async () => {
    const out = await ok(['-n', 'kc', 'get', 'all']);
    expect(out).toMatch(/^pod\/lonely\s/m);
    expect(out).toMatch(/^deployment\.apps\/web\s/m);
    expect(out).not.toMatch(/configmap/);
  });

  it('describes a deployment', async () => {
    const out = await ok(['-n', 'kc', 'describe', 'deployment', 'web']);
    expect(out).toMatch(/^Name:\s+web$/m);
    expect(out).toMatch(/^Replicas:\s+3 desired/m);
  });

  it('patches with all three patch types', async () => {
    await ok(['-n', 'kc', 'patch', 'deploy', 'web', '-p', '{"metadata":{"labels":{"tier":"front"}}}']);
    await ok(['-n', 'kc', 'patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"minReadySeconds":5}}']);
    await ok([
      '-n',
      'kc',
      'patch',
      'deploy',
      'web',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/replicas","value":2}]',
    ]);
    await ok([
      '-n',
      'kc',
      'patch',
      'deploy',
      'web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"busybox:1.37"}]}}}}',
    ]);
    const got = JSON.parse(await ok(['-n', 'kc', 'get', 'deploy', 'web', '-o', 'json']));
    expect(got.metadata.labels.tier).toBe('front');
    expect(got.spec.minReadySeconds).toBe(5);
    expect(got.spec.replicas).toBe(2);
    expect(got.spec.template.spec.containers).toHaveLength(1);
    expect(got.spec.template.spec.containers[0]).toMatchObject({
      name: 'web',
      image: 'busybox:1.37',
      ports: [{ containerPort: 80 }],
    });
  });

  it('labels, annotates, scales and selects', async () => {
    expect(await ok(['-n', 'kc', 'label', 'cm', 'settings', 'team=blue'])).toBe(
      'configmap/settings labeled\n',
    );
    expect(await ok(['-n', 'kc', 'annotate', 'cm', 'settings', 'note=hi'])).toBe(
      'configmap/settings annotated\n',
    );
    expect(await ok(['-n', 'kc', 'get', 'cm', '-l', 'team=blue', '-o', 'name'])).toBe('configmap/settings\n');
    expect(await ok(['-n', 'kc', 'get', 'cm', '-l', 'team in (red)', '-o', 'name'])).toBe('');
    expect(await ok(['-n', 'kc', 'scale', 'deploy', 'web', '--replicas=4'])).toBe(
      'deployment.apps/web scaled\n',
    );
    expect(
      await ok(['-n', 'kc', 'get', 'pods', '--field-selector', 'status.phase=Pending', '-o', 'name']),
    ).toContain('pod/lonely');
  });

  it('edits with a scripted editor', async () => {
    const editor = join(files, 'editor.sh');
    await writeFile(editor, '#!/bin/sh\nsed -i "s/mode: fast/mode: slow/" "$1"\n');
    await chmod(editor, 0o755);
    expect(await ok(['-n', 'kc', 'edit', 'cm', 'settings'], { env: { KUBE_EDITOR: editor } })).toBe(
      'configmap/settings edited\n',
    );
    expect(await ok(['-n', 'kc', 'get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}'])).toBe('slow');
  });

  it('watches with get -w', async () => {
    const watching = k(['-n', 'kc', 'get', 'cm', '-w', '--request-timeout=3s']);
    await new Promise((r) => setTimeout(r, 1000));
    await ok(['-n', 'kc', 'create', 'configmap', 'watched']);
    const result = await watching;
    expect(result.stdout).toMatch(/^watched\s+0\s+\d+s$/m);
  });

  it('waits for a condition', async () => {
    await ok(['-n', 'kc', 'create', 'configmap', 'waiter']);
    const waiting = k(['-n', 'kc', 'wait', '--for=jsonpath={.data.ready}=yes', 'cm/waiter', '--timeout=10s']);
    await new Promise((r) => setTimeout(r, 500));
    await ok(['-n', 'kc', 'patch', 'cm', 'waiter', '--type=merge', '-p', '{"data":{"ready":"yes"}}']);
    const result = await waiting;
    expect(result.stdout).toBe('configmap/waiter condition met\n');
  });

  it('answers auth can-i for the local user', async () => {
    expect(await ok(['auth', 'can-i', 'create', 'pods'])).toBe('yes\n');
    expect(await ok(['auth', 'can-i', '--list'])).toMatch(/\*\.\*/);
  });

  it('explains fields from the served OpenAPI, including fields newer than 1.26', async () => {
    const out = await ok(['explain', 'jobs.spec.podReplacementPolicy']);
    expect(out).toMatch(/^FIELD:\s+podReplacementPolicy <string>/m);
    const sidecar = await ok(['explain', 'pod.spec.initContainers.restartPolicy']);
    expect(sidecar).toMatch(/restartPolicy <string>/);
  });

  it('deletes with each cascade mode', async () => {
    for (const [name, cascade, finalizer] of [
      ['bg', 'background', undefined],
      ['orphan', 'orphan', 'orphan'],
      ['fg', 'foreground', 'foregroundDeletion'],
    ] as const) {
      await ok(['-n', 'kc', 'create', 'deployment', name, '--image=busybox:1.36']);
      const out = await ok([
        '-n',
        'kc',
        'delete',
        'deployment',
        name,
        `--cascade=${cascade}`,
        '--wait=false',
      ]);
      expect(out).toBe(`deployment.apps "${name}" deleted\n`);
      const left = await k(['-n', 'kc', 'get', 'deployment', name, '-o', 'jsonpath={.metadata.finalizers}']);
      if (finalizer) expect(left.stdout).toContain(finalizer);
      else expect(left.stderr).toContain('NotFound');
    }
  });
});

describe('other kubectl versions', () => {
  for (const version of ['1.27', '1.33']) {
    it(`kubectl ${version}: apply, get, patch, delete`, async () => {
      const file = await manifest(
        `cm-${version}.yaml`,
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: v${version.replace('.', '')}, namespace: kc}\ndata: {a: b}\n`,
      );
      const name = `configmap/v${version.replace('.', '')}`;
      expect(await ok(['apply', '-f', file], { version })).toBe(`${name} created\n`);
      expect(await ok(['-n', 'kc', 'get', name, '-o', 'name'], { version })).toBe(`${name}\n`);
      expect(await ok(['-n', 'kc', 'patch', name, '-p', '{"data":{"a":"c"}}'], { version })).toBe(
        `${name} patched\n`,
      );
      expect(await ok(['-n', 'kc', 'delete', name], { version })).toContain('deleted');
    });
  }
});
