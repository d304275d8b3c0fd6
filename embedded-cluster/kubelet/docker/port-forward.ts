import { connect } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import { RUNTIME_LABELS } from '../runtime/container-runtime.js';
import type { Docker } from './docker-api.js';
import { demux } from './streams.js';

/** A TCP connection straight to `host:port`, resolved once connected (Linux: the host routes to the cluster network). */
export function connectDirect(host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * The other platforms' way in (Docker Desktop on macOS and Windows runs containers in a VM whose
 * bridge the host cannot route to): a throwaway helper container joins the sandbox's network
 * namespace and runs `nc 127.0.0.1 <port>`; its attached stdin/stdout carry the bytes. This is
 * what dockershim's `PortForward` did with `nsenter … socat`, done with Docker's own API.
 */
export async function connectRelay(
  docker: Docker,
  sandboxId: string,
  port: number,
  relayImage: string,
  nodeName: string,
): Promise<Duplex> {
  const helper = await docker.createContainer({
    Image: relayImage,
    Cmd: ['nc', '127.0.0.1', String(port)],
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Labels: { [RUNTIME_LABELS.managedBy]: nodeName, 'dev.kubedesk.port-forward': sandboxId },
    HostConfig: { NetworkMode: `container:${sandboxId}`, AutoRemove: true },
  });
  const socket = (await helper.attach({
    stream: true,
    stdin: true,
    stdout: true,
    stderr: true,
    hijack: true,
  })) as unknown as Duplex;
  await helper.start();
  const readable = new PassThrough();
  demux(
    socket,
    (type, payload) => {
      if (type === 1) readable.write(payload);
    },
    () => readable.end(),
  );
  const duplex = Duplex.from({ readable, writable: socket });
  duplex.on('close', () => {
    socket.destroy();
    helper.remove({ force: true }).catch(() => {});
  });
  return duplex;
}
