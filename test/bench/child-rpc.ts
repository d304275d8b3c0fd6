/**
 * A bench's handle on a helper process it drives (the ui suite's cluster driver, the network
 * suite's load generator): commands go to the child's stdin as JSON lines with an id, answers
 * (`{ id, ok, result | error }`) come back on its stdout, and each call is a promise of its
 * answer. The child exits when its stdin closes.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export class ChildRpc {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private stderr = '';

  /** `label` names the child in errors, e.g. "load generator". */
  constructor(
    private readonly child: ChildProcess,
    label: string,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const answer = JSON.parse(line) as { id: number; ok: boolean; result?: unknown; error?: string };
      const waiter = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (answer.ok) waiter?.resolve(answer.result);
      else waiter?.reject(new Error(`${label}: ${answer.error}`));
    });
    child.stderr!.on(
      'data',
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)),
    );
    child.once('exit', (code) => {
      for (const waiter of this.waiting.values())
        waiter.reject(new Error(`${label} exited ${code}: ${this.stderr}`));
      this.waiting.clear();
    });
  }

  /** Send one command; resolves to the child's answer. */
  call<T>(command: object): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  }

  /** Close its stdin (it exits when idle) and wait for it to go; SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
