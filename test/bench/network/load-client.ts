/**
 * The network bench's handle on its load generator (load-child.ts): starts the child with tsx and
 * turns each command into a promise of its answer.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ChildRpc } from '../child-rpc.js';
import type { DnsLoadCommand, DnsLoadResult, HttpLoadCommand, HttpLoadResult } from './load-protocol.js';

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export class LoadClient {
  private constructor(private readonly rpc: ChildRpc) {}

  static start(): LoadClient {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new LoadClient(new ChildRpc(child, 'load generator'));
  }

  http(command: Omit<HttpLoadCommand, 'cmd'>): Promise<HttpLoadResult> {
    return this.rpc.call<HttpLoadResult>({ cmd: 'http', ...command });
  }

  dns(command: Omit<DnsLoadCommand, 'cmd'>): Promise<DnsLoadResult> {
    return this.rpc.call<DnsLoadResult>({ cmd: 'dns', ...command });
  }

  stop(): Promise<void> {
    return this.rpc.stop();
  }
}
