import type { Readable } from 'node:stream';
import { daemonMessage, statusCode, type Docker } from './docker-api.js';
import type { Images } from './images.js';
import { execSession } from './streams.js';

/**
 * What kube-proxy's helper runs by default: k3s's servicelb image, Alpine with iptables (and
 * busybox's `sleep` and `cat`), made for exactly this — rules in the host network namespace of
 * whatever runs the containers. Pulled like any image; `npm run images` builds an offline
 * stand-in (`kubedesk/net-helper:test`).
 */
export const DEFAULT_NET_HELPER_IMAGE = 'rancher/klipper-lb:v0.4.17';

/** The label the helper container carries (its value: the node name), so it is never taken for a pod's. */
export const NET_HELPER_LABEL = 'dev.kubedesk.net-helper';

/** A command's output and exit code (the shape kube-proxy's `CommandRunner` resolves to). */
export interface HelperCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A container on Docker's host network with `NET_ADMIN`, through which kube-proxy programs the
 * kernel that holds the pods' network when this process cannot: not root on Linux, rootless
 * Docker (the bridge is in rootlesskit's namespace), Docker Desktop (its VM). It sleeps; each
 * command is a `docker exec` in it, stdin fed and the exit code read back. Started once, removed
 * on stop; one left by a run that did not stop cleanly is replaced.
 */
export class HostNetworkHelper {
  private id: string | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly images: Images,
    readonly containerName: string,
    readonly image: string,
    private readonly nodeName: string,
  ) {}

  async start(): Promise<void> {
    await this.images.ensure(this.image, 'IfNotPresent');
    await this.remove();
    const container = await this.docker.createContainer({
      name: this.containerName,
      Image: this.image,
      // Whatever the image's own entrypoint does (klipper-lb's sets up one port), only sleep.
      Entrypoint: ['sleep'],
      Cmd: ['2147483647'],
      Labels: { [NET_HELPER_LABEL]: this.nodeName },
      HostConfig: {
        NetworkMode: 'host',
        CapAdd: ['NET_ADMIN', 'NET_RAW'],
        RestartPolicy: { Name: 'no' },
      },
    });
    await container.start();
    this.id = container.id;
  }

  /** Run `command` in the helper; never rejects for a failing command (code 127 when it cannot run). */
  readonly run = async (command: string, args: string[], input?: string): Promise<HelperCommandResult> => {
    if (!this.id) return { code: 127, stdout: '', stderr: 'the network helper container is not running' };
    try {
      const session = await execSession(this.docker, this.id, {
        command: [command, ...args],
        stdin: input !== undefined,
        stdout: true,
        stderr: true,
        tty: false,
      });
      const stdout = collect(session.stdout);
      const stderr = collect(session.stderr);
      session.stdin?.end(input ?? '');
      const done = await session.done;
      if ('message' in done) return { code: 127, stdout: await stdout, stderr: done.message };
      return { code: done.exitCode, stdout: await stdout, stderr: await stderr };
    } catch (error) {
      return { code: 127, stdout: '', stderr: daemonMessage(error) };
    }
  };

  async stop(): Promise<void> {
    this.id = undefined;
    await this.remove();
  }

  private async remove(): Promise<void> {
    try {
      await this.docker.getContainer(this.containerName).remove({ force: true });
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
  }
}

/** Everything `stream` gives until it ends, as text. */
function collect(stream: Readable | undefined): Promise<string> {
  if (!stream) return Promise.resolve('');
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve(text));
    stream.on('error', () => resolve(text));
  });
}
