/**
 * The kubelet bench's pods. The image is present and pulled `IfNotPresent`, so no registry round
 * trip is timed (an untagged image would default to `Always`).
 */
import type { CoreV1 } from '../../../embedded-cluster/client/index.js';

/** The command of every long-running container, the bench's and the peer's. */
export const SLEEP = ['sleep', '3600'];

/** A pod whose one container `main` sleeps for an hour. */
export function sleepPod(name: string, namespace: string, image: string): CoreV1.Pod {
  return {
    metadata: { name, namespace, labels: { app: 'bench' } },
    spec: {
      containers: [{ name: 'main', image, imagePullPolicy: 'IfNotPresent', command: SLEEP }],
      terminationGracePeriodSeconds: 0,
    },
  };
}

/** A pod that writes `bytes` of 1,000-character lines to stdout and exits. */
export function logPod(name: string, namespace: string, image: string, bytes: number): CoreV1.Pod {
  return {
    metadata: { name, namespace },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: 'main',
          image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', `yes "$(head -c 999 /dev/zero | tr '\\0' x)" | head -c ${bytes}`],
        },
      ],
      terminationGracePeriodSeconds: 0,
    },
  };
}
