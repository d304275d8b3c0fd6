/**
 * Single lease keep-alive round trips over one shared `LeaseKeepAlive`
 * bidirectional stream, opened on first use and reopened after it breaks.
 * etcd answers the requests on a stream in order, one response each.
 */
import { StoreError } from '../store.js';
import type {
  IDuplexStream,
  ILeaseKeepAliveRequest,
  ILeaseKeepAliveResponse,
  LeaseClient,
} from './client.js';
import { headerRevision, int64 } from './codec.js';
import { toStoreError } from './errors.js';
import { endStream } from './stream.js';

type KeepAliveStream = IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse>;

interface Pending {
  id: string;
  resolve(ttl: number): void;
  reject(error: StoreError): void;
}

export class LeaseKeepAliveChannel {
  /** The stream being opened or open. */
  private stream: Promise<KeepAliveStream> | undefined;
  /** The open stream, once `stream` has resolved. */
  private current: KeepAliveStream | undefined;
  private readonly pending: Pending[] = [];
  private closed = false;

  constructor(
    private readonly leaseClient: LeaseClient,
    private readonly observeRevision: (revision: number) => void,
  ) {}

  /** Restart lease `id`'s countdown; resolves to its TTL in seconds. */
  async keepAlive(id: number): Promise<number> {
    const stream = await this.open();
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ id: String(id), resolve, reject });
      stream.write({ ID: String(id) });
    });
  }

  close(): void {
    this.closed = true;
    this.failAll(new StoreError('Closed', 'the etcd store is closed'));
  }

  private open(): Promise<KeepAliveStream> {
    if (this.closed) return Promise.reject(new StoreError('Closed', 'the etcd store is closed'));
    this.stream ??= this.connect();
    return this.stream;
  }

  private async connect(): Promise<KeepAliveStream> {
    let stream: KeepAliveStream;
    try {
      stream = await this.leaseClient.leaseKeepAlive();
    } catch (err) {
      this.stream = undefined;
      throw toStoreError(err, 0);
    }
    if (this.closed) {
      endStream(stream);
      throw new StoreError('Closed', 'the etcd store is closed');
    }
    this.current = stream;
    stream.on('data', (response) => this.onResponse(response));
    stream.on('error', (err) => this.onBroken(stream, err));
    stream.on('end', () => this.onBroken(stream, undefined));
    return stream;
  }

  private onResponse(response: ILeaseKeepAliveResponse): void {
    this.observeRevision(headerRevision(response.header));
    const index = this.pending.findIndex((p) => p.id === response.ID);
    if (index < 0) return;
    const request = this.pending.splice(index, 1)[0]!;
    const ttl = int64(response.TTL);
    if (ttl <= 0)
      request.reject(new StoreError('LeaseNotFound', `lease ${request.id} not found (expired or revoked)`));
    else request.resolve(ttl);
  }

  private onBroken(stream: KeepAliveStream, err: unknown): void {
    if (stream !== this.current) return; // an old stream, or our own cancellation
    const cause = err === undefined ? 'etcd ended the lease keep-alive stream' : toStoreError(err, 0).message;
    this.failAll(new StoreError('Unavailable', `lease keep-alive failed: ${cause}`));
  }

  /** Drop the stream (the next keep-alive opens a new one) and fail what waits on it. */
  private failAll(error: StoreError): void {
    if (this.current) endStream(this.current);
    this.current = undefined;
    this.stream = undefined;
    for (const pending of this.pending.splice(0)) pending.reject(error);
  }
}
