import type { Ingress, IngressBackend } from 'kubernetes-types/networking/v1.js';
import { describe, expect, it } from 'vitest';
import { hostMatches, normalizeHost } from '../../../embedded-cluster/ingress/host-match.js';
import { pathMatches, requestPath } from '../../../embedded-cluster/ingress/path-match.js';
import { RoutingTable } from '../../../embedded-cluster/ingress/routing-table.js';

const svc = (name: string): IngressBackend => ({ service: { name, port: { number: 80 } } });

function ingress(
  name: string,
  rules: { host?: string; paths: [path: string, type: string, service: string][] }[],
  extra: { created?: string; defaultBackend?: string; tls?: { hosts?: string[]; secretName: string }[] } = {},
): Ingress {
  return {
    metadata: { name, namespace: 'default', creationTimestamp: extra.created ?? '2024-01-01T00:00:00Z' },
    spec: {
      ...(extra.defaultBackend ? { defaultBackend: svc(extra.defaultBackend) } : {}),
      ...(extra.tls ? { tls: extra.tls } : {}),
      rules: rules.map((rule) => ({
        ...(rule.host ? { host: rule.host } : {}),
        http: {
          paths: rule.paths.map(([path, pathType, service]) => ({ path, pathType, backend: svc(service) })),
        },
      })),
    },
  };
}

/** The service a request goes to, `default:<svc>` for a default backend, or 404. */
function target(table: RoutingTable, host: string, path: string): string {
  const result = table.route(host, requestPath(path));
  if (result.kind === 'rule') return result.route.backend.service!.name;
  if (result.kind === 'default') return `default:${result.backend.service!.name}`;
  return '404';
}

describe('host matching', () => {
  it('matches exact hosts case-insensitively, without port or trailing dot', () => {
    expect(normalizeHost('Foo.Example.COM:8080')).toBe('foo.example.com');
    expect(normalizeHost('foo.localhost.')).toBe('foo.localhost');
    expect(normalizeHost('[::1]:80')).toBe('[::1]');
    expect(hostMatches('foo.example.com', 'foo.example.com')).toBe(true);
  });

  it('matches a wildcard against exactly one label', () => {
    expect(hostMatches('*.foo.com', 'bar.foo.com')).toBe(true);
    expect(hostMatches('*.foo.com', 'baz.bar.foo.com')).toBe(false);
    expect(hostMatches('*.foo.com', 'foo.com')).toBe(false);
  });
});

describe('path matching (the examples of kubernetes.io/docs/concepts/services-networking/ingress/#examples)', () => {
  const cases: [type: string, rule: string, request: string, matches: boolean][] = [
    ['Prefix', '/', '/anything/at/all', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
    ['Prefix', '/foo', '/foobar', false],
    // ingress-nginx: an nginx location prefix, character-wise
    ['ImplementationSpecific', '/foo', '/foobar', true],
    ['ImplementationSpecific', '/foo', '/bar', false],
  ];
  it.each(cases)('%s %s against %s → %s', (type, rule, request, matches) => {
    expect(pathMatches(type as 'Exact', rule, requestPath(request))).toBe(matches);
  });

  it('matches the decoded path without its query, slashes merged', () => {
    expect(requestPath('/a%20b//c?x=/d')).toBe('/a b/c');
    expect(requestPath('http://host/x?y')).toBe('/x');
  });
});

describe('the routing table', () => {
  it('routes by host and by the longest matching path, Exact before Prefix', () => {
    const table = new RoutingTable([
      ingress('a', [
        {
          host: 'foo.localhost',
          paths: [
            ['/', 'Prefix', 'root'],
            ['/api', 'Prefix', 'api'],
            ['/api/v2', 'Prefix', 'v2'],
            ['/api', 'Exact', 'api-exact'],
          ],
        },
        { host: '*.bar.localhost', paths: [['/', 'Prefix', 'wild']] },
        { paths: [['/', 'Prefix', 'any']] },
      ]),
    ]);
    expect(target(table, 'foo.localhost', '/')).toBe('root');
    expect(target(table, 'foo.localhost', '/api')).toBe('api-exact');
    expect(target(table, 'foo.localhost', '/api/')).toBe('api');
    expect(target(table, 'foo.localhost', '/api/v2/x')).toBe('v2');
    expect(target(table, 'foo.localhost', '/apix')).toBe('root');
    expect(target(table, 'x.bar.localhost', '/')).toBe('wild');
    expect(target(table, 'y.x.bar.localhost', '/')).toBe('any');
    expect(target(table, 'other.localhost', '/z')).toBe('any');
  });

  it('prefers an exact host over a wildcard, and does not fall through to host-less rules', () => {
    const table = new RoutingTable([
      ingress('a', [
        { host: 'a.foo.com', paths: [['/only', 'Exact', 'exact-host']] },
        { host: '*.foo.com', paths: [['/', 'Prefix', 'wild']] },
        { paths: [['/', 'Prefix', 'any']] },
      ]),
    ]);
    expect(target(table, 'a.foo.com', '/only')).toBe('exact-host');
    expect(target(table, 'a.foo.com', '/other')).toBe('404');
    expect(target(table, 'b.foo.com', '/other')).toBe('wild');
  });

  it('sends unmatched requests to the oldest default backend, else answers none with the hosts served', () => {
    const rules = [
      { host: 'foo.localhost', paths: [['/app', 'Prefix', 'app']] as [string, string, string][] },
    ];
    const none = new RoutingTable([ingress('a', rules)]);
    expect(none.route('foo.localhost', '/x')).toEqual({ kind: 'none', hosts: ['foo.localhost'] });
    const table = new RoutingTable([
      ingress('young', [], { created: '2024-02-01T00:00:00Z', defaultBackend: 'young-default' }),
      ingress('old', rules, { created: '2024-01-01T00:00:00Z', defaultBackend: 'old-default' }),
    ]);
    expect(target(table, 'foo.localhost', '/x')).toBe('default:old-default');
    expect(target(table, 'nowhere.localhost', '/')).toBe('default:old-default');
  });

  it('merges rules across Ingresses; on a conflict the oldest wins and the loser is reported', () => {
    const table = new RoutingTable([
      ingress(
        'b-young',
        [
          {
            host: 'h',
            paths: [
              ['/x', 'Prefix', 'young'],
              ['/y', 'Prefix', 'y'],
            ],
          },
        ],
        {
          created: '2024-03-01T00:00:00Z',
        },
      ),
      ingress('a-old', [{ host: 'h', paths: [['/x', 'Prefix', 'old']] }], {
        created: '2024-01-01T00:00:00Z',
      }),
    ]);
    expect(target(table, 'h', '/x')).toBe('old');
    expect(target(table, 'h', '/y')).toBe('y');
    expect(table.conflicts.map((c) => [c.loser.metadata!.name, c.winner.metadata!.name, c.path])).toEqual([
      ['b-young', 'a-old', '/x'],
    ]);
  });

  it('finds TLS secrets by host, exact before wildcard, hostless entries covering the rule hosts', () => {
    const table = new RoutingTable([
      ingress('a', [{ host: 'a.localhost', paths: [['/', 'Prefix', 's']] }], {
        tls: [
          { hosts: ['*.foo.com'], secretName: 'wild' },
          { hosts: ['x.foo.com'], secretName: 'x' },
          { secretName: 'own' },
        ],
      }),
    ]);
    expect(table.tlsFor('x.foo.com')?.secretName).toBe('x');
    expect(table.tlsFor('y.foo.com')?.secretName).toBe('wild');
    expect(table.tlsFor('a.localhost')?.secretName).toBe('own');
    expect(table.tlsFor('z.bar.com')).toBeUndefined();
  });
});
