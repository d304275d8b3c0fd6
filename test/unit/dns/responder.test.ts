import * as packet from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { ForwardError, type Forwarder } from '../../../embedded-cluster/dns/forwarder.js';
import type { ClusterView } from '../../../embedded-cluster/dns/records.js';
import { Responder } from '../../../embedded-cluster/dns/responder.js';
import { silentLogger } from '../../../embedded-cluster/util/logger.js';

/** A headless service with 60 endpoints: too many A records for 512 bytes. */
const view: ClusterView = {
  namespaceExists: (ns) => ns === 'default',
  service: (ns, name) =>
    ns === 'default' && name === 'many'
      ? { metadata: { name, namespace: ns }, spec: { clusterIP: 'None' } }
      : undefined,
  endpointSlices: () => [
    {
      addressType: 'IPv4',
      endpoints: Array.from({ length: 60 }, (_, i) => ({ addresses: [`10.244.0.${i + 1}`] })),
    },
  ],
  servicesWithIP: () => [],
  slicesWithAddress: () => [],
  serial: () => 1,
};

function responder(forward: Forwarder['forward'] = async () => Promise.reject(new ForwardError('down'))) {
  return new Responder(view, { forward } as Forwarder, { domain: 'cluster.local', ttl: 30 }, silentLogger);
}

function query(name: string, options: { edns?: number; id?: number } = {}): Buffer {
  return packet.encode({
    type: 'query',
    id: options.id ?? 7,
    flags: packet.RECURSION_DESIRED,
    questions: [{ name, type: 'A' }],
    ...(options.edns
      ? {
          additionals: [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: options.edns,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: 0,
              flag_do: false,
              options: [],
            },
          ],
        }
      : {}),
  });
}

const rcode = (reply: Buffer | undefined) => reply!.readUInt16BE(2) & 0xf;

describe('the DNS responder', () => {
  it('truncates an answer too big for a classic UDP client, and not over TCP or with EDNS room', async () => {
    const r = responder();
    const udp = packet.decode((await r.respond(query('many.default.svc.cluster.local'), 'udp'))!);
    expect(udp.flag_tc).toBe(true);
    expect(udp.answers).toEqual([]);
    expect(udp.id).toBe(7);
    const tcp = packet.decode((await r.respond(query('many.default.svc.cluster.local'), 'tcp'))!);
    expect(tcp.flag_tc).toBe(false);
    expect(tcp.answers).toHaveLength(60);
    const edns = packet.decode(
      (await r.respond(query('many.default.svc.cluster.local', { edns: 4096 }), 'udp'))!,
    );
    expect(edns.answers).toHaveLength(60);
    expect(edns.additionals?.find((a) => a.type === 'OPT')).toMatchObject({ udpPayloadSize: 1232 });
  });

  it('answers SERVFAIL when no upstream answers, keeping the ID, RD and the question', async () => {
    const reply = await responder().respond(query('example.com', { id: 4242 }), 'udp');
    expect(rcode(reply)).toBe(2);
    const decoded = packet.decode(reply!);
    expect(decoded.id).toBe(4242);
    expect(decoded.flag_rd).toBe(true);
    expect(decoded.questions).toEqual([{ name: 'example.com', type: 'A', class: 'IN' }]);
  });

  it('passes an upstream answer through', async () => {
    const upstream = packet.encode({
      type: 'response',
      id: 7,
      questions: [{ name: 'example.com', type: 'A' }],
    });
    const reply = await responder(async () => upstream).respond(query('example.com'), 'udp');
    expect(reply).toBe(upstream);
  });

  it('answers FORMERR to what does not parse, NOTIMP to other opcodes, and nothing to a stray response', async () => {
    const garbage = Buffer.concat([query('x.cluster.local').subarray(0, 12), Buffer.from([0xff, 0xff])]);
    expect(rcode(await responder().respond(garbage, 'udp'))).toBe(1);
    const notify = query('cluster.local');
    notify.writeUInt16BE((4 << 11) | notify.readUInt16BE(2), 2); // opcode NOTIFY
    expect(rcode(await responder().respond(notify, 'udp'))).toBe(4);
    expect(await responder().respond(Buffer.from([1, 2, 3]), 'udp')).toBeUndefined();
    const response = packet.encode({ type: 'response', id: 1, questions: [{ name: 'a', type: 'A' }] });
    expect(await responder().respond(response, 'udp')).toBeUndefined();
  });
});
