import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { addressOf, EndpointPicker } from './endpoint-picker.js';
import type { Protocol, ProxyEndpoint } from './service-map.js';

/** A port the host should answer on, for one service port. */
export interface HostPortTarget {
  /** The service port it belongs to (`ns/svc:port`). */
  owner: string;
  protocol: Protocol;
  port: number;
  /** Why the port is open: the service's NodePort, or its port as a LoadBalancer. */
  kind: 'NodePort' | 'LoadBalancer';
  endpoints: readonly ProxyEndpoint[];
  affinitySeconds?: number;
}

/** A target whose port could not be opened: `code` is the errno (`EADDRINUSE`…) or `CONFLICT`. */
export interface HostPortFailure {
  target: HostPortTarget;
  code: string;
  /** For `CONFLICT`: the service port that has the port. */
  heldBy?: string;
}

/** How long a UDP "connection" (one client address) keeps its endpoint without traffic. */
export const UDP_IDLE_MS = 30_000;

/**
 * The host side of NodePort and LoadBalancer Services: TCP and UDP listeners on the loopback
 * address, forwarding each new connection (or UDP client) to an endpoint chosen by
 * {@link EndpointPicker}. Pod IPs are reachable from the host over the Docker bridge on Linux,
 * so this works in every proxy mode. {@link reconcile} opens what is wanted and closes the rest.
 */
export class HostPorts {
  private readonly listeners = new Map<string, Listener>();

  constructor(private readonly options: { host: string; clock: Clock; logger: Logger }) {}

  /** The ports open now, as `TCP/30080`. */
  get open(): string[] {
    return [...this.listeners.keys()].sort();
  }

  /**
   * Make the open ports exactly `targets`: new ones are opened (failures returned, to be retried
   * on the next call), gone ones closed, kept ones given their new endpoints. Of two targets on
   * one port, the first listed keeps it.
   */
  async reconcile(targets: readonly HostPortTarget[]): Promise<HostPortFailure[]> {
    const failures: HostPortFailure[] = [];
    const wanted = new Map<string, HostPortTarget>();
    for (const target of targets) {
      const key = `${target.protocol}/${target.port}`;
      const holder = wanted.get(key);
      if (holder) failures.push({ target, code: 'CONFLICT', heldBy: holder.owner });
      else wanted.set(key, target);
    }
    for (const [key, listener] of this.listeners) {
      if (!wanted.has(key)) {
        this.listeners.delete(key);
        await listener.close();
      }
    }
    for (const [key, target] of wanted) {
      const existing = this.listeners.get(key);
      if (existing) {
        existing.target = target;
        continue;
      }
      if (target.protocol === 'SCTP') {
        failures.push({ target, code: 'EPROTONOSUPPORT' });
        continue;
      }
      const listener = new Listener(target, this.options);
      try {
        await listener.open();
        this.listeners.set(key, listener);
      } catch (error) {
        failures.push({ target, code: (error as NodeJS.ErrnoException).code ?? String(error) });
      }
    }
    return failures;
  }

  async close(): Promise<void> {
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map((l) => l.close()));
  }
}

/** One open port, TCP or UDP; `target` is replaced as endpoints change. */
class Listener {
  private readonly picker: EndpointPicker;
  private tcp: Server | undefined;
  private udp: UdpSocket | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Map<string, UdpSession>();

  constructor(
    public target: HostPortTarget,
    private readonly options: { host: string; clock: Clock; logger: Logger },
  ) {
    this.picker = new EndpointPicker(options.clock);
  }

  open(): Promise<void> {
    return this.target.protocol === 'UDP' ? this.openUdp() : this.openTcp();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
    const tcp = this.tcp;
    const udp = this.udp;
    await Promise.all([
      tcp?.listening ? new Promise<void>((resolve) => tcp.close(() => resolve())) : undefined,
      udp ? new Promise<void>((resolve) => udp.close(() => resolve())) : undefined,
    ]);
  }

  private openTcp(): Promise<void> {
    const server = createServer({ allowHalfOpen: true }, (client) => this.forwardTcp(client));
    this.tcp = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.target.port, host: this.options.host, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', (error) => this.options.logger.warn('host port error', { error: String(error) }));
        resolve();
      });
    });
  }

  /** Connect to an endpoint, trying the next on a refused connection, then splice both ways. */
  private forwardTcp(client: Socket): void {
    this.track(client);
    client.on('error', () => client.destroy());
    const tried = new Set<string>();
    const attempt = () => {
      const { endpoints, affinitySeconds } = this.target;
      const endpoint = this.picker.pick(endpoints, client.remoteAddress ?? '', affinitySeconds, tried);
      if (!endpoint) {
        client.destroy(); // no endpoint: the client sees the connection reset, not a hang
        return;
      }
      tried.add(addressOf(endpoint));
      const upstream = connect({ host: endpoint.ip, port: endpoint.port });
      this.track(upstream);
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        client.pipe(upstream);
        upstream.pipe(client);
      });
      upstream.on('error', () => {
        upstream.destroy();
        if (!connected && !client.destroyed) attempt();
        else client.destroy();
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => {
        if (connected) client.end();
      });
    };
    attempt();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private openUdp(): Promise<void> {
    const socket = createSocket({ type: 'udp4' });
    this.udp = socket;
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ port: this.target.port, address: this.options.host, exclusive: true }, () => {
        socket.off('error', reject);
        socket.on('error', (error) => this.options.logger.warn('host port error', { error: String(error) }));
        socket.on('message', (message, remote) => this.forwardUdp(message, remote));
        resolve();
      });
    });
  }

  /**
   * A datagram from a client: to the endpoint its session has (a new session, and endpoint, when
   * it has none or its endpoint left: as kube-proxy clears UDP conntrack entries of removed
   * endpoints); replies go back from the listening socket.
   */
  private forwardUdp(message: Buffer, remote: RemoteInfo): void {
    const key = `${remote.address}:${remote.port}`;
    let session = this.sessions.get(key);
    if (session && !this.target.endpoints.some((e) => addressOf(e) === session!.endpoint)) {
      session.close();
      session = undefined;
    }
    if (!session) {
      const { endpoints, affinitySeconds } = this.target;
      const endpoint = this.picker.pick(endpoints, remote.address, affinitySeconds);
      if (!endpoint) return; // dropped, as a datagram to a port without endpoints
      session = new UdpSession(endpoint, remote, this.udp!, this.options.clock, () =>
        this.sessions.delete(key),
      );
      this.sessions.set(key, session);
    }
    session.send(message);
  }
}

/** One UDP client's flow to its endpoint, closed after {@link UDP_IDLE_MS} without traffic. */
class UdpSession {
  readonly endpoint: string;
  private readonly upstream: UdpSocket;
  private lastActive: number;
  private timer: Timer | undefined;
  private closed = false;
  private connected = false;

  constructor(
    target: ProxyEndpoint,
    client: RemoteInfo,
    listening: UdpSocket,
    private readonly clock: Clock,
    private readonly onClose: () => void,
  ) {
    this.endpoint = addressOf(target);
    this.lastActive = clock.now();
    this.upstream = createSocket({ type: 'udp4' });
    this.upstream.on('error', () => this.close());
    this.upstream.on('message', (reply) => {
      this.lastActive = this.clock.now();
      listening.send(reply, client.port, client.address);
    });
    this.upstream.connect(target.port, target.ip, () => (this.connected = true));
    this.arm(UDP_IDLE_MS);
  }

  send(message: Buffer): void {
    this.lastActive = this.clock.now();
    const go = () => this.upstream.send(message, (error) => error && this.close());
    // `connect` is asynchronous: datagrams sent before it completes would fail.
    if (!this.connected) this.upstream.once('connect', go);
    else go();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.upstream.close();
    this.onClose();
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      const idle = this.clock.now() - this.lastActive;
      if (idle >= UDP_IDLE_MS) this.close();
      else this.arm(UDP_IDLE_MS - idle);
    }, ms);
    this.timer.unref?.();
  }
}
