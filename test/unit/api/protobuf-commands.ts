/**
 * The kubectl 1.32 commands that send Kubernetes protobuf bodies, as the protobuf tests run them
 * and test/fixtures/protobuf/record.ts recorded them.
 */

/** A kubectl command that sends a protobuf body; `{dir}` in an argument is a scratch directory. */
export interface KubectlCommand {
  name: string;
  args: string[];
  /** `--dry-run=client -o json` prints the object it would send, to compare with. */
  dryRun: boolean;
}

/** Bytes that are not UTF-8, so that `create configmap --from-file` puts them in binaryData. */
export const BINARY_FILE = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x01, 0x6b, 0x38, 0x73]);

export const KUBECTL_COMMANDS: KubectlCommand[] = [
  {
    name: 'configmap',
    args: [
      'create',
      'configmap',
      'settings',
      '--from-literal=mode=fast',
      '--from-literal=level=3',
      '--from-file=blob={dir}/blob.bin',
    ],
    dryRun: true,
  },
  {
    name: 'secret-generic',
    args: [
      'create',
      'secret',
      'generic',
      'db',
      '--from-literal=password=s3cr3t',
      '--from-literal=user=admin',
    ],
    dryRun: true,
  },
  {
    name: 'secret-docker-registry',
    args: [
      'create',
      'secret',
      'docker-registry',
      'pull',
      '--docker-server=registry.example',
      '--docker-username=u',
      '--docker-password=p',
    ],
    dryRun: true,
  },
  {
    name: 'deployment',
    args: ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80'],
    dryRun: true,
  },
  {
    name: 'deployment-zero-replicas',
    args: ['create', 'deployment', 'idle', '--image=nginx', '--image=redis', '--replicas=0'],
    dryRun: true,
  },
  { name: 'job', args: ['create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hi'], dryRun: true },
  { name: 'job-from-cronjob', args: ['create', 'job', 'manual', '--from=cronjob/nightly'], dryRun: true },
  {
    name: 'cronjob',
    args: [
      'create',
      'cronjob',
      'nightly',
      '--image=busybox',
      '--schedule=0 3 * * *',
      '--restart=Never',
      '--',
      'date',
    ],
    dryRun: true,
  },
  { name: 'namespace', args: ['create', 'namespace', 'team-a'], dryRun: true },
  {
    name: 'service-clusterip',
    args: ['create', 'service', 'clusterip', 'api', '--tcp=80:8080', '--tcp=443:https'],
    dryRun: true,
  },
  {
    name: 'service-headless',
    args: ['create', 'service', 'clusterip', 'peers', '--clusterip=None'],
    dryRun: true,
  },
  {
    name: 'service-nodeport',
    args: ['create', 'service', 'nodeport', 'edge', '--tcp=80:8080', '--node-port=30080'],
    dryRun: true,
  },
  {
    name: 'service-externalname',
    args: ['create', 'service', 'externalname', 'ext', '--external-name=example.com'],
    dryRun: true,
  },
  { name: 'serviceaccount', args: ['create', 'serviceaccount', 'builder'], dryRun: true },
  {
    name: 'role',
    args: [
      'create',
      'role',
      'reader',
      '--verb=get,list,watch',
      '--resource=pods,deployments.apps',
      '--resource-name=web',
    ],
    dryRun: true,
  },
  {
    name: 'rolebinding',
    args: [
      'create',
      'rolebinding',
      'read',
      '--role=reader',
      '--user=alice',
      '--group=devs',
      '--serviceaccount=default:builder',
    ],
    dryRun: true,
  },
  {
    name: 'clusterrole',
    args: [
      'create',
      'clusterrole',
      'health',
      '--verb=get',
      '--non-resource-url=/healthz',
      '--non-resource-url=/readyz',
    ],
    dryRun: true,
  },
  {
    name: 'clusterrole-aggregated',
    args: [
      'create',
      'clusterrole',
      'monitoring',
      '--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true',
    ],
    dryRun: true,
  },
  {
    name: 'clusterrolebinding',
    args: ['create', 'clusterrolebinding', 'health', '--clusterrole=health', '--user=bob'],
    dryRun: true,
  },
  {
    name: 'priorityclass',
    args: [
      'create',
      'priorityclass',
      'high',
      '--value=1000',
      '--description=important',
      '--preemption-policy=Never',
      '--global-default=true',
    ],
    dryRun: true,
  },
  {
    name: 'quota',
    args: [
      'create',
      'quota',
      'compute',
      '--hard=cpu=1500m,memory=1Gi,pods=10,requests.storage=5Gi',
      '--scopes=BestEffort',
    ],
    dryRun: true,
  },
  {
    name: 'pdb-min-available',
    args: ['create', 'poddisruptionbudget', 'half', '--selector=app=web', '--min-available=50%'],
    dryRun: true,
  },
  {
    name: 'pdb-max-unavailable',
    args: ['create', 'poddisruptionbudget', 'none', '--selector=app=web', '--max-unavailable=0'],
    dryRun: true,
  },
  {
    name: 'ingress',
    args: [
      'create',
      'ingress',
      'site',
      '--rule=foo.com/bar*=api:http,tls=site-cert',
      '--class=nginx',
      '--default-backend=fallback:80',
      '--annotation=team=a',
    ],
    dryRun: true,
  },
  {
    name: 'autoscale',
    args: ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80'],
    dryRun: true,
  },
  { name: 'can-i-create-pods', args: ['auth', 'can-i', 'create', 'pods', '-n', 'default'], dryRun: false },
  {
    name: 'can-i-subresource',
    args: ['auth', 'can-i', 'get', 'pods', '--subresource=log', '-n', 'kube-system'],
    dryRun: false,
  },
  { name: 'can-i-nonresource', args: ['auth', 'can-i', 'get', '/healthz'], dryRun: false },
  { name: 'can-i-list', args: ['auth', 'can-i', '--list', '-n', 'default'], dryRun: false },
  {
    name: 'create-token',
    args: ['create', 'token', 'builder', '--duration=1h', '--audience=api'],
    dryRun: false,
  },
  { name: 'whoami', args: ['auth', 'whoami'], dryRun: false },
];

/** The command's arguments with `{dir}` filled in and `flags` added before any `--`. */
export function commandArgs(command: KubectlCommand, dir: string, flags: readonly string[]): string[] {
  const args = command.args.map((a) => a.replaceAll('{dir}', dir));
  const dashes = args.indexOf('--');
  return dashes < 0 ? [...args, ...flags] : [...args.slice(0, dashes), ...flags, ...args.slice(dashes)];
}
