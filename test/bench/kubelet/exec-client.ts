/**
 * The kubelet bench's clients of the API server's pod streams, each on a fresh HTTPS connection as
 * kubectl makes one per command: exec over WebSocket `v5.channel.k8s.io` (kubectl ≥ 1.30,
 * staging/src/k8s.io/client-go/tools/remotecommand/websocket.go) and a non-follow `GET .../log`.
 */
import { request as httpsRequest } from 'node:https';
import { WebSocket } from 'ws';
import type { RunningCluster } from '../../../embedded-cluster/cluster.js';

/**
 * One `echo hi` exec as kubectl does it: a new TLS connection, WebSocket upgrade with
 * `v5.channel.k8s.io`, until the server closes after stdout (channel 1) and the Success status
 * (channel 3). Resolves to the milliseconds taken.
 */
export function execOnce(cluster: RunningCluster, namespace: string, pod: string): Promise<number> {
  const path = `/api/v1/namespaces/${namespace}/pods/${pod}/exec?command=echo&command=hi&stdout=true&stderr=true`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${cluster.url.replace('https', 'wss')}${path}`, ['v5.channel.k8s.io'], {
      ca: cluster.caCert,
      headers: { Authorization: `Bearer ${cluster.token}` },
    });
    let stdout = '';
    let status = '';
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) stdout += data.subarray(1).toString();
      if (data[0] === 3) status += data.subarray(1).toString();
    });
    ws.once('error', reject);
    ws.once('close', () => {
      const elapsed = performance.now() - started;
      if (stdout !== 'hi\n' || !status.includes('Success'))
        reject(new Error(`exec: stdout ${JSON.stringify(stdout)}, status ${status}`));
      else resolve(elapsed);
    });
  });
}

/** `GET .../log` over HTTPS, read to the end: bytes received and milliseconds taken. */
export function readLog(
  cluster: RunningCluster,
  namespace: string,
  pod: string,
): Promise<{ bytes: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${cluster.url}/api/v1/namespaces/${namespace}/pods/${pod}/log`,
      { ca: cluster.caCert, headers: { Authorization: `Bearer ${cluster.token}` } },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve({ bytes, ms: performance.now() - started })
            : reject(new Error(`GET log: HTTP ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
