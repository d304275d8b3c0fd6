import * as packet from 'dns-packet';
import type { Answer, Packet } from 'dns-packet';
import type { Logger } from '../util/logger.js';
import { ForwardError, type Forwarder } from './forwarder.js';
import { resolve, type ClusterView, type ZoneAnswer, type ZoneOptions } from './records.js';

/** Response codes by number (RFC 1035 4.1.1); dns-packet takes them in the low bits of `flags`. */
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;
/** The UDP payload size we offer over EDNS, the DNS Flag Day 2020 value. */
const EDNS_PAYLOAD_SIZE = 1232;
/** The largest UDP answer for a client without EDNS (RFC 1035 4.2.1). */
const CLASSIC_UDP_SIZE = 512;

/**
 * Turns one DNS message into its answer: cluster names from {@link resolve}, everything else
 * through the {@link Forwarder}. It speaks the protocol's edges: FORMERR for what does not parse,
 * NOTIMP for anything but a one-question QUERY, SERVFAIL when no upstream answers, an OPT record
 * when the client sent one, and over UDP an answer too big for the client's buffer sent
 * truncated (TC) so it asks again over TCP.
 */
export class Responder {
  constructor(
    private readonly view: ClusterView,
    private readonly forwarder: Forwarder,
    private readonly zone: ZoneOptions,
    private readonly logger: Logger,
  ) {}

  /** The answer to `message`, or undefined when there is none to give (not even a header to reply to). */
  async respond(message: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let query: packet.DecodedPacket;
    try {
      query = packet.decode(message);
    } catch {
      return message.length >= 12 ? errorReply(message, RCODE.FORMERR) : undefined;
    }
    if (query.type !== 'query') return undefined;
    const opcode = (message.readUInt16BE(2) >> 11) & 0xf;
    const question = query.questions?.[0];
    if (opcode !== 0 || query.questions?.length !== 1 || !question) {
      return errorReply(message, opcode !== 0 ? RCODE.NOTIMP : RCODE.FORMERR);
    }

    const resolution = resolve(question, this.view, this.zone);
    if (resolution.kind === 'forward') {
      try {
        return await this.forwarder.forward(message, transport);
      } catch (error) {
        if (!(error instanceof ForwardError)) this.logger.warn('forwarding failed', { error: String(error) });
        return errorReply(message, RCODE.SERVFAIL);
      }
    }
    const answers = resolution.chase ? await this.chase(resolution) : resolution.answers;
    return this.encode(query, { ...resolution, answers }, transport);
  }

  /**
   * An ExternalName's CNAME followed outside the cluster, as CoreDNS does through its upstream:
   * the target's records appended when the host's resolvers have them, the CNAME alone otherwise.
   */
  private async chase(answer: ZoneAnswer): Promise<Answer[]> {
    const { name, type } = answer.chase!;
    const query = packet.encode({
      type: 'query',
      id: 0,
      flags: packet.RECURSION_DESIRED,
      questions: [{ type, name, class: 'IN' }],
    });
    try {
      const reply = packet.decode(await this.forwarder.forward(query, 'tcp'));
      return [...answer.answers, ...(reply.answers ?? [])];
    } catch {
      return answer.answers;
    }
  }

  private encode(query: packet.DecodedPacket, answer: ZoneAnswer, transport: 'udp' | 'tcp'): Buffer {
    const opt = query.additionals?.find((a): a is packet.OptAnswer => a.type === 'OPT');
    const flags =
      packet.AUTHORITATIVE_ANSWER |
      packet.RECURSION_AVAILABLE |
      (query.flag_rd ? packet.RECURSION_DESIRED : 0) |
      RCODE[answer.rcode];
    const reply: Packet = {
      type: 'response',
      id: query.id ?? 0,
      flags,
      questions: query.questions ?? [],
      answers: answer.answers,
      authorities: answer.authorities,
      additionals: [...answer.additionals, ...(opt ? [optRecord()] : [])],
    };
    const encoded = packet.encode(reply);
    const limit = transport === 'tcp' ? 0xffff : Math.max(CLASSIC_UDP_SIZE, opt?.udpPayloadSize ?? 0);
    if (encoded.length <= limit) return encoded;
    // Too big for the client's buffer: the question alone, marked truncated (RFC 2181 9).
    return packet.encode({
      ...reply,
      flags: flags | packet.TRUNCATED_RESPONSE,
      answers: [],
      authorities: [],
      additionals: opt ? [optRecord()] : [],
    });
  }
}

function optRecord(): Answer {
  return {
    type: 'OPT',
    name: '.',
    udpPayloadSize: EDNS_PAYLOAD_SIZE,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: [],
  };
}

/**
 * A reply with `rcode` to a message we may not be able to decode: its header (ID, opcode, RD) and
 * its question section when there is one that parses, nothing else.
 */
function errorReply(message: Buffer, rcode: number): Buffer {
  const header = Buffer.from(message.subarray(0, 12));
  const flags = header.readUInt16BE(2);
  // QR=1, opcode and RD kept, RA=1, rcode set; no answer, authority or additional records.
  header.writeUInt16BE(0x8000 | (flags & 0x7900) | 0x0080 | rcode, 2);
  let questions: Buffer = Buffer.alloc(0);
  try {
    const decoded = packet.decode(message);
    if (decoded.questions?.length === 1) {
      questions = packet.encode({ type: 'response', id: 0, questions: decoded.questions }).subarray(12);
    }
  } catch {
    // No question section to echo.
  }
  header.writeUInt16BE(questions.length > 0 ? 1 : 0, 4);
  header.writeUInt16BE(0, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(0, 10);
  return Buffer.concat([header, questions]);
}
