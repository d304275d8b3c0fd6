/**
 * Docker for the test/docker/ suites: whether the daemon answers (suites skip with a clear
 * message when it does not), a runtime on a throwaway node name and network, and the clean-up
 * that removes every container and the network it made.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import {
  DockerRuntime,
  type DockerRuntimeConfig,
} from '../../embedded-cluster/kubelet/docker/docker-runtime.js';
import { defaultSocketPath } from '../../embedded-cluster/kubelet/docker/docker-api.js';
import type { Readable } from 'node:stream';
import type {
  ContainerConfig,
  ContainerStatus,
  SandboxConfig,
  SandboxStatus,
} from '../../embedded-cluster/kubelet/runtime/container-runtime.js';

export const DOCKER_SOCKET = defaultSocketPath();

/** Why Docker suites skip, or undefined when the daemon answers `GET /_ping`. */
export async function dockerUnavailable(): Promise<string | undefined> {
  const ok = await new Promise<boolean>((resolve) => {
    const req = request({ socketPath: DOCKER_SOCKET, path: '/_ping', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
  return ok
    ? undefined
    : `Docker does not answer on ${DOCKER_SOCKET}: skipping the Docker suites (start it, e.g. \`sudo dockerd\`, then \`npm run images\`)`;
}

export interface TestRuntime {
  runtime: DockerRuntime;
  nodeName: string;
  networkName: string;
  /** Another runtime instance on the same node and network (a restarted kubelet). */
  reopen(): DockerRuntime;
  /** Remove every container and sandbox of the node, then the network. */
  cleanup(): Promise<void>;
}

export function testRuntime(config: Partial<DockerRuntimeConfig> = {}): TestRuntime {
  const suffix = randomBytes(4).toString('hex');
  const nodeName = `test-${suffix}`;
  const networkName = `kubedesk-test-${suffix}`;
  const make = () => new DockerRuntime({ nodeName, networkName, ...config });
  const runtime = make();
  return {
    runtime,
    nodeName,
    networkName,
    reopen: make,
    async cleanup() {
      for (const sandbox of await runtime.listSandboxes()) await runtime.removeSandbox(sandbox.id);
      for (const container of await runtime.listContainers()) await runtime.removeContainer(container.id);
      await runtime.removeNetwork();
    },
  };
}

/** A sandbox config for a pod named `name`, with a fresh uid. */
export function podSandbox(name: string, overrides: Partial<SandboxConfig> = {}): SandboxConfig {
  return {
    podUid: `uid-${randomBytes(6).toString('hex')}`,
    namespace: 'default',
    name,
    hostname: name,
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    shareProcessNamespace: false,
    portMappings: [],
    labels: {},
    ...overrides,
  };
}

/** A busybox container config for a sandbox's pod; `overrides` win. */
export function busybox(
  sandbox: SandboxStatus,
  name: string,
  overrides: Partial<ContainerConfig> = {},
): ContainerConfig {
  return {
    podUid: sandbox.podUid,
    name,
    image: 'busybox:latest',
    env: [],
    mounts: [],
    tty: false,
    stdin: false,
    stdinOnce: false,
    resources: {},
    security: {},
    attempt: 0,
    labels: {},
    ...overrides,
  };
}

/** Create and start a container; resolves to its id. */
export async function run(
  runtime: DockerRuntime,
  sandbox: SandboxStatus,
  config: ContainerConfig,
): Promise<string> {
  const id = await runtime.createContainer(sandbox, config);
  await runtime.startContainer(id);
  return id;
}

/** Resolves with the status once the container has exited (a test helper: it polls). */
export async function exited(
  runtime: DockerRuntime,
  id: string,
  timeoutMs = 15_000,
): Promise<ContainerStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await runtime.containerStatus(id);
    if (status?.state === 'exited') return status;
    if (Date.now() > deadline) throw new Error(`container ${id} still ${status?.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function readAll(stream: Readable | undefined): Promise<string> {
  if (!stream) return '';
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** The IDs of every container the kubelet of node `node` made (running or not), by their label. */
export function nodeContainers(node: string): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=dev.kubedesk.node=${node}`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
}

/** Removes what a suite's node left behind (a failed run must not leave containers running). */
export function removeNodeContainers(node: string): void {
  const left = nodeContainers(node);
  if (left.length) execFileSync('docker', ['rm', '-f', ...left]);
}
