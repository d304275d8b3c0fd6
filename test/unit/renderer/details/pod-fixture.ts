import type { Pod } from 'kubernetes-types/core/v1.js';

/** A pod with an init container, a sidecar and two app containers in telling states. */
export const POD: Pod = {
  metadata: { name: 'web-1', namespace: 'default', uid: 'uid-web-1' },
  spec: {
    nodeName: 'kubedesk',
    initContainers: [
      { name: 'migrate', image: 'busybox', command: ['sh', '-c', 'true'] },
      {
        name: 'proxy',
        image: 'envoy:1.30',
        restartPolicy: 'Always',
        startupProbe: { tcpSocket: { port: 15000 }, periodSeconds: 1, failureThreshold: 30 },
      },
    ],
    containers: [
      {
        name: 'app',
        image: 'nginx:1.27',
        ports: [{ name: 'http', containerPort: 8080 }],
        livenessProbe: { httpGet: { port: 8080, path: '/healthz' } },
        readinessProbe: { httpGet: { port: 8080, path: '/ready' }, periodSeconds: 5 },
      },
      { name: 'worker', image: 'busybox' },
    ],
  },
  status: {
    phase: 'Running',
    initContainerStatuses: [
      {
        name: 'migrate',
        image: 'busybox',
        imageID: '',
        ready: true,
        restartCount: 0,
        state: {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: '2025-01-01T00:00:00Z',
            finishedAt: '2025-01-01T00:00:01Z',
          },
        },
      },
      {
        name: 'proxy',
        image: 'envoy:1.30',
        imageID: '',
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: '2025-01-01T00:00:02Z' } },
      },
    ],
    containerStatuses: [
      {
        name: 'app',
        image: 'nginx:1.27',
        imageID: '',
        ready: false,
        started: false,
        restartCount: 4,
        state: {
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' },
        },
        lastState: {
          terminated: {
            exitCode: 137,
            reason: 'OOMKilled',
            startedAt: '2025-01-01T00:04:00Z',
            finishedAt: '2025-01-01T00:05:00Z',
          },
        },
      },
      {
        name: 'worker',
        image: 'busybox',
        imageID: '',
        ready: false,
        restartCount: 1,
        state: {
          terminated: {
            exitCode: 143,
            reason: 'Error',
            startedAt: '2025-01-01T00:00:03Z',
            finishedAt: '2025-01-01T00:06:00Z',
          },
        },
      },
    ],
  },
};
