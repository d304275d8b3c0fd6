import * as packet from 'dns-packet';
import type { DecodedPacket, RecordType } from 'dns-packet';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

let nextId = 1;

/** One question over UDP to the DNS server at `host:port`; rejects after `timeoutMs` without an answer. */
export async function queryUdp(
  host: string,
  port: number,
  name: string,
  type: RecordType,
  timeoutMs = 2000,
): Promise<DecodedPacket> {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  try {
    const id = nextId++ & 0xffff;
    const query = packet.encode({
      type: 'query',
      id,
      flags: packet.RECURSION_DESIRED,
      questions: [{ name, type, class: 'IN' }],
    });
    const reply = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer from ${host}:${port} for ${name}`)),
        timeoutMs,
      );
      socket.on('message', (message: Buffer) => {
        if (message.readUInt16BE(0) !== id) return;
        clearTimeout(timer);
        resolve(message);
      });
    });
    socket.send(query, port, host);
    return packet.decode(await reply);
  } finally {
    socket.close();
  }
}

/** The data of a reply's answers of `type` (all of them when not given). */
export function answerData(reply: DecodedPacket, type?: string): unknown[] {
  return (reply.answers ?? [])
    .filter((a) => !type || a.type === type)
    .map((a) => ('data' in a ? a.data : undefined));
}

/** The reply's RCODE: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN (RFC 1035 4.1.1). */
export function rcode(reply: DecodedPacket): number {
  return (reply.flags ?? 0) & 0xf;
}
