import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { admitPod, computePodQOS, defaultPullPolicy } from '../../../../embedded-cluster/api/kinds/index.js';
import { container, create, pod, update } from './helpers.js';

const spec = (p: { obj: unknown }) => (p.obj as Pod).spec!;

describe('Pod defaulting', () => {
  it('fills the PodSpec defaults of v1.32', () => {
    const s = spec(create('', pod({ containers: [container()] })));
    expect(s).toMatchObject({
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
    });
    expect(s.containers[0]).toEqual({
      name: 'main',
      image: 'busybox',
      imagePullPolicy: 'Always',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
    });
  });

  it('pulls Always only for :latest or untagged images', () => {
    expect(defaultPullPolicy('nginx')).toBe('Always');
    expect(defaultPullPolicy('luksa/kubia:latest')).toBe('Always');
    expect(defaultPullPolicy('nginx:alpine')).toBe('IfNotPresent');
    expect(defaultPullPolicy('localhost:5000/app')).toBe('Always');
    expect(defaultPullPolicy('nginx@sha256:' + 'a'.repeat(64))).toBe('IfNotPresent');
    expect(defaultPullPolicy('Bad/Name')).toBe('IfNotPresent');
  });

  it('defaults probes, hooks, ports, env field refs and volumes', () => {
    const s = spec(
      create(
        '',
        pod({
          containers: [
            container({
              ports: [{ containerPort: 8080 }],
              livenessProbe: { httpGet: { port: 8080 } },
              readinessProbe: { grpc: { port: 9000 } },
              lifecycle: { preStop: { httpGet: { port: 80, path: 'shutdown' } } },
              env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              resources: { limits: { cpu: 1, memory: '1024Mi' } },
            }),
          ],
          volumes: [
            { name: 'a' },
            { name: 'b', hostPath: { path: '/tmp' } },
            { name: 'c', configMap: { name: 'cm' } },
            { name: 'd', secret: { secretName: 's' } },
            { name: 'e', downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } },
          ],
        }),
      ),
    );
    const c = spec({ obj: { spec: s } }).containers[0]!;
    expect(c.ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
    expect(c.livenessProbe).toEqual({
      httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.readinessProbe?.grpc).toEqual({ port: 9000, service: '' });
    expect(c.lifecycle?.preStop?.httpGet).toEqual({ port: 80, path: 'shutdown', scheme: 'HTTP' });
    expect(c.env![0]!.valueFrom!.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: 'metadata.name' });
    // Requests default to limits on a Pod, and quantities come back canonical.
    expect(c.resources).toEqual({
      limits: { cpu: '1', memory: '1Gi' },
      requests: { cpu: '1', memory: '1Gi' },
    });
    expect(s.volumes).toEqual([
      { name: 'a', emptyDir: {} },
      { name: 'b', hostPath: { path: '/tmp', type: '' } },
      { name: 'c', configMap: { name: 'cm', defaultMode: 420 } },
      { name: 'd', secret: { secretName: 's', defaultMode: 420 } },
      {
        name: 'e',
        downwardAPI: {
          defaultMode: 420,
          items: [{ path: 'n', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } }],
        },
      },
    ]);
  });

  it('gives host-network pods host ports equal to their container ports', () => {
    const s = spec(
      create('', pod({ hostNetwork: true, containers: [container({ ports: [{ containerPort: 80 }] })] })),
    );
    expect(s.containers[0]!.ports![0]!.hostPort).toBe(80);
  });

  it('starts Pending with its QoS class', () => {
    const { obj } = create(
      '',
      pod({ containers: [container({ resources: { limits: { cpu: '100m', memory: '10Mi' } } })] }),
    );
    expect(obj.status).toEqual({ phase: 'Pending', qosClass: 'Guaranteed' });
    expect(computePodQOS(pod({ containers: [container()] }))).toBe('BestEffort');
    expect(
      computePodQOS(pod({ containers: [container({ resources: { requests: { cpu: '100m' } } })] })),
    ).toBe('Burstable');
  });
});

describe('Pod validation', () => {
  it('requires containers', () => {
    expect(create('', pod({ containers: [] })).problems).toEqual(['spec.containers: Required value']);
  });

  it('checks container names, images and duplicates', () => {
    expect(
      create('', pod({ containers: [container({ name: 'Web' }), { name: 'main' }, container()] })).problems,
    ).toEqual([
      `spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      'spec.containers[1].image: Required value',
      'spec.containers[2].name: Duplicate value: "main"',
    ]);
  });

  it('checks ports, restart policy and mounts of unknown volumes', () => {
    const { problems } = create(
      '',
      pod({
        restartPolicy: 'Sometimes',
        containers: [
          container({
            ports: [
              { containerPort: 70000, protocol: 'ICMP' },
              { containerPort: 80, name: 'http' },
              { containerPort: 81, name: 'http' },
            ],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          }),
        ],
      }),
    );
    expect(problems).toEqual([
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[0].ports[2].name: Duplicate value: "http"',
      'spec.containers[0].volumeMounts[0].name: Not found: "data"',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
  });

  it('keeps requests within limits and quantities non-negative', () => {
    expect(
      create(
        '',
        pod({ containers: [container({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } })] }),
      ).problems,
    ).toEqual([
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    ]);
    expect(
      create('', pod({ containers: [container({ resources: { requests: { cpu: '-1' } } })] })).problems,
    ).toEqual([
      'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
    ]);
  });

  it('checks env names and sources', () => {
    expect(
      create(
        '',
        pod({
          containers: [
            container({
              env: [
                { name: '' },
                { name: 'A=B' },
                { name: 'X', valueFrom: {} },
                { name: 'Y', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } },
              ],
            }),
          ],
        }),
      ).problems,
    ).toEqual([
      'spec.containers[0].env[0].name: Required value',
      `spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
      'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      'spec.containers[0].env[3].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.bogus": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
    ]);
  });

  it('checks probes and hooks', () => {
    expect(
      create(
        '',
        pod({
          containers: [
            container({ livenessProbe: { exec: {}, successThreshold: 2 }, lifecycle: { postStart: {} } }),
          ],
        }),
      ).problems,
    ).toEqual([
      'spec.containers[0].lifecycle.postStart: Required value: must specify a handler type',
      'spec.containers[0].livenessProbe.exec.command: Required value',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    ]);
  });

  it('allows sidecars (init containers with restartPolicy Always) their probes, not plain init containers', () => {
    const probe = { tcpSocket: { port: 80 } };
    expect(
      create(
        '',
        pod({
          initContainers: [
            container({ name: 'sidecar', restartPolicy: 'Always', readinessProbe: probe }),
            container({ name: 'init', readinessProbe: probe }),
            container({ name: 'odd', restartPolicy: 'OnFailure' }),
          ],
          containers: [container({ restartPolicy: 'Always' })],
        }),
      ).problems,
    ).toEqual([
      'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers',
      'spec.initContainers[1].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
      'spec.initContainers[2].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]);
  });

  it('checks volumes', () => {
    expect(
      create(
        '',
        pod({
          containers: [container()],
          volumes: [
            { name: 'a', configMap: { name: 'x', defaultMode: 1000 } },
            { name: 'a', emptyDir: {} },
            { name: 'c', nfs: { server: 's', path: 'rel' } },
          ],
        }),
      ).problems,
    ).toEqual([
      'spec.volumes[0].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
      'spec.volumes[2].nfs.path: Invalid value: "rel": must be an absolute path',
    ]);
  });

  it('rejects a negative grace period only through the activeDeadlineSeconds range and ephemeral containers on create', () => {
    expect(create('', pod({ containers: [container()], activeDeadlineSeconds: 0 })).problems).toEqual([
      'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
    ]);
    expect(
      create('', pod({ containers: [container()], ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] }))
        .problems,
    ).toEqual(['spec.ephemeralContainers: Forbidden: cannot be set on create']);
  });
});

describe('Pod updates', () => {
  const base = create(
    '',
    pod({ containers: [container()], tolerations: [{ key: 'a', operator: 'Exists' }] }),
  ).obj;

  it('allow a new image, a shorter deadline and added tolerations', () => {
    const next = structuredClone(base) as unknown as Pod;
    next.spec!.containers[0]!.image = 'busybox:1.36';
    next.spec!.tolerations!.push({ key: 'b', operator: 'Exists' });
    next.spec!.activeDeadlineSeconds = 100;
    expect(update('', next as never, base).problems).toEqual([]);
  });

  it('forbid other spec changes with Kubernetes message', () => {
    const next = structuredClone(base) as unknown as Pod;
    next.spec!.restartPolicy = 'Never';
    const [problem] = update('', next as never, base).problems;
    expect(problem).toMatch(
      /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),`spec.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/,
    );
  });

  it('forbid adding containers or changing existing tolerations', () => {
    const more = structuredClone(base) as unknown as Pod;
    more.spec!.containers.push({ name: 'two', image: 'x' });
    expect(update('', more as never, base).problems).toEqual([
      'spec.containers: Forbidden: pod updates may not add or remove containers',
    ]);
    const tol = structuredClone(base) as unknown as Pod;
    tol.spec!.tolerations = [];
    expect(update('', tol as never, base).problems).toEqual([
      'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
    ]);
  });

  it('keep the status of the stored pod', () => {
    const next = structuredClone(base);
    next.status = { phase: 'Running' };
    expect(update('', next as never, base).obj.status).toEqual(base.status);
  });
});

describe('admitPod', () => {
  const ctx = {
    serviceAccount: (_ns: string, name: string) => (name === 'default' ? {} : undefined),
    randomSuffix: () => 'abcde',
  };

  it('sets the service account, mounts its token, and sets priority and tolerations', () => {
    const p = create('', pod({ containers: [container()] })).obj as unknown as Pod;
    expect(admitPod(p, ctx)).toEqual({ allowed: true });
    expect(p.spec).toMatchObject({
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
    });
    expect(p.spec!.volumes![0]!.name).toBe('kube-api-access-abcde');
    expect(p.spec!.containers[0]!.volumeMounts).toEqual([
      {
        name: 'kube-api-access-abcde',
        readOnly: true,
        mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
      },
    ]);
  });

  it('refuses a pod whose service account does not exist', () => {
    const p = create('', pod({ serviceAccountName: 'foo', containers: [container()] })).obj as unknown as Pod;
    expect(admitPod(p, ctx)).toEqual({
      allowed: false,
      message: 'error looking up service account default/foo: serviceaccount "foo" not found',
    });
  });
});
