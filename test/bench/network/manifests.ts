/**
 * The network bench's objects: two `luksa/kubia` pods (the book's Node.js app from `npm run
 * images`, answering `You've hit <pod>` on 8080), each ready only while `/tmp/ready` exists, and
 * the Services and Ingress in front of them. Pod `kubia-a` alone is behind `kubia`,
 * `kubia-nodeport` and the Ingress, so every path of the throughput phase ends at the same pod;
 * `kubia-pair` selects both, for the endpoint-change phase.
 */
import type { CoreV1, NetworkingV1 } from '../../../embedded-cluster/client/index.js';

export const IMAGE = 'luksa/kubia';
export const NAMESPACE = 'default';
/** The pod every throughput path reaches. */
export const POD_A = 'kubia-a';
/** The second backend of `kubia-pair`. */
export const POD_B = 'kubia-b';
/** ClusterIP Service for pod A only; also the DNS name queried. */
export const SERVICE = 'kubia';
/** NodePort Service for pod A only. */
export const NODEPORT_SERVICE = 'kubia-nodeport';
/** Both pods, for the endpoint change; a NodePort too, for the userspace fallback. */
export const PAIR_SERVICE = 'kubia-pair';
export const INGRESS_HOST = 'bench.localhost';
export const READY_FILE = '/tmp/ready';
export const POD_PORT = 8080;

/**
 * A kubia pod whose readiness is the file {@link READY_FILE}: probed every second, one failure
 * makes it unready, so `rm` takes it out of its Services within about a second plus the probe.
 */
export function kubiaPod(name: string, member: 'a' | 'b'): CoreV1.Pod {
  return {
    metadata: { name, namespace: NAMESPACE, labels: { app: 'kubia', member } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'kubia',
          image: IMAGE,
          // `latest` would default to Always; the image is built locally.
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', `touch ${READY_FILE} && exec node /app.js`],
          ports: [{ name: 'http', containerPort: POD_PORT }],
          readinessProbe: {
            exec: { command: ['cat', READY_FILE] },
            periodSeconds: 1,
            // A slow probe is not a failing one: on a loaded machine an exec can take over the
            // default second, and pod A must stay ready through the throughput phase. `rm` still
            // fails the next probe at once.
            timeoutSeconds: 5,
            failureThreshold: 1,
            successThreshold: 1,
          },
        },
      ],
    },
  };
}

function service(name: string, selector: Record<string, string>, type: string): CoreV1.Service {
  return {
    metadata: { name, namespace: NAMESPACE },
    spec: { type, selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

export const services: CoreV1.Service[] = [
  service(SERVICE, { app: 'kubia', member: 'a' }, 'ClusterIP'),
  service(NODEPORT_SERVICE, { app: 'kubia', member: 'a' }, 'NodePort'),
  service(PAIR_SERVICE, { app: 'kubia' }, 'NodePort'),
];

/** `bench.localhost/` → `kubia:80`, served by the cluster's default class (`kubedesk`). */
export const ingress: NetworkingV1.Ingress = {
  metadata: { name: 'kubia', namespace: NAMESPACE },
  spec: {
    rules: [
      {
        host: INGRESS_HOST,
        http: {
          paths: [
            {
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: SERVICE, port: { number: 80 } } },
            },
          ],
        },
      },
    ],
  },
};
