import { spawn } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import type {
  AttachRequest,
  ExecRequest,
  LogRequest,
  NodeStreams,
  PortForwardRequest,
  StreamSession,
} from '../../embedded-cluster/api/node-streams.js';

/**
 * An in-memory node for the streaming tests: exec runs the command as a local process (so `sh`,
 * `cat`, `tar` behave for real, without a container), attach echoes stdin, logs come from a fixed
 * text with timestamps, and port-forward reaches a local TCP echo server (port 81 refuses).
 */
export class FakeNodeStreams implements NodeStreams {
  readonly execs: ExecRequest[] = [];
  readonly resizes: { width: number; height: number }[] = [];
  readonly logRequests: LogRequest[] = [];
  private echo: Server | undefined;
  private echoPort = 0;
  /** The log's lines, a second apart, the last one now. */
  readonly lines = ['starting', 'listening on :80', 'GET /', 'GET /healthz', 'shutting down'];

  async start(): Promise<void> {
    this.echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => this.echo!.listen(0, '127.0.0.1', resolve));
    this.echoPort = (this.echo.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.echo ? this.echo.close(() => resolve()) : resolve()));
  }

  exec(request: ExecRequest): Promise<StreamSession> {
    this.execs.push(request);
    const child = spawn(request.command[0]!, request.command.slice(1), { stdio: 'pipe' });
    const stdout = new PassThrough();
    const stderr = request.tty ? undefined : new PassThrough();
    child.stdout.pipe(stdout);
    // A TTY merges stderr into stdout.
    if (stderr) child.stderr.pipe(stderr);
    else child.stderr.pipe(stdout, { end: false });
    if (!request.stdin) child.stdin.end();
    child.stdin.on('error', () => {});
    const done = new Promise<{ exitCode: number } | { message: string }>((resolve) => {
      child.once('error', (error) => {
        stdout.end(`exec: ${error.message}\n`);
        stderr?.end();
        resolve({ message: `failed to exec in container: ${error.message}` });
      });
      child.once('close', (code) => resolve({ exitCode: code ?? 137 }));
    });
    return Promise.resolve({
      ...(request.stdin ? { stdin: child.stdin } : {}),
      ...(request.stdout ? { stdout } : {}),
      ...(stderr && request.stderr ? { stderr } : {}),
      resize: (size) => this.resizes.push(size),
      done,
      close: () => child.kill(),
    });
  }

  attach(request: AttachRequest): Promise<StreamSession> {
    const stdout = new PassThrough();
    stdout.write(`attached to ${request.container}\n`);
    const stdin = request.stdin ? new PassThrough() : undefined;
    let finish!: (result: { exitCode: number }) => void;
    const done = new Promise<{ exitCode: number }>((resolve) => (finish = resolve));
    if (stdin) {
      stdin.on('data', (chunk: Buffer) => stdout.write(`echo: ${chunk.toString()}`));
      stdin.on('end', () => {
        stdout.end('bye\n');
        finish({ exitCode: 0 });
      });
    } else {
      setTimeout(() => {
        stdout.end('main process exited\n');
        finish({ exitCode: 0 });
      }, 200);
    }
    return Promise.resolve({
      ...(stdin ? { stdin } : {}),
      stdout,
      resize: (size) => this.resizes.push(size),
      done,
      close: () => {
        stdout.end();
        finish({ exitCode: 0 });
      },
    });
  }

  logs(request: LogRequest, signal: AbortSignal): Promise<Readable> {
    this.logRequests.push(request);
    const now = Date.now();
    let entries = this.lines.map((text, i) => ({
      at: now - (this.lines.length - 1 - i) * 1000,
      text: request.previous ? `previous: ${text}` : text,
    }));
    if (request.sinceSeconds !== undefined)
      entries = entries.filter((e) => e.at >= now - request.sinceSeconds! * 1000);
    if (request.sinceTime !== undefined)
      entries = entries.filter((e) => e.at >= Date.parse(request.sinceTime!));
    if (request.tailLines !== undefined)
      entries = entries.slice(Math.max(0, entries.length - request.tailLines));
    const format = (e: { at: number; text: string }) =>
      `${request.timestamps ? `${new Date(e.at).toISOString().replace('Z', '000000Z')} ` : ''}${e.text}\n`;
    const out = new PassThrough();
    for (const entry of entries) out.write(format(entry));
    if (!request.follow) {
      out.end();
    } else {
      // Two more lines, a little later, then the container stops.
      let n = 0;
      const timer = setInterval(() => {
        n++;
        out.write(format({ at: Date.now(), text: `follow ${n}` }));
        if (n === 2) {
          clearInterval(timer);
          out.end();
        }
      }, 100);
      signal.addEventListener('abort', () => clearInterval(timer));
    }
    return Promise.resolve(out);
  }

  portForward(request: PortForwardRequest): Promise<import('node:stream').Duplex> {
    if (request.port === 81)
      return Promise.reject(new Error('dial tcp 127.0.0.1:81: connect: connection refused'));
    return new Promise((resolve, reject) => {
      const socket = connect(this.echoPort, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    });
  }
}
