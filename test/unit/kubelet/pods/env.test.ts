import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import {
  containerEnv,
  EnvConfigError,
  type ConfigSource,
} from '../../../../embedded-cluster/kubelet/pods/env.js';

const source: ConfigSource = {
  configMap: async (_ns, name) =>
    name === 'app-config'
      ? { metadata: { name }, data: { mode: 'fast', 'bad key': 'x', LEVEL: 'debug' } }
      : undefined,
  secret: async (_ns, name) =>
    name === 'creds'
      ? { metadata: { name }, data: { password: Buffer.from('s3cret').toString('base64') } }
      : undefined,
};

const pod: CoreV1.Pod = {
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u-1',
    labels: { app: 'web' },
    annotations: { team: 'a' },
  },
  spec: {
    nodeName: 'node1',
    serviceAccountName: 'default',
    containers: [
      {
        name: 'app',
        resources: { limits: { memory: '64Mi', cpu: '500m' }, requests: { cpu: '250m' } },
      },
    ],
  },
};
const context = {
  hostIP: '192.168.1.10',
  podIP: '10.244.0.7',
  nodeAllocatable: { cpuMilli: 4000, memoryBytes: 8 << 30 },
};

async function envOf(container: Partial<CoreV1.Container>) {
  const { env } = await containerEnv(pod, { ...pod.spec!.containers[0]!, ...container }, source, context);
  return Object.fromEntries(env.map((e) => [e.name, e.value]));
}

describe('container environment', () => {
  it('expands $(VAR) against variables defined before, leaves unknown ones, honours $$', async () => {
    expect(
      await envOf({
        env: [
          { name: 'A', value: 'one' },
          { name: 'B', value: '$(A)-two' },
          { name: 'C', value: '$(LATER) $$(A)' },
          { name: 'LATER', value: 'x' },
        ],
      }),
    ).toEqual({ A: 'one', B: 'one-two', C: '$(LATER) $(A)', LATER: 'x' });
  });

  it('resolves fieldRef, resourceFieldRef, configMapKeyRef and secretKeyRef', async () => {
    const env = await envOf({
      env: [
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['team']" } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'CPU_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'mode' } } },
        { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
      ],
    });
    expect(env).toEqual({
      POD: 'web',
      NS: 'shop',
      UID: 'u-1',
      APP: 'web',
      TEAM: 'a',
      NODE: 'node1',
      SA: 'default',
      HOST_IP: '192.168.1.10',
      POD_IP: '10.244.0.7',
      MEM: '64',
      CPU: '1',
      CPU_M: '250',
      MODE: 'fast',
      PASS: 's3cret',
    });
  });

  it('takes envFrom first (with prefix, skipping invalid names); env overrides it', async () => {
    const { env, skipped } = await containerEnv(
      pod,
      {
        name: 'app',
        envFrom: [{ configMapRef: { name: 'app-config' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }],
        env: [{ name: 'CFG_mode', value: 'slow' }],
      },
      source,
      context,
    );
    expect(env).toEqual([
      { name: 'CFG_mode', value: 'slow' },
      { name: 'CFG_LEVEL', value: 'debug' },
      { name: 'password', value: 's3cret' },
    ]);
    expect(skipped).toEqual(['CFG_bad key']);
  });

  it('fails on a missing, non-optional reference', async () => {
    await expect(
      envOf({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] }),
    ).rejects.toThrow(new EnvConfigError('configmap "nope" not found'));
    await expect(
      envOf({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'missing' } } }] }),
    ).rejects.toThrow("couldn't find key missing in ConfigMap shop/app-config");
  });
});
