import type { Logger } from '../../util/logger.js';
import { ImagePullError, type RegistryAuth } from '../runtime/container-runtime.js';
import { daemonMessage, statusCode, type Docker, type DockerAuthConfig } from './docker-api.js';

/** The upstream pause image, as the kubelet 1.32 defaults `--pod-infra-container-image`. */
export const UPSTREAM_PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';
/** The pause image `npm run images` builds for machines that cannot reach registry.k8s.io. */
export const LOCAL_PAUSE_IMAGE = 'kubedesk/pause:3.10';

/**
 * The daemon's own words for a failed request. docker-modem parses no JSON body for streaming
 * calls such as a pull, so its message is `(HTTP code 500) server error - <message> `: keep the
 * message.
 */
function pullMessage(error: unknown): string {
  const message = daemonMessage(error);
  return /^\(HTTP code \d+\) [^-]*- ([\s\S]*?)\s*$/.exec(message)?.[1] ?? message;
}

/**
 * Several failures as one message, as k8s.io/apimachinery `utilerrors.NewAggregate`: one alone
 * as it is, else the distinct messages as `[a, b]`.
 */
function aggregate(messages: string[]): string {
  const distinct = [...new Set(messages)];
  return distinct.length === 1 ? distinct[0]! : `[${distinct.join(', ')}]`;
}

/** A failed pull that an offline machine explains: the registry could not be reached at all. */
function isUnreachable(message: string): boolean {
  return /dial tcp|no such host|i\/o timeout|connection refused|network is unreachable|TLS handshake timeout|Client\.Timeout/i.test(
    message,
  );
}

/** Images: inspect, pull (with registry auth) and the pull policies. */
export class Images {
  constructor(
    private readonly docker: Docker,
    private readonly logger: Logger,
  ) {}

  /** The image's id, or undefined when Docker does not have it. */
  async idOf(image: string): Promise<string | undefined> {
    try {
      return (await this.docker.getImage(image).inspect()).Id;
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      if (statusCode(error) === 400) throw new ImagePullError('InvalidImageName', daemonMessage(error));
      throw error;
    }
  }

  /**
   * Make `image` present as `policy` says (pkg/kubelet/images/image_manager.go). One deliberate
   * difference: with `Always`, an image already present is used when the registry cannot be
   * reached at all, so `image: busybox` (policy Always, as `:latest` defaults) runs offline.
   */
  async ensure(
    image: string,
    policy: 'Always' | 'IfNotPresent' | 'Never',
    auths: RegistryAuth[] = [],
  ): Promise<string> {
    const present = await this.idOf(image);
    if (policy === 'Never') {
      if (present) return present;
      throw new ImagePullError(
        'ErrImageNeverPull',
        `Container image "${image}" is not present with pull policy of Never`,
      );
    }
    if (policy === 'IfNotPresent' && present) return present;
    try {
      await this.pull(image, auths);
    } catch (error) {
      if (!(error instanceof ImagePullError) || !present || !isUnreachable(error.message)) throw error;
      this.logger.warn('registry unreachable; using the image already present', {
        image,
        error: error.message,
      });
      return present;
    }
    const id = await this.idOf(image);
    if (!id) throw new ImagePullError('ErrImagePull', `image "${image}" is missing after pulling it`);
    return id;
  }

  /**
   * Pull with each credential in turn until one works, or anonymously when there are none
   * (kuberuntime_image.go `PullImage`: the kubelet's keyring has already chosen the credentials
   * for this image, see pods/pull-secrets.ts); when all fail, the error names every failure.
   */
  async pull(image: string, auths: RegistryAuth[]): Promise<void> {
    if (auths.length === 0) return this.pullOnce(image, undefined);
    const failures: string[] = [];
    for (const auth of auths) {
      try {
        await this.pullOnce(image, {
          serveraddress: auth.server,
          username: auth.username,
          password: auth.password,
          ...(auth.auth ? { auth: auth.auth } : {}),
          ...(auth.identityToken ? { identitytoken: auth.identityToken } : {}),
        } as DockerAuthConfig);
        return;
      } catch (error) {
        if (!(error instanceof ImagePullError) || error.reason === 'InvalidImageName') throw error;
        failures.push(error.message);
      }
    }
    throw new ImagePullError('ErrImagePull', aggregate(failures));
  }

  private async pullOnce(image: string, authconfig: DockerAuthConfig | undefined): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.pull(image, authconfig ? { authconfig } : {});
    } catch (error) {
      if (statusCode(error) === 400 && /invalid reference/i.test(daemonMessage(error)))
        throw new ImagePullError(
          'InvalidImageName',
          `Failed to apply default image tag "${image}": ${pullMessage(error)}`,
        );
      if (statusCode(error) === undefined) throw error;
      throw new ImagePullError('ErrImagePull', pullMessage(error));
    }
    // Errors after the pull began arrive as `{"error": …}` lines in the progress stream.
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (error: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
          const failed = output.find((line) => line.error);
          if (error) reject(new ImagePullError('ErrImagePull', error.message));
          else if (failed)
            reject(new ImagePullError('ErrImagePull', failed.errorDetail?.message ?? failed.error!));
          else resolve();
        },
      );
    });
  }
}
