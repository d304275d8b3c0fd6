import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { UiProcess } from '../../support/browser.js';
import { ChildRpc } from '../child-rpc.js';
import type { ChurnCommand, ChurnResult, LoadCommand, LoadResult } from './driver-protocol.js';

const DRIVER = fileURLToPath(new URL('./cluster-driver.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The suite's handle on its cluster driver (cluster-driver.ts): the child is started next to the
 * API server — in `ui`'s network namespace through `nsenter` when it has one, since the API
 * server listens on that namespace's loopback only — and each call is one command and its answer.
 */
export class DriverClient {
  private constructor(private readonly rpc: ChildRpc) {}

  static start(ui: UiProcess): DriverClient {
    const node = [process.execPath, '--import', 'tsx', DRIVER, ui.kubeconfig];
    const [file, ...args] = ui.netns ? ['nsenter', `--net=${ui.netns}`, ...node] : node;
    const child = spawn(file!, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    return new DriverClient(new ChildRpc(child, 'cluster driver'));
  }

  load(command: Omit<LoadCommand, 'cmd'>): Promise<LoadResult> {
    return this.rpc.call<LoadResult>({ cmd: 'load', ...command });
  }

  churn(command: Omit<ChurnCommand, 'cmd'>): Promise<ChurnResult> {
    return this.rpc.call<ChurnResult>({ cmd: 'churn', ...command });
  }

  stop(): Promise<void> {
    return this.rpc.stop();
  }
}
