import { describe, expect, it } from 'vitest';
import { ChannelCodec } from '../../../../embedded-cluster/apiserver/streaming/websocket-channels.js';
import { ResizeDecoder } from '../../../../embedded-cluster/apiserver/streaming/remote-command.js';

describe('WebSocket channel codec', () => {
  it('prefixes binary messages with the channel byte', () => {
    const codec = new ChannelCodec('v4.channel.k8s.io');
    expect(codec.encode(1, Buffer.from('out'))).toEqual({ payload: Buffer.from('\x01out'), binary: true });
    expect(codec.decode(Buffer.from('\x00in'))).toEqual({ channel: 0, data: Buffer.from('in') });
    expect(codec.decode(Buffer.alloc(0))).toBeUndefined();
    expect(codec.statusErrors).toBe(true);
    // v4 has no close signal: 255 is just an (unknown) channel.
    expect(codec.decode(Buffer.from([255, 0]))).toEqual({ channel: 255, data: Buffer.from([0]) });
  });

  it('understands the v5 close signal', () => {
    const codec = new ChannelCodec('v5.channel.k8s.io');
    expect(codec.decode(Buffer.from([255, 0]))).toEqual({ close: 0 });
    expect(codec.decode(Buffer.from([255, 0, 1]))).toBeUndefined();
  });

  it('base64 protocols use an ASCII digit and base64 text', () => {
    const codec = new ChannelCodec('base64.channel.k8s.io');
    expect(codec.encode(1, Buffer.from('foo\n'))).toEqual({ payload: '1Zm9vCg==', binary: false });
    expect(codec.decode(Buffer.from('0Zm9vCg=='))).toEqual({ channel: 0, data: Buffer.from('foo\n') });
    expect(codec.statusErrors).toBe(false);
  });
});

describe('resize decoder', () => {
  it('reads JSON sizes back to back and split across chunks', () => {
    const sizes: { width: number; height: number }[] = [];
    const decoder = new ResizeDecoder((s) => sizes.push(s));
    decoder.push(Buffer.from('{"Width":80,"Height":24}\n{"Width":1'));
    decoder.push(Buffer.from('00,"Height":40}\n{"bad":'));
    expect(sizes).toEqual([
      { width: 80, height: 24 },
      { width: 100, height: 40 },
    ]);
  });
});
