import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { Logger } from '../util/logger.js';

/** Answers one DNS message; undefined: no reply. */
export type DnsHandler = (message: Buffer, transport: 'udp' | 'tcp') => Promise<Buffer | undefined>;

export interface DnsServerOptions {
  host: string;
  /** 0: a free port, the same one for UDP and TCP. */
  port: number;
  handle: DnsHandler;
  logger: Logger;
}

/** A TCP client silent this long is disconnected (RFC 7766 6.2.3 suggests seconds, not minutes). */
const TCP_IDLE_MS = 10_000;
/** Tries at finding a port free for both UDP and TCP when asked for any port. */
const PORT_TRIES = 10;

/**
 * DNS over UDP and TCP on one address and port (RFC 1035 4.2; RFC 7766 for TCP: 2-byte length
 * framing, several questions per connection, answered as they are ready, in any order).
 */
export class DnsServer {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<Socket>();

  constructor(private readonly options: DnsServerOptions) {}

  /** Bind both sockets; answers the port. */
  async listen(): Promise<number> {
    const { host, port } = this.options;
    for (let attempt = 0; ; attempt++) {
      const tcp = await this.listenTcp(host, port);
      const bound = (tcp.address() as { port: number }).port;
      try {
        this.udp = await this.listenUdp(host, bound);
        this.tcp = tcp;
        return bound;
      } catch (error) {
        tcp.close();
        // Port 0 gave a TCP port whose UDP twin is taken: try another.
        const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (port !== 0 || !inUse || attempt + 1 >= PORT_TRIES) throw error;
      }
    }
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    this.connections.clear();
    const closing: Promise<unknown>[] = [];
    if (this.tcp) closing.push(new Promise((resolve) => this.tcp!.close(resolve)));
    if (this.udp) closing.push(new Promise<void>((resolve) => this.udp!.close(() => resolve())));
    this.tcp = undefined;
    this.udp = undefined;
    await Promise.all(closing);
  }

  private async listenTcp(host: string, port: number): Promise<Server> {
    const server = createServer((socket) => this.serveConnection(socket));
    server.listen({ host, port });
    await once(server, 'listening');
    server.on('error', (error) => this.options.logger.warn('DNS TCP server error', { error: String(error) }));
    return server;
  }

  private async listenUdp(host: string, port: number): Promise<UdpSocket> {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: host, port }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (error) => this.options.logger.warn('DNS UDP socket error', { error: String(error) }));
    socket.on('message', (message, remote) => {
      this.answer(message, 'udp', (reply) => {
        if (this.udp === socket) socket.send(reply, remote.port, remote.address);
      });
    });
    return socket;
  }

  private serveConnection(socket: Socket): void {
    this.connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const message = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        this.answer(message, 'tcp', (reply) => {
          if (socket.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(reply.length, 0);
          socket.write(Buffer.concat([prefix, reply]));
        });
      }
    });
  }

  private answer(message: Buffer, transport: 'udp' | 'tcp', send: (reply: Buffer) => void): void {
    this.options.handle(message, transport).then(
      (reply) => {
        if (reply) send(reply);
      },
      (error: unknown) => this.options.logger.error('DNS handler failed', { error: String(error) }),
    );
  }
}
