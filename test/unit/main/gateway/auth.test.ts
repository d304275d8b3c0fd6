import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { cookieValues, GatewayAuth, newToken } from '../../../../src-main/gateway/auth.js';

const TOKEN = 'unit-token';

function request(url: string, headers: Record<string, string> = {}, method = 'GET'): IncomingMessage {
  return { url, method, headers: { host: '127.0.0.1:4000', ...headers } } as unknown as IncomingMessage;
}

function auth(): GatewayAuth {
  const a = new GatewayAuth(TOKEN);
  a.listening(4000, '127.0.0.1');
  return a;
}

describe('GatewayAuth', () => {
  it('makes 32-byte base64url tokens', () => {
    const token = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(token);
  });

  it('swaps the launch token for a cookie, keeping the rest of the URL', () => {
    expect(auth().check(request(`/pods?ns=a&token=${TOKEN}#x`), false)).toEqual({
      ok: false,
      code: 303,
      location: '/pods?ns=a',
      cookie: `kubedesk_session=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`,
    });
    expect(auth().check(request('/?token=wrong'), false)).toMatchObject({ code: 401 });
  });

  it('accepts the cookie or a bearer token, nothing else', () => {
    const a = auth();
    expect(a.check(request('/x', { cookie: `a=b; kubedesk_session=${TOKEN}` }), false)).toEqual({ ok: true });
    expect(a.check(request('/x', { authorization: `Bearer ${TOKEN}` }), false)).toEqual({ ok: true });
    expect(a.check(request('/x', { authorization: `Basic ${TOKEN}` }), false)).toMatchObject({ code: 401 });
    expect(a.check(request('/x', { cookie: `kubedesk_session=${TOKEN}x` }), false)).toMatchObject({
      code: 401,
    });
    expect(a.check(request('/x'), false)).toMatchObject({ code: 401 });
  });

  it('checks the Host on every request', () => {
    const a = auth();
    const signed = { authorization: `Bearer ${TOKEN}` };
    expect(a.check(request('/x', { ...signed, host: 'localhost:4000' }), false)).toEqual({ ok: true });
    for (const host of ['attacker.example:4000', '127.0.0.1:4001', '127.0.0.1', '']) {
      expect(a.check(request('/x', { ...signed, host }), false)).toMatchObject({ code: 403 });
    }
  });

  it('checks the Origin of writes and upgrades, when there is one', () => {
    const a = auth();
    const signed = { authorization: `Bearer ${TOKEN}` };
    const evil = { ...signed, origin: 'http://attacker.example' };
    expect(a.check(request('/x', evil, 'GET'), false)).toEqual({ ok: true });
    expect(a.check(request('/x', evil, 'POST'), false)).toMatchObject({ code: 403 });
    expect(a.check(request('/x', evil, 'DELETE'), false)).toMatchObject({ code: 403 });
    expect(a.check(request('/x', evil, 'GET'), true)).toMatchObject({ code: 403 });
    // Same host, other port or scheme: another origin.
    expect(
      a.check(request('/x', { ...signed, origin: 'http://127.0.0.1:4001' }, 'POST'), false),
    ).toMatchObject({
      code: 403,
    });
    expect(a.check(request('/x', { ...signed, origin: 'http://127.0.0.1:4000' }, 'POST'), false)).toEqual({
      ok: true,
    });
    expect(a.check(request('/x', signed, 'POST'), false)).toEqual({ ok: true });
  });
});

describe('cookieValues', () => {
  it('finds every value of a cookie', () => {
    expect(cookieValues('a=1; kubedesk_session=x;kubedesk_session=y; b', 'kubedesk_session')).toEqual([
      'x',
      'y',
    ]);
    expect(cookieValues(undefined, 'a')).toEqual([]);
  });
});
