import { describe, expect, it } from 'vitest';
import { duplexPair } from '../../../embedded-cluster/util/duplex-pair.js';

describe('duplexPair', () => {
  it('carries bytes both ways and ends the peer when one side ends', async () => {
    const [a, b] = duplexPair();
    const received: Buffer[] = [];
    b.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = new Promise((resolve) => b.on('end', resolve));
    a.write('hello ');
    a.end('world');
    await ended;
    expect(Buffer.concat(received).toString()).toBe('hello world');
  });

  it('holds a writer back while the reader does not read (backpressure, as a socket)', async () => {
    const [a, b] = duplexPair();
    const chunk = Buffer.alloc(64 * 1024);
    let writes = 0;
    while (a.write(chunk) && writes < 1000) writes++;
    expect(writes).toBeLessThan(1000);
    const drained = new Promise((resolve) => a.once('drain', resolve));
    b.resume();
    await drained;
  });

  it('destroys the peer with it', async () => {
    const [a, b] = duplexPair();
    const closed = new Promise((resolve) => b.on('close', resolve));
    a.destroy();
    await closed;
    expect(b.destroyed).toBe(true);
  });
});
