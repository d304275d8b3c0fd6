import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { UiProcess } from '../../support/browser.js';
import type { ChurnCommand, ChurnResult, LoadCommand, LoadResult } from './driver-protocol.js';

const DRIVER = fileURLToPath(new URL('./cluster-driver.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The suite's handle on its cluster driver (cluster-driver.ts): the child is started next to the
 * API server — in `ui`'s network namespace through `nsenter` when it has one, since the API
 * server listens on that namespace's loopback only — and each call is one command and its answer.
 */
export class DriverClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const answer = JSON.parse(line) as { id: number; ok: boolean; result?: unknown; error?: string };
      const waiter = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (answer.ok) waiter?.resolve(answer.result);
      else waiter?.reject(new Error(`cluster driver: ${answer.error}`));
    });
    child.stderr!.on(
      'data',
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)),
    );
    child.once('exit', (code) => {
      for (const waiter of this.waiting.values())
        waiter.reject(new Error(`cluster driver exited ${code}: ${this.stderr}`));
      this.waiting.clear();
    });
  }

  static start(ui: UiProcess): DriverClient {
    const node = [process.execPath, '--import', 'tsx', DRIVER, ui.kubeconfig];
    const [file, ...args] = ui.netns ? ['nsenter', `--net=${ui.netns}`, ...node] : node;
    return new DriverClient(spawn(file!, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  load(command: Omit<LoadCommand, 'cmd'>): Promise<LoadResult> {
    return this.send({ cmd: 'load', ...command }) as Promise<LoadResult>;
  }

  churn(command: Omit<ChurnCommand, 'cmd'>): Promise<ChurnResult> {
    return this.send({ cmd: 'churn', ...command }) as Promise<ChurnResult>;
  }

  /** Close its stdin (it exits when done) and wait for it to go. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  private send(command: LoadCommand | ChurnCommand): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  }
}
