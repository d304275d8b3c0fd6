/**
 * Starting points for common kinds, inserted from the editor's Templates menu into the picked
 * namespace. Each is a manifest the API server accepts as is (the tests apply every one), with
 * the fields people most often change first.
 */
export interface ManifestTemplate {
  kind: string;
  apiVersion: string;
  /** One line for the menu. */
  description: string;
  /** The manifest for a namespace (ignored by cluster-scoped kinds; all of these are namespaced). */
  render(namespace: string): string;
}

const meta = (name: string, namespace: string, labels = true): string =>
  `metadata:\n  name: ${name}\n  namespace: ${namespace}\n` + (labels ? `  labels:\n    app: ${name}\n` : '');

const podSpec = (indent: string, name: string, image: string, port?: number): string =>
  [
    `${indent}containers:`,
    `${indent}  - name: ${name}`,
    `${indent}    image: ${image}`,
    ...(port ? [`${indent}    ports:`, `${indent}      - containerPort: ${port}`] : []),
  ].join('\n') + '\n';

export const TEMPLATES: readonly ManifestTemplate[] = [
  {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    description: 'Replicated, rolling-updated pods',
    render: (ns) =>
      `apiVersion: apps/v1\nkind: Deployment\n${meta('web', ns)}spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n${podSpec('      ', 'web', 'nginx:1.27', 80)}`,
  },
  {
    kind: 'Service',
    apiVersion: 'v1',
    description: 'A stable address for pods with a label',
    render: (ns) =>
      `apiVersion: v1\nkind: Service\n${meta('web', ns)}spec:\n  type: ClusterIP\n  selector:\n    app: web\n  ports:\n    - name: http\n      port: 80\n      targetPort: 80\n`,
  },
  {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    description: 'Configuration as keys and values',
    render: (ns) =>
      `apiVersion: v1\nkind: ConfigMap\n${meta('settings', ns, false)}data:\n  LOG_LEVEL: info\n  app.properties: |\n    greeting=hello\n`,
  },
  {
    kind: 'Secret',
    apiVersion: 'v1',
    description: 'Credentials (stringData is encoded by the server)',
    render: (ns) =>
      `apiVersion: v1\nkind: Secret\n${meta('credentials', ns, false)}type: Opaque\nstringData:\n  username: admin\n  password: change-me\n`,
  },
  {
    kind: 'Job',
    apiVersion: 'batch/v1',
    description: 'Pods that run to completion',
    render: (ns) =>
      `apiVersion: batch/v1\nkind: Job\n${meta('once', ns, false)}spec:\n  backoffLimit: 3\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: once\n          image: busybox\n          command: ["sh", "-c", "echo hello"]\n`,
  },
  {
    kind: 'CronJob',
    apiVersion: 'batch/v1',
    description: 'A Job on a schedule',
    render: (ns) =>
      `apiVersion: batch/v1\nkind: CronJob\n${meta('nightly', ns, false)}spec:\n  schedule: "0 3 * * *"\n  concurrencyPolicy: Forbid\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: nightly\n              image: busybox\n              command: ["sh", "-c", "date"]\n`,
  },
  {
    kind: 'Ingress',
    apiVersion: 'networking.k8s.io/v1',
    description: 'HTTP routing from a host to a Service',
    render: (ns) =>
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\n${meta('web', ns, false)}spec:\n  rules:\n    - host: web.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: web\n                port:\n                  number: 80\n`,
  },
  {
    kind: 'PersistentVolumeClaim',
    apiVersion: 'v1',
    description: 'A request for storage',
    render: (ns) =>
      `apiVersion: v1\nkind: PersistentVolumeClaim\n${meta('data', ns, false)}spec:\n  accessModes:\n    - ReadWriteOnce\n  resources:\n    requests:\n      storage: 1Gi\n`,
  },
  {
    kind: 'StatefulSet',
    apiVersion: 'apps/v1',
    description: 'Pods with stable names and their own storage',
    render: (ns) =>
      `apiVersion: apps/v1\nkind: StatefulSet\n${meta('db', ns)}spec:\n  serviceName: db\n  replicas: 1\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n${podSpec('      ', 'db', 'busybox', undefined).replace(/\n$/, '')}\n          command: ["sh", "-c", "sleep 3600"]\n          volumeMounts:\n            - name: data\n              mountPath: /data\n  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n        accessModes:\n          - ReadWriteOnce\n        resources:\n          requests:\n            storage: 1Gi\n`,
  },
  {
    kind: 'Pod',
    apiVersion: 'v1',
    description: 'One pod (prefer a Deployment)',
    render: (ns) =>
      `apiVersion: v1\nkind: Pod\n${meta('shell', ns)}spec:\n${podSpec('  ', 'shell', 'busybox')}      command: ["sh", "-c", "sleep 3600"]\n`,
  },
];

/**
 * The text with a template added: as the whole text when it is blank, else as a new document
 * after a `---` line.
 */
export function insertTemplate(text: string, template: ManifestTemplate, namespace: string): string {
  const manifest = template.render(namespace || 'default');
  if (text.trim() === '') return manifest;
  return `${text.endsWith('\n') ? text : `${text}\n`}---\n${manifest}`;
}
