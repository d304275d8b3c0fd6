import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { cookieValues, GatewayAuth, newToken, sessionCookieName } from '../../../../src-main/gateway/auth.js';

const TOKEN = 'unit-token';
/** The cookie of the gateway on port 4000, the one these tests listen on. */
const COOKIE = 'kubedesk_session_4000';

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
      cookie: `${COOKIE}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`,
    });
    expect(auth().check(request('/?token=wrong'), false)).toMatchObject({ code: 401 });
  });

  it('accepts the cookie or a bearer token, nothing else', () => {
    const a = auth();
    expect(a.check(request('/x', { cookie: `a=b; ${COOKIE}=${TOKEN}` }), false)).toEqual({ ok: true });
    expect(a.check(request('/x', { authorization: `Bearer ${TOKEN}` }), false)).toEqual({ ok: true });
    expect(a.check(request('/x', { authorization: `Basic ${TOKEN}` }), false)).toMatchObject({ code: 401 });
    expect(a.check(request('/x', { cookie: `${COOKIE}=${TOKEN}x` }), false)).toMatchObject({
      code: 401,
    });
    expect(a.check(request('/x'), false)).toMatchObject({ code: 401 });
  });

  it('names its cookie after its port, so that gateways on other ports keep their own', () => {
    expect(sessionCookieName(7420)).toBe('kubedesk_session_7420');
    const a = auth();
    // Another gateway's cookie (same host, other port) or the old port-less name: not signed in.
    for (const name of ['kubedesk_session_4001', 'kubedesk_session']) {
      expect(a.check(request('/x', { cookie: `${name}=${TOKEN}` }), false)).toMatchObject({ code: 401 });
    }
    // Both cookies sent together, as a browser does for 127.0.0.1: this port's one counts.
    const both = { cookie: `kubedesk_session_4001=other; ${COOKIE}=${TOKEN}` };
    expect(a.check(request('/x', both), false)).toEqual({ ok: true });
    // Two gateways hand out two cookies that do not overwrite each other.
    const other = new GatewayAuth('other-token');
    other.listening(4001, '127.0.0.1');
    const launch = other.check(request('/?token=other-token', { host: '127.0.0.1:4001' }), false);
    expect(launch).toMatchObject({
      code: 303,
      cookie: expect.stringMatching(/^kubedesk_session_4001=other-token;/),
    });
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
