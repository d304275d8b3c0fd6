/**
 * The Kubernetes WebSocket channel protocols (k8s.io/apimachinery/pkg/util/httpstream/wsstream,
 * conn.go): each message starts with its channel number. Binary protocols (`channel.k8s.io`,
 * `v4.channel.k8s.io`, `v5.channel.k8s.io`) put it as a byte before the raw data; base64 protocols
 * (`base64.channel.k8s.io`, `v4.base64.channel.k8s.io`) as an ASCII digit before base64 text.
 * `v5.channel.k8s.io` adds a close signal: channel 255 followed by the channel the client will
 * send no more on (its stdin).
 */

/** Channel numbers of exec and attach (remotecommand constants). */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The remotecommand WebSocket subprotocols we serve, most preferred first. */
export const EXEC_WEBSOCKET_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v4.base64.channel.k8s.io',
  'channel.k8s.io',
  'base64.channel.k8s.io',
] as const;

/** The plain WebSocket port-forward subprotocols (the kubelet's portforward/websocket.go). */
export const PORT_FORWARD_WEBSOCKET_PROTOCOLS = [
  'v4.channel.k8s.io',
  'v4.base64.channel.k8s.io',
  'portforward.k8s.io',
  'channel.k8s.io',
  'base64.channel.k8s.io',
] as const;

/** kubectl ≥ 1.31 port-forward: SPDY frames tunnelled in binary WebSocket messages. */
export const PORT_FORWARD_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

export interface ChannelMessage {
  channel: number;
  data: Buffer;
}

/** Encodes and decodes channel messages for one negotiated subprotocol. */
export class ChannelCodec {
  readonly base64: boolean;
  /** The client may half-close a channel (v5). */
  readonly supportsClose: boolean;
  /** The error channel carries a metav1.Status (v4 and later) rather than plain text. */
  readonly statusErrors: boolean;

  constructor(readonly protocol: string) {
    this.base64 = protocol.includes('base64');
    this.supportsClose = protocol === 'v5.channel.k8s.io';
    this.statusErrors = protocol.startsWith('v4.') || protocol.startsWith('v5.');
  }

  encode(channel: number, data: Buffer): { payload: Buffer | string; binary: boolean } {
    if (this.base64)
      return { payload: String.fromCharCode(48 + channel) + data.toString('base64'), binary: false };
    const payload = Buffer.allocUnsafe(data.length + 1);
    payload[0] = channel;
    data.copy(payload, 1);
    return { payload, binary: true };
  }

  /**
   * The channel and data of a client message; `{ close: n }` for a v5 close signal; undefined for
   * an empty or malformed message (ignored, as wsstream ignores them).
   */
  decode(message: Buffer): ChannelMessage | { close: number } | undefined {
    if (message.length === 0) return undefined;
    if (this.supportsClose && message[0] === Channel.close) {
      return message.length === 2 ? { close: message[1]! } : undefined;
    }
    if (this.base64) {
      const channel = message[0]! - 48;
      if (channel < 0 || channel > 9) return undefined;
      return { channel, data: Buffer.from(message.subarray(1).toString('latin1'), 'base64') };
    }
    return { channel: message[0]!, data: message.subarray(1) };
  }
}
