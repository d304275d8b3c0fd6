import { describe, expect, it } from 'vitest';
import {
  interPodAffinityPreFilter,
  type CycleState,
} from '../../../embedded-cluster/scheduler/filters/index.js';
import { interPodAffinityFilter } from '../../../embedded-cluster/scheduler/filters/inter-pod-affinity.js';
import { nodeAffinityFilter } from '../../../embedded-cluster/scheduler/filters/node-affinity.js';
import { nodePortsFilter } from '../../../embedded-cluster/scheduler/filters/node-ports.js';
import { nodeResourcesFitFilter } from '../../../embedded-cluster/scheduler/filters/node-resources-fit.js';
import { nodeUnschedulableFilter } from '../../../embedded-cluster/scheduler/filters/node-unschedulable.js';
import { taintTolerationFilter } from '../../../embedded-cluster/scheduler/filters/taint-toleration.js';
import { podInfoOf, type NodeInfo } from '../../../embedded-cluster/scheduler/node-info.js';
import type { CoreV1 } from '../../../embedded-cluster/client/index.js';
import { node, place, pod, requesting } from './fixtures.js';

const nsLabels = (ns: string) => ({ team: ns === 'prod' ? 'red' : 'blue' });

function state(p: CoreV1.Pod, nodes: NodeInfo[] = []): CycleState {
  const podInfo = podInfoOf(p);
  return { podInfo, nsLabels, interPodAffinity: interPodAffinityPreFilter(podInfo, nodes, nsLabels) };
}

describe('NodeUnschedulable', () => {
  it('rejects a cordoned node for good, unless the pod tolerates it', () => {
    const n = node('n', { unschedulable: true });
    expect(nodeUnschedulableFilter(state(pod()), n)).toEqual({
      plugin: 'NodeUnschedulable',
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) were unschedulable'],
    });
    const tolerant = pod({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists' }] });
    expect(nodeUnschedulableFilter(state(tolerant), n)).toBeUndefined();
    expect(nodeUnschedulableFilter(state(pod()), node('m'))).toBeUndefined();
  });
});

describe('TaintToleration', () => {
  const tainted = node('n', {
    taints: [
      { key: 'soft', effect: 'PreferNoSchedule' },
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: 'evict', effect: 'NoExecute' },
    ],
  });

  it('names the first untolerated NoSchedule/NoExecute taint, ignoring PreferNoSchedule', () => {
    expect(taintTolerationFilter(state(pod()), tainted)?.reasons).toEqual([
      'node(s) had untolerated taint {dedicated: gpu}',
    ]);
    const gpu = pod({ tolerations: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    expect(taintTolerationFilter(state(gpu), tainted)?.reasons).toEqual([
      'node(s) had untolerated taint {evict: }',
    ]);
  });

  it('matches tolerations by key, value, operator and effect', () => {
    const tolerates = (t: CoreV1.Toleration) =>
      taintTolerationFilter(
        state(pod({ tolerations: [t] })),
        node('n', {
          taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }],
        }),
      );
    expect(tolerates({ key: 'k', value: 'v' })).toBeUndefined();
    expect(tolerates({ key: 'k', operator: 'Exists', effect: 'NoSchedule' })).toBeUndefined();
    expect(tolerates({ operator: 'Exists' })).toBeUndefined();
    expect(tolerates({ key: 'k', value: 'other' })).toBeDefined();
    expect(tolerates({ key: 'k', value: 'v', effect: 'NoExecute' })).toBeDefined();
  });

  it('treats a node that is not Ready as tainted not-ready (unreachable when Unknown)', () => {
    expect(taintTolerationFilter(state(pod()), node('n', { ready: 'False' }))?.reasons).toEqual([
      'node(s) had untolerated taint {node.kubernetes.io/not-ready: }',
    ]);
    expect(taintTolerationFilter(state(pod()), node('n', { ready: 'Unknown' }))?.reasons).toEqual([
      'node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
    ]);
  });
});

describe('NodeAffinity', () => {
  const n = node('n1', { labels: { disk: 'ssd', cores: '8' } });
  const required = (...matchExpressions: CoreV1.NodeSelectorRequirement[]) =>
    pod({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] },
        },
      },
    });
  const fits = (p: CoreV1.Pod) => nodeAffinityFilter(state(p), n) === undefined;

  it('requires every nodeSelector label', () => {
    expect(fits(pod({ nodeSelector: { disk: 'ssd' } }))).toBe(true);
    expect(fits(pod({ nodeSelector: { disk: 'ssd', gpu: 'yes' } }))).toBe(false);
    expect(nodeAffinityFilter(state(pod({ nodeSelector: { disk: 'hdd' } })), n)).toEqual({
      plugin: 'NodeAffinity',
      code: 'UnschedulableAndUnresolvable',
      reasons: ["node(s) didn't match Pod's node affinity/selector"],
    });
  });

  it('supports In, NotIn, Exists, DoesNotExist, Gt and Lt', () => {
    expect(fits(required({ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }))).toBe(true);
    expect(fits(required({ key: 'disk', operator: 'NotIn', values: ['ssd'] }))).toBe(false);
    expect(fits(required({ key: 'gpu', operator: 'NotIn', values: ['yes'] }))).toBe(true);
    expect(fits(required({ key: 'disk', operator: 'Exists' }))).toBe(true);
    expect(fits(required({ key: 'disk', operator: 'DoesNotExist' }))).toBe(false);
    expect(fits(required({ key: 'cores', operator: 'Gt', values: ['4'] }))).toBe(true);
    expect(fits(required({ key: 'cores', operator: 'Lt', values: ['4'] }))).toBe(false);
    expect(fits(required({ key: 'disk', operator: 'Gt', values: ['4'] }))).toBe(false);
  });

  it('ORs terms, ANDs expressions, and matches metadata.name by matchFields', () => {
    const terms = (nodeSelectorTerms: CoreV1.NodeSelectorTerm[]) =>
      pod({
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } },
      });
    expect(
      fits(
        terms([
          { matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] },
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
        ]),
      ),
    ).toBe(true);
    expect(
      fits(terms([{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }])),
    ).toBe(false);
    expect(
      fits(
        terms([
          {
            matchExpressions: [
              { key: 'disk', operator: 'Exists' },
              { key: 'gpu', operator: 'Exists' },
            ],
          },
        ]),
      ),
    ).toBe(false);
    expect(fits(terms([{}]))).toBe(false);
  });
});

describe('NodePorts', () => {
  const withPort = (hostPort: number, hostIP?: string, protocol?: string) =>
    pod({
      containers: [
        {
          name: 'c',
          image: 'x',
          ports: [
            { containerPort: 80, hostPort, ...(hostIP ? { hostIP } : {}), ...(protocol ? { protocol } : {}) },
          ],
        },
      ],
    });

  it('rejects a host port already held, resolvably', () => {
    const n = place(node('n'), withPort(8080));
    expect(nodePortsFilter(state(withPort(8080)), n)).toEqual({
      plugin: 'NodePorts',
      code: 'Unschedulable',
      reasons: ["node(s) didn't have free ports for the requested pod ports"],
    });
    expect(nodePortsFilter(state(withPort(8081)), n)).toBeUndefined();
    expect(nodePortsFilter(state(withPort(8080, undefined, 'UDP')), n)).toBeUndefined();
  });

  it('lets different host IPs share a port, but not with 0.0.0.0', () => {
    const n = place(node('n'), withPort(53, '10.0.0.1'));
    expect(nodePortsFilter(state(withPort(53, '10.0.0.2')), n)).toBeUndefined();
    expect(nodePortsFilter(state(withPort(53, '10.0.0.1')), n)).toBeDefined();
    expect(nodePortsFilter(state(withPort(53)), n)).toBeDefined();
  });
});

describe('NodeResourcesFit', () => {
  it('lists every short resource, counting placed pods', () => {
    const n = place(node('n'), requesting({ cpu: '3', memory: '1Gi' }));
    expect(nodeResourcesFitFilter(state(requesting({ cpu: '1' })), n)).toBeUndefined();
    expect(nodeResourcesFitFilter(state(requesting({ cpu: '1500m', memory: '8Gi' })), n)).toEqual({
      plugin: 'NodeResourcesFit',
      code: 'Unschedulable',
      reasons: ['Insufficient cpu', 'Insufficient memory'],
    });
    expect(nodeResourcesFitFilter(state(requesting({ cpu: '1000' })), n)?.reasons).toEqual([
      'Insufficient cpu',
    ]);
  });

  it('checks ephemeral storage, extended resources and the pod count', () => {
    const n = node('n', {
      allocatable: {
        cpu: '4',
        memory: '8Gi',
        pods: '1',
        'ephemeral-storage': '10Gi',
        'example.com/gpu': '1',
      },
    });
    expect(nodeResourcesFitFilter(state(requesting({ 'example.com/gpu': '1' })), n)).toBeUndefined();
    expect(
      nodeResourcesFitFilter(state(requesting({ 'example.com/gpu': '2', 'ephemeral-storage': '20Gi' })), n)
        ?.reasons,
    ).toEqual(['Insufficient ephemeral-storage', 'Insufficient example.com/gpu']);
    place(n, pod());
    expect(nodeResourcesFitFilter(state(pod()), n)?.reasons).toEqual(['Too many pods']);
  });

  it('counts the largest init container, sidecars and overhead', () => {
    const n = node('n');
    const init = requesting(
      { cpu: '1' },
      { initContainers: [{ name: 'i', image: 'x', resources: { requests: { cpu: '4500m' } } }] },
    );
    expect(nodeResourcesFitFilter(state(init), n)?.reasons).toEqual(['Insufficient cpu']);
    const sidecar = requesting(
      { cpu: '3' },
      {
        initContainers: [
          { name: 's', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '1500m' } } },
        ],
      },
    );
    expect(nodeResourcesFitFilter(state(sidecar), n)?.reasons).toEqual(['Insufficient cpu']);
    const overhead = requesting({ cpu: '3900m' }, { overhead: { cpu: '200m' } });
    expect(nodeResourcesFitFilter(state(overhead), n)?.reasons).toEqual(['Insufficient cpu']);
  });
});

describe('InterPodAffinity', () => {
  const term = (app: string, extra: Partial<CoreV1.PodAffinityTerm> = {}): CoreV1.PodAffinityTerm => ({
    labelSelector: { matchLabels: { app } },
    topologyKey: 'kubernetes.io/hostname',
    ...extra,
  });
  const antiTo = (app: string, extra?: Partial<CoreV1.PodAffinityTerm>) => ({
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term(app, extra)] } },
  });
  const affineTo = (app: string, extra?: Partial<CoreV1.PodAffinityTerm>) => ({
    affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term(app, extra)] } },
  });
  const check = (p: CoreV1.Pod, target: NodeInfo, all: NodeInfo[] = [target]) =>
    interPodAffinityFilter(state(p, all), target)?.reasons[0];

  it('keeps a pod away from pods its anti-affinity selects', () => {
    const n = place(node('n'), pod({}, { app: 'db' }));
    expect(check(pod(antiTo('db')), n)).toBe("node(s) didn't match pod anti-affinity rules");
    expect(check(pod(antiTo('web')), n)).toBeUndefined();
    expect(check(pod(antiTo('db')), node('m'), [n, node('m')])).toBeUndefined();
  });

  it('keeps a pod away from pods whose anti-affinity selects it', () => {
    const n = place(node('n'), pod(antiTo('db')));
    expect(check(pod({}, { app: 'db' }), n)).toBe("node(s) didn't satisfy existing pods anti-affinity rules");
    expect(check(pod({}, { app: 'web' }), n)).toBeUndefined();
  });

  it('needs a matching pod in the topology domain for affinity, except for the first of a group', () => {
    const withWeb = place(node('n', { labels: { zone: 'a' } }), pod({}, { app: 'web' }));
    const empty = node('m', { labels: { zone: 'b' } });
    const all = [withWeb, empty];
    expect(check(pod(affineTo('web')), withWeb, all)).toBeUndefined();
    expect(check(pod(affineTo('web')), empty, all)).toBe("node(s) didn't match pod affinity rules");
    expect(check(pod(affineTo('web', { topologyKey: 'zone' })), empty, all)).toBe(
      "node(s) didn't match pod affinity rules",
    );
    expect(check(pod(affineTo('web', { topologyKey: 'rack' })), withWeb, all)).toBe(
      "node(s) didn't match pod affinity rules",
    );
    // Nobody matches anywhere yet, and the pod matches its own term: it may start the group.
    expect(check(pod(affineTo('cache'), { app: 'cache' }), empty, all)).toBeUndefined();
    expect(check(pod(affineTo('cache')), empty, all)).toBe("node(s) didn't match pod affinity rules");
  });

  it('selects namespaces by name and by namespaceSelector', () => {
    const n = place(node('n'), pod({}, { app: 'db' }, { namespace: 'prod' }));
    expect(check(pod(antiTo('db')), n)).toBeUndefined();
    expect(check(pod(antiTo('db', { namespaces: ['prod'] })), n)).toBeDefined();
    expect(
      check(pod(antiTo('db', { namespaceSelector: { matchLabels: { team: 'red' } } })), n),
    ).toBeDefined();
    expect(
      check(pod(antiTo('db', { namespaceSelector: { matchLabels: { team: 'blue' } } })), n),
    ).toBeUndefined();
    expect(check(pod(antiTo('db', { namespaceSelector: {} })), n)).toBeDefined();
  });
});
