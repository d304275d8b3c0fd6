import { describe, expect, it } from 'vitest';
import {
  affinityConfig,
  backendKey,
  endpointKey,
  pickSticky,
  readCookie,
  setCookieHeader,
} from '../../../embedded-cluster/ingress/affinity.js';

const A = 'nginx.ingress.kubernetes.io/';
const endpoints = [1, 2, 3, 4].map((i) => ({ ip: `10.0.0.${i}`, port: 8080 }));

describe('cookie affinity', () => {
  it('reads the ingress-nginx annotations, with its defaults', () => {
    expect(affinityConfig({})).toBeUndefined();
    expect(affinityConfig({ [`${A}affinity`]: 'cookie' })).toEqual({
      cookieName: 'INGRESSCOOKIE',
      mode: 'balanced',
    });
    expect(
      affinityConfig({
        [`${A}affinity`]: 'cookie',
        [`${A}affinity-mode`]: 'persistent',
        [`${A}session-cookie-name`]: 'route',
        [`${A}session-cookie-path`]: '/app',
        [`${A}session-cookie-max-age`]: '172800',
        [`${A}session-cookie-expires`]: '60',
        [`${A}session-cookie-samesite`]: 'Lax',
      }),
    ).toEqual({
      cookieName: 'route',
      mode: 'persistent',
      path: '/app',
      maxAge: 172800,
      expires: 60,
      sameSite: 'Lax',
    });
  });

  it('formats Set-Cookie with path, HttpOnly, Secure on HTTPS, Expires and Max-Age', () => {
    const config = { cookieName: 'INGRESSCOOKIE', mode: 'balanced' as const, maxAge: 100, expires: 60 };
    expect(setCookieHeader(config, 'v', { path: '/app', https: true, now: Date.UTC(2024, 0, 1) })).toBe(
      'INGRESSCOOKIE=v; Expires=Mon, 01 Jan 2024 00:01:00 GMT; Max-Age=100; Path=/app; Secure; HttpOnly',
    );
    expect(
      setCookieHeader({ cookieName: 'c', mode: 'balanced' }, 'v', { path: '/', https: false, now: 0 }),
    ).toBe('c=v; Path=/; HttpOnly');
  });

  it('reads the cookie among others', () => {
    expect(readCookie('a=1; INGRESSCOOKIE=k|b; c=3', 'INGRESSCOOKIE')).toBe('k|b');
    expect(readCookie(undefined, 'x')).toBeUndefined();
  });

  it('balanced: a new session gets a key and sticks to one endpoint; only sessions of a gone endpoint move', () => {
    const config = { cookieName: 'c', mode: 'balanced' as const };
    let n = 0;
    const sessions = Array.from({ length: 40 }, () =>
      pickSticky(config, 'ns-web-80', endpoints, undefined, () => `k${n++}`)!,
    );
    for (const s of sessions) expect(s.setCookie).toMatch(new RegExp(`^k\\d+\\|${backendKey('ns-web-80')}$`));
    expect(new Set(sessions.map((s) => s.endpoint.ip)).size).toBeGreaterThan(1); // spread
    const without3 = endpoints.filter((e) => e.ip !== '10.0.0.3');
    for (const s of sessions) {
      const again = pickSticky(config, 'ns-web-80', endpoints, s.setCookie)!;
      expect(again).toEqual({ endpoint: s.endpoint }); // sticks, no new cookie
      const after = pickSticky(config, 'ns-web-80', without3, s.setCookie)!;
      if (s.endpoint.ip !== '10.0.0.3') expect(after.endpoint).toEqual(s.endpoint);
      else expect(after.endpoint.ip).not.toBe('10.0.0.3');
    }
  });

  it('persistent: the cookie is a salted hash of the endpoint, replaced when the endpoint is gone', () => {
    const config = { cookieName: 'c', mode: 'persistent' as const };
    const first = pickSticky(config, 'ns-web-80', endpoints, undefined)!;
    expect(first.setCookie).toBe(`${endpointKey('ns-web-80', first.endpoint)}|${backendKey('ns-web-80')}`);
    expect(first.setCookie).not.toContain('10.0.0');
    expect(pickSticky(config, 'ns-web-80', endpoints, first.setCookie)).toEqual({ endpoint: first.endpoint });
    const rest = endpoints.filter((e) => e !== first.endpoint);
    const moved = pickSticky(config, 'ns-web-80', rest, first.setCookie)!;
    expect(rest).toContain(moved.endpoint);
    expect(moved.setCookie).toBe(`${endpointKey('ns-web-80', moved.endpoint)}|${backendKey('ns-web-80')}`);
  });
});
