import type { Ingress, IngressSpec, IngressStatus } from 'kubernetes-types/networking/v1.js';
import { describe, expect, it } from 'vitest';
import {
  backendText,
  ingressUrls,
  isTlsHost,
  resolvesLocally,
} from '../../../../src-renderer/components/network/ingress-urls.js';

function ingress(spec: IngressSpec, status: IngressStatus = {}): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'kubia', namespace: 'default' },
    spec,
    status,
  };
}
const kubia = (port = 80) => ({ service: { name: 'kubia-nodeport', port: { number: port } } });
/** What our controller publishes on 80/443, and when those were taken (HTTP first, then HTTPS). */
const STANDARD: IngressStatus = { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } };
const MOVED: IngressStatus = {
  loadBalancer: {
    ingress: [
      {
        ip: '127.0.0.1',
        ports: [
          { port: 8080, protocol: 'TCP' },
          { port: 8443, protocol: 'TCP' },
        ],
      },
    ],
  },
};

describe('the URLs an Ingress serves', () => {
  it('the book’s kubia-ingress: a name that does not resolve here gets its URL and a curl with the Host header', () => {
    const urls = ingressUrls(
      ingress(
        {
          rules: [
            {
              host: 'kubia.example.com',
              http: { paths: [{ path: '/', pathType: 'Prefix', backend: kubia() }] },
            },
          ],
        },
        STANDARD,
      ),
    );
    expect(urls.pending).toBe(false);
    expect(urls.address).toBe('127.0.0.1');
    expect(urls.routes).toEqual([
      {
        host: 'kubia.example.com',
        path: '/ (Prefix)',
        backend: 'service kubia-nodeport:80',
        text: 'http://kubia.example.com/',
        curl: `curl -H 'Host: kubia.example.com' 'http://127.0.0.1/'`,
        note: 'kubia.example.com does not resolve to 127.0.0.1 here; a name under .localhost would',
      },
    ]);
  });

  it('hosts under .localhost and rules without a host are links, on the published ports', () => {
    const urls = ingressUrls(
      ingress(
        {
          rules: [
            {
              host: 'kubia.localhost',
              http: {
                paths: [
                  { path: '/kubia', pathType: 'Prefix', backend: kubia() },
                  {
                    path: '/foo',
                    pathType: 'Exact',
                    backend: { service: { name: 'foo', port: { name: 'http' } } },
                  },
                ],
              },
            },
            { http: { paths: [{ path: '/', pathType: 'Prefix', backend: kubia() }] } },
          ],
        },
        MOVED,
      ),
    );
    expect(urls.address).toBe('127.0.0.1 (HTTP port 8080, HTTPS 8443)');
    expect(urls.routes.map((r) => [r.host, r.path, r.backend, r.url])).toEqual([
      [
        'kubia.localhost',
        '/kubia (Prefix)',
        'service kubia-nodeport:80',
        'http://kubia.localhost:8080/kubia',
      ],
      ['kubia.localhost', '/foo (Exact)', 'service foo:http', 'http://kubia.localhost:8080/foo'],
      ['*', '/ (Prefix)', 'service kubia-nodeport:80', 'http://127.0.0.1:8080/'],
    ]);
    expect(urls.routes.every((r) => r.curl === undefined)).toBe(true);
  });

  it('the book’s kubia-ingress-tls: a TLS host is https, and its curl resolves the name so SNI picks the certificate', () => {
    const spec: IngressSpec = {
      tls: [{ hosts: ['kubia.example.com'], secretName: 'tls-secret' }],
      rules: [
        { host: 'kubia.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: kubia() }] } },
      ],
    };
    expect(ingressUrls(ingress(spec, STANDARD)).routes[0]).toMatchObject({
      text: 'https://kubia.example.com/',
      curl: `curl -k --resolve kubia.example.com:443:127.0.0.1 'https://kubia.example.com/'`,
    });
    expect(ingressUrls(ingress(spec, MOVED)).routes[0]).toMatchObject({
      text: 'https://kubia.example.com:8443/',
      curl: `curl -k --resolve kubia.example.com:8443:127.0.0.1 'https://kubia.example.com:8443/'`,
    });
    const local = ingressUrls(
      ingress(
        {
          tls: [{ hosts: ['secure.localhost'] }],
          rules: [
            {
              host: 'secure.localhost',
              http: { paths: [{ path: '/', pathType: 'Prefix', backend: kubia() }] },
            },
          ],
        },
        MOVED,
      ),
    );
    expect(local.routes[0]!.url).toBe('https://secure.localhost:8443/');
  });

  it('which hosts are TLS: listed, covered by a wildcard, or any host when an entry lists none', () => {
    expect(isTlsHost('a.example.com', [{ hosts: ['*.example.com'] }])).toBe(true);
    expect(isTlsHost('b.a.example.com', [{ hosts: ['*.example.com'] }])).toBe(false);
    expect(isTlsHost('A.example.com', [{ hosts: ['a.example.com'] }])).toBe(true);
    expect(isTlsHost('x.com', [{ hosts: ['y.com'] }])).toBe(false);
    expect(isTlsHost('x.com', [{ secretName: 's' }])).toBe(true);
    expect(isTlsHost('', [{ secretName: 's' }])).toBe(false);
  });

  it('wildcard hosts and regular-expression paths are patterns, never links', () => {
    const urls = ingressUrls(
      ingress(
        {
          rules: [
            {
              host: '*.example.localhost',
              http: { paths: [{ path: '/', pathType: 'Prefix', backend: kubia() }] },
            },
            {
              http: {
                paths: [{ path: '/api/v[0-9]+/.*', pathType: 'ImplementationSpecific', backend: kubia() }],
              },
            },
            { http: { paths: [{ path: '/static', pathType: 'ImplementationSpecific', backend: kubia() }] } },
          ],
        },
        STANDARD,
      ),
    );
    expect(urls.routes[0]).toMatchObject({
      text: 'http://*.example.localhost/',
      note: 'wildcard host: any one name in its place',
    });
    expect(urls.routes[0]!.url).toBeUndefined();
    expect(urls.routes[1]).toMatchObject({
      text: 'http://127.0.0.1/api/v[0-9]+/.*',
      note: 'a pattern, not a path to visit',
    });
    expect(urls.routes[1]!.url).toBeUndefined();
    expect(urls.routes[2]!.url).toBe('http://127.0.0.1/static');
  });

  it('while the controller has published no address, it is pending and nothing is a link', () => {
    const urls = ingressUrls(
      ingress({
        rules: [
          { host: 'kubia.localhost', http: { paths: [{ path: '/', pathType: 'Prefix', backend: kubia() }] } },
        ],
      }),
    );
    expect(urls.pending).toBe(true);
    expect(urls.address).toBeUndefined();
    expect(urls.routes[0]).toMatchObject({
      text: 'http://kubia.localhost/',
      note: 'waiting for the address',
    });
    expect(urls.routes[0]!.url).toBeUndefined();
  });

  it('the default backend: a link to the bare address, unless a rule for every host takes it', () => {
    const only = ingressUrls(ingress({ defaultBackend: kubia() }, STANDARD));
    expect(only.routes).toEqual([
      expect.objectContaining({
        host: 'default backend',
        backend: 'service kubia-nodeport:80',
        url: 'http://127.0.0.1/',
      }),
    ]);
    const shadowed = ingressUrls(
      ingress(
        {
          defaultBackend: kubia(),
          rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: kubia(8080) }] } }],
        },
        STANDARD,
      ),
    );
    expect(shadowed.routes[1]).toEqual({
      host: 'default backend',
      path: '',
      backend: 'service kubia-nodeport:80',
      text: 'requests no rule matches',
    });
  });

  it('names backends as services or resources', () => {
    expect(
      backendText({ resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } }),
    ).toBe('StorageBucket/static');
    expect(backendText(undefined)).toBe('');
  });

  it('knows which names browsers resolve to loopback', () => {
    expect(resolvesLocally('localhost')).toBe(true);
    expect(resolvesLocally('kubia.LOCALHOST')).toBe(true);
    expect(resolvesLocally('localhost.example.com')).toBe(false);
  });
});
