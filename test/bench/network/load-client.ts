/**
 * The network bench's handle on its load generator (load-child.ts): starts the child with tsx and
 * turns each command into a promise of its answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type {
  DnsLoadCommand,
  DnsLoadResult,
  HttpLoadCommand,
  HttpLoadResult,
  LoadCommand,
} from './load-protocol.js';

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export class LoadClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const answer = JSON.parse(line) as { id: number; ok: boolean; result?: unknown; error?: string };
      const waiter = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (answer.ok) waiter?.resolve(answer.result);
      else waiter?.reject(new Error(`load generator: ${answer.error}`));
    });
    child.stderr!.on(
      'data',
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)),
    );
    child.once('exit', (code) => {
      for (const waiter of this.waiting.values())
        waiter.reject(new Error(`load generator exited ${code}: ${this.stderr}`));
      this.waiting.clear();
    });
  }

  static start(): LoadClient {
    return new LoadClient(
      spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] }),
    );
  }

  http(command: Omit<HttpLoadCommand, 'cmd'>): Promise<HttpLoadResult> {
    return this.send({ cmd: 'http', ...command }) as Promise<HttpLoadResult>;
  }

  dns(command: Omit<DnsLoadCommand, 'cmd'>): Promise<DnsLoadResult> {
    return this.send({ cmd: 'dns', ...command }) as Promise<DnsLoadResult>;
  }

  /** Close its stdin (it exits when idle) and wait for it to go. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  private send(command: LoadCommand): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  }
}
