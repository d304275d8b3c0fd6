import { describe, expect, it } from 'vitest';
import {
  endToEnd,
  endToEndRaw,
  upstreamRequestHeaders,
} from '../../../embedded-cluster/ingress/forwarded-headers.js';

describe('headers across the ingress', () => {
  it('drops hop-by-hop headers and those Connection names from a request', () => {
    expect(
      endToEnd({
        host: 'a.localhost',
        connection: 'keep-alive, X-Trace',
        'x-trace': '1',
        te: 'trailers',
        accept: '*/*',
      }),
    ).toEqual({ host: 'a.localhost', accept: '*/*' });
  });

  it('keeps an answer’s raw headers in their case and order, repeats included, without hop-by-hop ones', () => {
    const raw = [
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'a=1'],
      ['Transfer-Encoding', 'chunked'],
      ['Connection', 'keep-alive, X-Debug'],
      ['X-Debug', 'on'],
      ['Keep-Alive', 'timeout=5'],
      ['Set-Cookie', 'b=2'],
    ]
      .flat()
      .map((part) => Buffer.from(part, 'latin1'));
    expect(endToEndRaw(raw)).toEqual([
      'Content-Type',
      'text/plain',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
    ]);
  });

  it('replaces the client’s forwarding headers with what the edge saw', () => {
    const headers = upstreamRequestHeaders(
      { host: 'app.localhost', 'x-forwarded-for': '6.6.6.6' },
      { clientIp: '127.0.0.1', proto: 'https', host: 'app.localhost', port: 443 },
    );
    expect(headers).toMatchObject({
      host: 'app.localhost',
      'x-forwarded-for': '127.0.0.1',
      'x-real-ip': '127.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
    });
  });
});
