import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES } from '../../../embedded-cluster/api/builtin-resources.js';
import type { ResourceType } from '../../../embedded-cluster/api/catalog.js';
import type { KubeObject } from '../../../embedded-cluster/api/object.js';
import {
  canonicalQuantity,
  compileJsonPath,
  humanDuration,
  tableColumnsFor,
  toTable,
  type PrinterColumnSpec,
} from '../../../embedded-cluster/api/tables/index.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
/** A timestamp `seconds` before NOW, as the API server writes them. */
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

const type = (group: string, resource: string): ResourceType => {
  const t = BUILTIN_RESOURCES.find((r) => r.group === group && r.resource === resource);
  if (!t) throw new Error(`no ${group}/${resource}`);
  return t;
};

const object = (
  apiVersion: string,
  kind: string,
  name: string,
  rest: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'default', creationTimestamp: ago(300), resourceVersion: '42' },
  ...rest,
});

/** The cells of one object's row. */
const cells = (t: ResourceType, o: KubeObject, printerColumns?: PrinterColumnSpec[]) =>
  toTable(t, [o], { now: NOW, printerColumns }).rows[0]!.cells;

const columnNames = (t: ResourceType) => tableColumnsFor(t).map((c) => (c.priority ? `${c.name}*` : c.name));

describe('humanDuration', () => {
  it.each([
    [-2, '<invalid>'],
    [-1.5, '0s'],
    [0, '0s'],
    [59, '59s'],
    [119, '119s'],
    [120, '2m'],
    [121, '2m1s'],
    [9 * 60 + 59, '9m59s'],
    [10 * 60, '10m'],
    [179 * 60 + 59, '179m'],
    [3 * 3600, '3h'],
    [7 * 3600 + 59 * 60, '7h59m'],
    [8 * 3600, '8h'],
    [47 * 3600 + 3599, '47h'],
    [48 * 3600, '2d'],
    [7 * 86400 + 23 * 3600, '7d23h'],
    [8 * 86400, '8d'],
    [729 * 86400, '729d'],
    [730 * 86400, '2y'],
    [731 * 86400, '2y1d'],
    [8 * 365 * 86400, '8y'],
  ])('%s s → %s', (seconds, text) => {
    expect(humanDuration(seconds * 1000)).toBe(text);
  });
});

describe('the Table envelope', () => {
  const pods = type('', 'pods');
  const pod = object('v1', 'Pod', 'web', {
    spec: { containers: [{ name: 'c' }] },
    status: { phase: 'Pending' },
  });

  it('is a meta.k8s.io/v1 Table whose columns carry every field', () => {
    const table = toTable(pods, [pod], { now: NOW });
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: '42' });
    expect(table.columnDefinitions[0]).toEqual({
      name: 'Name',
      type: 'string',
      format: 'name',
      description: expect.stringContaining('Name must be unique within a namespace.'),
      priority: 0,
    });
    expect(table.columnDefinitions[5]).toMatchObject({ name: 'IP', format: '', priority: 1 });
  });

  it('holds PartialObjectMetadata by default, the object, or nothing', () => {
    expect(toTable(pods, [pod]).rows[0]!.object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: pod.metadata,
    });
    expect(toTable(pods, [pod], { includeObject: 'Object' }).rows[0]!.object).toBe(pod);
    expect(toTable(pods, [pod], { includeObject: 'None' }).rows[0]!.object).toBeNull();
  });

  it('takes list metadata from the list and can leave the headers out', () => {
    const table = toTable(pods, [pod, pod], {
      listMeta: { resourceVersion: '7', continue: 'abc' },
      noHeaders: true,
    });
    expect(table.metadata).toEqual({ resourceVersion: '7', continue: 'abc' });
    expect(table.columnDefinitions).toEqual([]);
    expect(table.rows).toHaveLength(2);
    expect(toTable(pods, []).rows).toEqual([]);
  });
});

describe('pods', () => {
  const pods = type('', 'pods');
  const running = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: ago(200) } },
    ...extra,
  });
  const pod = (
    spec: Record<string, unknown>,
    status: Record<string, unknown>,
    meta: Record<string, unknown> = {},
  ) => {
    const o = object('v1', 'Pod', 'web', {
      spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
      status,
    });
    Object.assign(o.metadata, meta);
    return o;
  };

  it('has the columns of kubectl get pods and -o wide', () => {
    expect(columnNames(pods)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
      'IP*',
      'Node*',
      'Nominated Node*',
      'Readiness Gates*',
    ]);
  });

  it('prints a running pod with its wide cells', () => {
    const o = pod(
      { nodeName: 'kubedesk', readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] },
      {
        phase: 'Running',
        podIP: '10.1.0.7',
        podIPs: [{ ip: '10.1.0.7' }],
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'a', status: 'True' },
          { type: 'b', status: 'False' },
        ],
        containerStatuses: [running('app')],
      },
    );
    expect(cells(pods, o)).toEqual([
      'web',
      '1/1',
      'Running',
      '0',
      '5m',
      '10.1.0.7',
      'kubedesk',
      '<none>',
      '1/2',
    ]);
  });

  it('prints a pending pod with <none> for what it lacks', () => {
    expect(cells(pods, pod({}, { phase: 'Pending' }))).toEqual([
      'web',
      '0/1',
      'Pending',
      '0',
      '5m',
      '<none>',
      '<none>',
      '<none>',
      '<none>',
    ]);
  });

  const initSpec = { initContainers: [{ name: 'init-a' }, { name: 'init-b' }] };
  it.each([
    [
      'waiting for its first init container',
      {
        initContainerStatuses: [
          { name: 'init-a', state: { running: {} } },
          { name: 'init-b', state: { waiting: { reason: 'PodInitializing' } } },
        ],
      },
      'Init:0/2',
    ],
    [
      'past its first init container',
      {
        initContainerStatuses: [
          { name: 'init-a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'init-b', state: { running: {} } },
        ],
      },
      'Init:1/2',
    ],
    [
      'pulling an init image in vain',
      { initContainerStatuses: [{ name: 'init-a', state: { waiting: { reason: 'ErrImagePull' } } }] },
      'Init:ErrImagePull',
    ],
    [
      'with a failed init container',
      {
        initContainerStatuses: [{ name: 'init-a', state: { terminated: { exitCode: 1, reason: 'Error' } } }],
      },
      'Init:Error',
    ],
    [
      'with an init container that exited without a reason',
      { initContainerStatuses: [{ name: 'init-a', state: { terminated: { exitCode: 3 } } }] },
      'Init:ExitCode:3',
    ],
    [
      'with an init container killed by a signal',
      { initContainerStatuses: [{ name: 'init-a', state: { terminated: { exitCode: 137, signal: 9 } } }] },
      'Init:Signal:9',
    ],
  ])('prints a pod %s', (_what, status, reason) => {
    expect(cells(pods, pod(initSpec, { phase: 'Pending', ...status })).slice(0, 3)).toEqual([
      'web',
      '0/1',
      reason,
    ]);
  });

  it('prints PodInitializing once the init containers are done', () => {
    const o = pod(initSpec, {
      phase: 'Pending',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [
        { name: 'init-a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'init-b', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      ],
      containerStatuses: [
        { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
      ],
    });
    expect(cells(pods, o).slice(0, 4)).toEqual(['web', '0/1', 'PodInitializing', '0']);
  });

  it('counts a started sidecar (restartable init container) as a container', () => {
    const o = pod(
      { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      {
        phase: 'Running',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        initContainerStatuses: [
          running('proxy', { restartCount: 2, lastState: { terminated: { finishedAt: ago(60) } } }),
        ],
        containerStatuses: [running('app')],
      },
    );
    expect(cells(pods, o).slice(0, 4)).toEqual(['web', '2/2', 'Running', '2 (60s ago)']);
  });

  it('prints CrashLoopBackOff with the restarts and when the last one was', () => {
    const o = pod(
      {},
      {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(180) } },
          },
        ],
      },
    );
    expect(cells(pods, o).slice(0, 4)).toEqual(['web', '0/1', 'CrashLoopBackOff', '5 (3m ago)']);
  });

  it('prints Completed and marks the row completed', () => {
    const o = pod(
      {},
      {
        phase: 'Succeeded',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: 'Completed' } },
          },
        ],
      },
    );
    const row = toTable(pods, [o], { now: NOW }).rows[0]!;
    expect(row.cells.slice(0, 3)).toEqual(['web', '0/1', 'Completed']);
    expect(row.conditions).toEqual([
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ]);
  });

  it('prints Running, not Completed, while another container still runs', () => {
    const o = pod(
      { containers: [{ name: 'app' }, { name: 'job' }] },
      {
        phase: 'Running',
        containerStatuses: [
          running('app'),
          { name: 'job', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        ],
      },
    );
    expect(cells(pods, o).slice(0, 3)).toEqual(['web', '1/2', 'NotReady']);
  });

  it('prints Terminating for a pod being deleted, Unknown for one on a lost node', () => {
    const status = { phase: 'Running', containerStatuses: [running('app')] };
    expect(cells(pods, pod({}, status, { deletionTimestamp: ago(5) }))[2]).toBe('Terminating');
    expect(cells(pods, pod({}, { ...status, phase: 'Succeeded' }, { deletionTimestamp: ago(5) }))[2]).toBe(
      'Succeeded',
    );
    expect(cells(pods, pod({}, { ...status, reason: 'NodeLost' }, { deletionTimestamp: ago(5) }))[2]).toBe(
      'Unknown',
    );
  });

  it('prints SchedulingGated and the exit code of a container without a reason', () => {
    const gated = pod(
      {},
      {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
      },
    );
    expect(cells(pods, gated)[2]).toBe('SchedulingGated');
    const exited = pod(
      {},
      { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 2 } } }] },
    );
    expect(cells(pods, exited)[2]).toBe('ExitCode:2');
  });
});

describe('workloads', () => {
  const template = {
    spec: {
      containers: [
        { name: 'web', image: 'nginx:1.27' },
        { name: 'log', image: 'busybox' },
      ],
    },
  };

  it('prints a deployment: READY UP-TO-DATE AVAILABLE AGE, wide CONTAINERS IMAGES SELECTOR', () => {
    const deployments = type('apps', 'deployments');
    expect(columnNames(deployments)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
      'Containers*',
      'Images*',
      'Selector*',
    ]);
    const d = object('apps/v1', 'Deployment', 'web', {
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    });
    expect(cells(deployments, d)).toEqual([
      'web',
      '2/3',
      3,
      2,
      '5m',
      'web,log',
      'nginx:1.27,busybox',
      'app=web',
    ]);
  });

  it('prints replica sets, stateful sets and daemon sets', () => {
    const rs = object('apps/v1', 'ReplicaSet', 'web-1', {
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template },
      status: { replicas: 2, readyReplicas: 1 },
    });
    expect(cells(type('apps', 'replicasets'), rs)).toEqual([
      'web-1',
      2,
      2,
      1,
      '5m',
      'web,log',
      'nginx:1.27,busybox',
      'app=web',
    ]);
    const sts = object('apps/v1', 'StatefulSet', 'db', {
      spec: { replicas: 3, template },
      status: { readyReplicas: 3 },
    });
    expect(cells(type('apps', 'statefulsets'), sts)).toEqual([
      'db',
      '3/3',
      '5m',
      'web,log',
      'nginx:1.27,busybox',
    ]);
    const ds = object('apps/v1', 'DaemonSet', 'agent', {
      spec: {
        selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['agent'] }] },
        template: { spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } },
      },
      status: {
        desiredNumberScheduled: 1,
        currentNumberScheduled: 1,
        numberReady: 1,
        updatedNumberScheduled: 1,
        numberAvailable: 1,
      },
    });
    expect(cells(type('apps', 'daemonsets'), ds)).toEqual([
      'agent',
      1,
      1,
      1,
      1,
      1,
      'kubernetes.io/os=linux',
      '5m',
      'web,log',
      'nginx:1.27,busybox',
      'app in (agent)',
    ]);
  });

  it('prints jobs: STATUS COMPLETIONS DURATION AGE', () => {
    const jobs = type('batch', 'jobs');
    expect(columnNames(jobs)).toEqual([
      'Name',
      'Status',
      'Completions',
      'Duration',
      'Age',
      'Containers*',
      'Images*',
      'Selector*',
    ]);
    const done = object('batch/v1', 'Job', 'pi', {
      spec: {
        completions: 1,
        parallelism: 1,
        template,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } },
      },
      status: {
        succeeded: 1,
        startTime: ago(300),
        completionTime: ago(262),
        conditions: [{ type: 'Complete', status: 'True' }],
      },
    });
    expect(cells(jobs, done)).toEqual([
      'pi',
      'Complete',
      '1/1',
      '38s',
      '5m',
      'web,log',
      'nginx:1.27,busybox',
      'batch.kubernetes.io/controller-uid=u1',
    ]);
    const running = object('batch/v1', 'Job', 'work', {
      spec: { parallelism: 3, template },
      status: { startTime: ago(150) },
    });
    expect(cells(jobs, running).slice(0, 4)).toEqual(['work', 'Running', '0/1 of 3', '2m30s']);
    const failed = object('batch/v1', 'Job', 'bad', {
      spec: { completions: 2 },
      status: { failed: 1, conditions: [{ type: 'Failed', status: 'True' }] },
    });
    expect(cells(jobs, failed).slice(0, 4)).toEqual(['bad', 'Failed', '0/2', '']);
  });

  it('prints a cron job', () => {
    const cj = object('batch/v1', 'CronJob', 'nightly', {
      spec: { schedule: '0 3 * * *', suspend: false, jobTemplate: { spec: { template } } },
      status: { active: [{ name: 'nightly-1' }], lastScheduleTime: ago(3600) },
    });
    expect(cells(type('batch', 'cronjobs'), cj)).toEqual([
      'nightly',
      '0 3 * * *',
      '<none>',
      'False',
      1,
      '60m',
      '5m',
      'web,log',
      'nginx:1.27,busybox',
      '<none>',
    ]);
  });

  it('prints controller revisions with their owner', () => {
    const cr = object('apps/v1', 'ControllerRevision', 'db-5d8f', {
      revision: 2,
      metadata: {
        name: 'db-5d8f',
        creationTimestamp: ago(300),
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true },
        ],
      },
    });
    expect(cells(type('apps', 'controllerrevisions'), cr)).toEqual([
      'db-5d8f',
      'statefulset.apps/db',
      2,
      '5m',
    ]);
  });
});

describe('services', () => {
  const services = type('', 'services');
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) =>
    cells(services, object('v1', 'Service', 'web', { spec: { selector: { app: 'web' }, ...spec }, status }));
  const port = { port: 80, protocol: 'TCP', targetPort: 8080 };

  it('prints TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE and the wide SELECTOR', () => {
    expect(columnNames(services)).toEqual([
      'Name',
      'Type',
      'Cluster-IP',
      'External-IP',
      'Port(s)',
      'Age',
      'Selector*',
    ]);
    expect(
      svc({
        type: 'ClusterIP',
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        ports: [port, { port: 53, protocol: 'UDP' }],
      }),
    ).toEqual(['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,53/UDP', '5m', 'app=web']);
  });

  it('prints each service type its own way', () => {
    expect(
      svc({ type: 'NodePort', clusterIPs: ['10.96.0.11'], ports: [{ ...port, nodePort: 30080 }] }).slice(
        1,
        5,
      ),
    ).toEqual(['NodePort', '10.96.0.11', '<none>', '80:30080/TCP']);
    expect(
      svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [{ ...port, nodePort: 30081 }] }).slice(
        1,
        5,
      ),
    ).toEqual(['LoadBalancer', '10.96.0.12', '<pending>', '80:30081/TCP']);
    expect(
      svc(
        { type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], externalIPs: ['192.0.2.9'], ports: [port] },
        { loadBalancer: { ingress: [{ ip: '198.51.100.2' }, { hostname: 'lb.example.com' }] } },
      )[3],
    ).toBe('198.51.100.2,lb.example.com,192.0.2.9');
    expect(svc({ type: 'ExternalName', externalName: 'db.example.com' }).slice(1, 5)).toEqual([
      'ExternalName',
      '<none>',
      'db.example.com',
      '<none>',
    ]);
    expect(
      svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [port], selector: undefined }),
    ).toEqual(['web', 'ClusterIP', 'None', '<none>', '80/TCP', '5m', '<none>']);
  });
});

describe('other built-in kinds', () => {
  it('prints an event: LAST SEEN TYPE REASON OBJECT MESSAGE, wide SUBOBJECT SOURCE FIRST SEEN COUNT NAME', () => {
    const events = type('', 'events');
    expect(columnNames(events)).toEqual([
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Subobject*',
      'Source*',
      'Message',
      'First Seen*',
      'Count*',
      'Name*',
    ]);
    const e = object('v1', 'Event', 'web.17a', {
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{app}' },
      reason: 'Pulled',
      message: 'Successfully pulled image "nginx"\n',
      type: 'Normal',
      source: { component: 'kubelet', host: 'kubedesk' },
      firstTimestamp: ago(600),
      lastTimestamp: ago(30),
      count: 4,
    });
    expect(cells(events, e)).toEqual([
      '30s',
      'Normal',
      'Pulled',
      'pod/web',
      'spec.containers{app}',
      'kubelet, kubedesk',
      'Successfully pulled image "nginx"',
      '10m',
      4,
      'web.17a',
    ]);
    const v1 = object('events.k8s.io/v1', 'Event', 'e2', {
      regarding: { kind: 'Node', name: 'kubedesk' },
      reason: 'Starting',
      note: 'Starting kubelet.',
      type: 'Normal',
      eventTime: '2024-06-01T11:59:00.000000Z',
      reportingController: 'kubelet',
      reportingInstance: 'kubedesk',
    });
    expect(cells(type('events.k8s.io', 'events'), v1)).toEqual([
      '60s',
      'Normal',
      'Starting',
      'node/kubedesk',
      '',
      'kubelet, kubedesk',
      'Starting kubelet.',
      '60s',
      1,
      'e2',
    ]);
  });

  it('prints nodes, namespaces, config maps, secrets and service accounts', () => {
    const node = object('v1', 'Node', 'kubedesk', {
      metadata: {
        name: 'kubedesk',
        creationTimestamp: ago(86400 * 3),
        labels: { 'node-role.kubernetes.io/control-plane': '' },
      },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '172.18.0.2' }],
        nodeInfo: {
          kubeletVersion: 'v1.32.0',
          osImage: 'Kubedesk',
          kernelVersion: '6.8',
          containerRuntimeVersion: 'docker://27',
        },
      },
    });
    expect(cells(type('', 'nodes'), node)).toEqual([
      'kubedesk',
      'Ready,SchedulingDisabled',
      'control-plane',
      '3d',
      'v1.32.0',
      '172.18.0.2',
      '<none>',
      'Kubedesk',
      '6.8',
      'docker://27',
    ]);
    expect(
      cells(type('', 'namespaces'), object('v1', 'Namespace', 'dev', { status: { phase: 'Active' } })),
    ).toEqual(['dev', 'Active', '5m']);
    const cm = object('v1', 'ConfigMap', 'cfg', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } });
    expect(cells(type('', 'configmaps'), cm)).toEqual(['cfg', 3, '5m']);
    const secret = object('v1', 'Secret', 'tls', {
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'x', 'tls.key': 'y' },
    });
    expect(cells(type('', 'secrets'), secret)).toEqual(['tls', 'kubernetes.io/tls', 2, '5m']);
    expect(cells(type('', 'serviceaccounts'), object('v1', 'ServiceAccount', 'default'))).toEqual([
      'default',
      0,
      '5m',
    ]);
  });

  it('prints volumes and claims with canonical quantities', () => {
    const pv = object('v1', 'PersistentVolume', 'pv1', {
      spec: {
        capacity: { storage: '1024Mi' },
        accessModes: ['ReadWriteMany', 'ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        claimRef: { namespace: 'default', name: 'data' },
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    });
    expect(cells(type('', 'persistentvolumes'), pv)).toEqual([
      'pv1',
      '1Gi',
      'RWO,RWX',
      'Retain',
      'Bound',
      'default/data',
      'standard',
      '<unset>',
      '',
      '5m',
      'Filesystem',
    ]);
    const pvc = object('v1', 'PersistentVolumeClaim', 'data', {
      spec: { volumeName: 'pv1', storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } },
      status: { phase: 'Bound', capacity: { storage: '1.5Gi' }, accessModes: ['ReadWriteOnce'] },
    });
    expect(cells(type('', 'persistentvolumeclaims'), pvc)).toEqual([
      'data',
      'Bound',
      'pv1',
      '1536Mi',
      'RWO',
      'standard',
      '<unset>',
      '5m',
      '<unset>',
    ]);
  });

  it('prints endpoints, quotas, ingresses and pod disruption budgets', () => {
    const ep = object('v1', 'Endpoints', 'web', {
      subsets: [
        {
          addresses: [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }, { ip: 'fd00::3' }, { ip: '10.1.0.4' }],
          ports: [{ port: 8080 }],
        },
      ],
    });
    expect(cells(type('', 'endpoints'), ep)).toEqual([
      'web',
      '10.1.0.1:8080,10.1.0.2:8080,[fd00::3]:8080 + 1 more...',
      '5m',
    ]);
    const quota = object('v1', 'ResourceQuota', 'q', {
      status: {
        hard: { 'requests.cpu': '2', 'limits.memory': '2Gi', pods: '10' },
        used: { 'requests.cpu': '500m', 'limits.memory': '512Mi' },
      },
    });
    expect(cells(type('', 'resourcequotas'), quota)).toEqual([
      'q',
      'pods: 0/10, requests.cpu: 500m/2',
      'limits.memory: 512Mi/2Gi',
      '5m',
    ]);
    const ing = object('networking.k8s.io/v1', 'Ingress', 'web', {
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'a.test' }, { host: 'b.test' }],
        tls: [{ hosts: ['a.test'] }],
      },
      status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
    });
    expect(cells(type('networking.k8s.io', 'ingresses'), ing)).toEqual([
      'web',
      'nginx',
      'a.test,b.test',
      '127.0.0.1',
      '80, 443',
      '5m',
    ]);
    const pdb = object('policy/v1', 'PodDisruptionBudget', 'web', {
      spec: { minAvailable: '50%' },
      status: { disruptionsAllowed: 1 },
    });
    expect(cells(type('policy', 'poddisruptionbudgets'), pdb)).toEqual(['web', '50%', 'N/A', 1, '5m']);
  });

  it('prints the default Name / Created At table for kinds without a printer', () => {
    for (const [group, resource] of [
      ['rbac.authorization.k8s.io', 'roles'],
      ['', 'limitranges'],
      ['apiextensions.k8s.io', 'customresourcedefinitions'],
    ] as const) {
      const t = type(group, resource);
      expect(tableColumnsFor(t).map((c) => [c.name, c.type])).toEqual([
        ['Name', 'string'],
        ['Created At', 'date'],
      ]);
      expect(cells(t, object('v1', 'X', 'x'))).toEqual(['x', '2024-06-01T11:55:00Z']);
    }
  });
});

describe('custom resources', () => {
  const widgets: ResourceType = {
    ...type('apps', 'deployments'),
    group: 'example.com',
    resource: 'widgets',
    kind: 'Widget',
    crd: 'widgets.example.com',
  };
  const columns: PrinterColumnSpec[] = [
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Ports', type: 'string', jsonPath: '.spec.ports', priority: 1 },
    { name: 'Weight', type: 'number', jsonPath: '.spec.weight' },
    { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
    { name: 'Missing', type: 'string', jsonPath: '.status.nothing' },
    { name: 'Started', type: 'date', jsonPath: '.status.startedAt', description: 'When it started' },
  ];
  const widget = object('example.com/v1', 'Widget', 'w1', {
    spec: { replicas: 3, ports: [{ port: 80, name: 'http' }], weight: 0.5, paused: false },
    status: {
      conditions: [
        { type: 'Synced', status: 'True' },
        { type: 'Ready', status: 'False' },
      ],
      startedAt: ago(7200),
    },
  });

  it('uses the CRD’s printer columns after Name', () => {
    const defs = tableColumnsFor(widgets, { printerColumns: columns });
    expect(defs.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Replicas', 'integer', 0],
      ['Ready', 'string', 0],
      ['Ports', 'string', 1],
      ['Weight', 'number', 0],
      ['Paused', 'boolean', 0],
      ['Missing', 'string', 0],
      ['Started', 'date', 0],
    ]);
    expect(defs[1]!.description).toBe(
      'Custom resource definition column (in JSONPath format): .spec.replicas',
    );
    expect(defs[7]!.description).toBe('When it started');
    expect(cells(widgets, widget, columns)).toEqual([
      'w1',
      3,
      'False',
      '[{"name":"http","port":80}]',
      0.5,
      false,
      null,
      '120m',
    ]);
  });

  it('falls back to a single Age column', () => {
    expect(tableColumnsFor(widgets).map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Age', 'date'],
    ]);
    expect(cells(widgets, widget)).toEqual(['w1', '5m']);
  });
});

describe('quantities and JSONPath', () => {
  it.each([
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['1000M', '1G'],
    ['1500', '1500'],
    ['1.5k', '1500'],
    ['0.5', '500m'],
    ['100m', '100m'],
    ['512', '512'],
    ['0.5Ki', '512'],
    ['1e3', '1e3'],
    ['0', '0'],
    ['0.1n', '1n'],
  ])('%s → %s', (input, output) => {
    expect(canonicalQuantity(input)).toBe(output);
  });

  it('finds values the way printer columns need', () => {
    const doc = {
      metadata: { labels: { 'app.kubernetes.io/name': 'web' } },
      items: [{ n: 1 }, { n: 2 }, { n: 3 }],
      spec: {
        containers: [
          { name: 'a', port: 80 },
          { name: 'b', port: 8080 },
        ],
      },
    };
    const find = (path: string) => compileJsonPath(path).find(doc);
    expect(find(".metadata.labels['app.kubernetes.io/name']")).toEqual(['web']);
    expect(find('.items[-1].n')).toEqual([3]);
    expect(find('.items[0:2].n')).toEqual([1, 2]);
    expect(find('.items[*].n')).toEqual([1, 2, 3]);
    expect(find('.spec.containers[?(@.port > 80)].name')).toEqual(['b']);
    expect(find("{.spec.containers[?(@.name=='a')].port}")).toEqual([80]);
    expect(find('..port')).toEqual([80, 8080]);
    expect(find('.spec.missing.deeper')).toEqual([]);
  });
});
