import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SpdyConnection,
  type SpdyStream,
} from '../../../../embedded-cluster/apiserver/streaming/spdy/connection.js';
import { SPDY_HEADER_DICTIONARY } from '../../../../embedded-cluster/apiserver/streaming/spdy/dictionary.js';
import {
  controlFrame,
  dataFrame,
  FLAG_FIN,
  FrameReader,
  FrameType,
  pingFrame,
  replyHeaderBlock,
  synStreamFrame,
  type Frame,
} from '../../../../embedded-cluster/apiserver/streaming/spdy/framing.js';
import {
  decodeHeaderBlock,
  encodeHeaderBlock,
  HeaderCodec,
} from '../../../../embedded-cluster/apiserver/streaming/spdy/header-block.js';
import { duplexPair } from '../../../../embedded-cluster/util/duplex-pair.js';

describe('SPDY/3 header dictionary', () => {
  it('is the 1423 bytes of the SPDY/3 draft (zlib dictionary id e3c6a7c2)', () => {
    expect(SPDY_HEADER_DICTIONARY.length).toBe(1423);
    expect(SPDY_HEADER_DICTIONARY.subarray(0, 11)).toEqual(Buffer.from('\0\0\0\x07options', 'latin1'));
    expect(SPDY_HEADER_DICTIONARY.subarray(-6).toString()).toBe('enq=0.');
    expect(createHash('sha256').update(SPDY_HEADER_DICTIONARY).digest('hex')).toBe(
      '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02',
    );
  });
});

describe('SPDY frames', () => {
  it('reads frames split anywhere across chunks', () => {
    const bytes = Buffer.concat([
      dataFrame(1, FLAG_FIN, Buffer.from('hello')),
      pingFrame(7),
      controlFrame(FrameType.windowUpdate, 0, Buffer.alloc(8)),
    ]);
    for (const split of [1, 3, 8, 12, 20]) {
      const reader = new FrameReader();
      const frames: Frame[] = [];
      for (let i = 0; i < bytes.length; i += split) frames.push(...reader.push(bytes.subarray(i, i + split)));
      expect(frames).toEqual([
        { kind: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.from('hello') },
        { kind: 'control', version: 3, type: FrameType.ping, flags: 0, payload: Buffer.from([0, 0, 0, 7]) },
        { kind: 'control', version: 3, type: FrameType.windowUpdate, flags: 0, payload: Buffer.alloc(8) },
      ]);
    }
  });

  it('encodes the control bit, version, type, flags and length', () => {
    expect([...controlFrame(FrameType.synReply, FLAG_FIN, Buffer.from([1, 2]))]).toEqual([
      0x80, 0x03, 0x00, 0x02, 0x01, 0x00, 0x00, 0x02, 1, 2,
    ]);
    expect([...dataFrame(0x7fffffff, 0, Buffer.from([9]))]).toEqual([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1, 9]);
  });
});

describe('SPDY header blocks', () => {
  it('encodes lower-case names and NUL-separated values', () => {
    const block = encodeHeaderBlock(
      new Map([
        ['StreamType', ['error']],
        ['x', ['a', 'b']],
      ]),
    );
    expect(decodeHeaderBlock(block)).toEqual(
      new Map([
        ['streamtype', ['error']],
        ['x', ['a', 'b']],
      ]),
    );
  });

  it('compresses blocks on one zlib stream that a peer decompresses in order', async () => {
    const compress = new HeaderCodec('compress');
    const decompress = new HeaderCodec('decompress');
    const blocks = [
      new Map([['streamtype', ['error']]]),
      new Map([
        ['streamtype', ['stdout']],
        ['port', ['80']],
      ]),
      new Map<string, string[]>(),
    ];
    const compressed = await Promise.all(blocks.map((b) => compress.compress(b)));
    // The second block reuses the first's window: it is smaller than its plain form.
    expect(compressed[1]!.length).toBeLessThan(encodeHeaderBlock(blocks[1]!).length);
    for (const [i, block] of compressed.entries())
      expect(await decompress.decompress(block)).toEqual(blocks[i]);
    compress.close();
    decompress.close();
  });
});

describe('SpdyConnection (server side)', () => {
  it('accepts streams with SYN_REPLY, carries data both ways, answers PING', async () => {
    const [client, server] = duplexPair();
    const accepted: SpdyStream[] = [];
    new SpdyConnection(server, (stream) => {
      accepted.push(stream);
      stream.on('data', (chunk: Buffer) => stream.write(Buffer.from(chunk.toString().toUpperCase())));
      stream.on('end', () => stream.end());
    });
    const clientHeaders = new HeaderCodec('compress');
    const replyHeaders = new HeaderCodec('decompress');
    const reader = new FrameReader();
    const received: Frame[] = [];
    client.on('data', (chunk: Buffer) => received.push(...reader.push(chunk)));

    client.write(synStreamFrame(1, 0, await clientHeaders.compress(new Map([['streamtype', ['stdin']]]))));
    client.write(dataFrame(1, 0, Buffer.from('hi')));
    client.write(dataFrame(1, FLAG_FIN));
    client.write(pingFrame(5));

    await expect.poll(() => received.length, { timeout: 2000 }).toBeGreaterThanOrEqual(4);
    const [reply, ...rest] = received;
    expect(reply).toMatchObject({ kind: 'control', type: FrameType.synReply });
    if (reply?.kind !== 'control') throw new Error('no reply');
    expect(reply.payload.readUInt32BE(0)).toBe(1);
    expect(await replyHeaders.decompress(replyHeaderBlock(reply.payload))).toEqual(new Map());
    expect(accepted[0]?.header('streamType')).toBe('stdin');
    expect(rest).toContainEqual({ kind: 'data', streamId: 1, flags: 0, data: Buffer.from('HI') });
    expect(rest).toContainEqual({ kind: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.alloc(0) });
    expect(rest).toContainEqual({
      kind: 'control',
      version: 3,
      type: FrameType.ping,
      flags: 0,
      payload: Buffer.from([0, 0, 0, 5]),
    });
    clientHeaders.close();
    replyHeaders.close();
    client.destroy();
  });
});
