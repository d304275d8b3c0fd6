/**
 * The network bench's load generator: a process of its own, so that the requests it makes
 * compete with the cluster (the ingress controller and the NodePort forwarder live in the bench's
 * process, as in `kubedesk serve`) the way a browser or curl on the same machine would, not for
 * the same event loop. Commands are JSON lines on stdin (load-protocol.ts), answered one JSON line
 * each on stdout (`{ id, ok, result | error }`); it exits when stdin closes.
 *
 * Usage: `node --import tsx load-child.ts`.
 */
import { createSocket } from 'node:dgram';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import * as dnsPacket from 'dns-packet';
import type {
  DnsLoadCommand,
  DnsLoadResult,
  HttpLoadCommand,
  HttpLoadResult,
  LoadCommand,
} from './load-protocol.js';

/** One GET; resolves to the body of a 200, rejects on anything else. */
function get(url: URL, host: string, agent: Agent | false): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, agent, headers: { host }, timeout: 5000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(body)
            : reject(new Error(`HTTP ${res.statusCode}: ${body.trim()}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in 5 s')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Closed loop: each of `connections` workers sends its next request as soon as the previous is
 * answered. Throughput counts answers inside the window; latency, requests started and answered
 * inside it (so none straddles the warm-up or the end).
 */
async function httpLoad(command: HttpLoadCommand): Promise<HttpLoadResult> {
  const url = new URL(command.url);
  const host = command.host ?? url.host;
  // Without keep-alive, `agent: false` gives each request its own connection and `Connection: close`.
  const agent = command.keepAlive ? new Agent({ keepAlive: true, maxSockets: command.connections }) : false;
  const cpuBefore = process.cpuUsage();
  const windowStart = performance.now() + command.warmupMs;
  const windowEnd = windowStart + command.durationMs;
  const latencies: number[] = [];
  let requests = 0;
  let answered = 0;
  let errors = 0;
  let lastAnswer = windowStart;
  let firstError: string | undefined;
  const worker = async () => {
    while (performance.now() < windowEnd) {
      const started = performance.now();
      try {
        const body = await get(url, host, agent);
        const at = performance.now();
        if (!body.includes(command.expect)) throw new Error(`unexpected answer: ${body.trim()}`);
        answered++;
        if (at < windowStart || at > windowEnd) continue;
        requests++;
        lastAnswer = at;
        if (started >= windowStart) latencies.push(at - started);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        await new Promise((resolve) => setTimeout(resolve, 10)); // no hot loop on a refusing port
      }
    }
  };
  await Promise.all(Array.from({ length: command.connections }, worker));
  if (agent) agent.destroy();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    answered,
    cpuUs: cpu.user + cpu.system,
    requests,
    windowMs: lastAnswer - windowStart,
    latencies,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

/**
 * Sequential A queries over one connected UDP socket: each is timed from just before `send` to
 * the arrival of the answer with its ID; encoding and decoding stay outside the timing.
 */
async function dnsLoad(command: DnsLoadCommand): Promise<DnsLoadResult> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(command.port, command.host, () => resolve());
  });
  let waiting: ((message: Buffer) => void) | undefined;
  socket.on('message', (message: Buffer) => waiting?.(message));
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  try {
    for (let i = 0; i < command.warmup + command.count; i++) {
      const id = (i + 1) & 0xffff;
      const query = dnsPacket.encode({
        type: 'query',
        id,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ name: command.name, type: 'A', class: 'IN' }],
      });
      let timer: NodeJS.Timeout | undefined;
      const answer = new Promise<Buffer | undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), 1000);
        waiting = (message) => {
          if (message.length >= 2 && message.readUInt16BE(0) === id) resolve(message);
        };
      });
      const started = performance.now();
      socket.send(query);
      const message = await answer;
      const elapsed = performance.now() - started;
      clearTimeout(timer);
      try {
        if (!message) throw new Error(`no answer in 1 s from ${command.host}:${command.port}`);
        const reply = dnsPacket.decode(message);
        const addresses = (reply.answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : []));
        if (!addresses.includes(command.expect))
          throw new Error(`${command.name}: ${JSON.stringify(addresses)}, not ${command.expect}`);
        if (i >= command.warmup) latencies.push(elapsed);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  } finally {
    socket.close();
  }
  return { latencies, errors, ...(firstError !== undefined ? { firstError } : {}) };
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const { id, ...command } = JSON.parse(line) as LoadCommand & { id: number };
  const work = command.cmd === 'http' ? httpLoad(command) : dnsLoad(command);
  work.then(
    (result) => process.stdout.write(`${JSON.stringify({ id, ok: true, result })}\n`),
    (error: unknown) =>
      process.stdout.write(
        `${JSON.stringify({ id, ok: false, error: error instanceof Error ? error.message : String(error) })}\n`,
      ),
  );
});
