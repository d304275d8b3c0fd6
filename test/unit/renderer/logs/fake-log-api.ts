import type { Pod } from 'kubernetes-types/core/v1.js';
import { KubeApi } from '../../../../src-renderer/kube/index.js';

/** One log request the fake served: its query, and the stream the test writes to. */
export interface FakeLogRequest {
  url: URL;
  pod: string;
  query: Record<string, string>;
  aborted: boolean;
  write(text: string): void;
  end(): void;
  /** Break the stream (a dropped connection). */
  fail(): void;
}

/**
 * A `KubeApi` whose pod logs are streams the test writes: every request is recorded, and a pod
 * named in `refuse` answers with the API server's 400 Status instead.
 */
export function fakeLogApi(refuse: Record<string, string> = {}) {
  const requests: FakeLogRequest[] = [];
  const encoder = new TextEncoder();
  const fetchImpl = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const pod = /\/pods\/([^/]+)\/log$/.exec(url.pathname)?.[1] ?? '';
    if (refuse[pod]) {
      const status = {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code: 400,
        reason: 'BadRequest',
        message: refuse[pod],
      };
      return Promise.resolve(new Response(JSON.stringify(status), { status: 400 }));
    }
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const request: FakeLogRequest = {
      url,
      pod,
      query: Object.fromEntries(url.searchParams),
      aborted: false,
      write: (text) => controller.enqueue(encoder.encode(text)),
      end: () => controller.close(),
      fail: () => controller.error(new TypeError('network error')),
    };
    init.signal?.addEventListener('abort', () => {
      request.aborted = true;
      try {
        controller.error(new DOMException('aborted', 'AbortError'));
      } catch {
        // already closed
      }
    });
    requests.push(request);
    return Promise.resolve(new Response(body, { status: 200 }));
  };
  const api = new KubeApi({
    baseUrl: 'http://127.0.0.1:1/clusters/embedded',
    fetch: fetchImpl as typeof fetch,
  });
  return { api, requests };
}

type ContainerState = 'running' | 'waiting' | 'terminated';

/** A pod with containers in the given states (`name:state[:restarts]`), init containers after `|`. */
export function pod(name: string, containers: string[], init: string[] = []): Pod {
  const parse = (spec: string) => {
    const [cname, state = 'running', restarts = '0'] = spec.split(':') as [string, ContainerState?, string?];
    return {
      spec: { name: cname, image: 'busybox' },
      status: {
        name: cname,
        image: 'busybox',
        imageID: '',
        ready: state === 'running',
        restartCount: Number(restarts),
        state:
          state === 'running'
            ? { running: { startedAt: '2024-05-01T10:00:00Z' } }
            : state === 'waiting'
              ? { waiting: { reason: 'ContainerCreating' } }
              : { terminated: { exitCode: 0 } },
      },
    };
  };
  const app = containers.map(parse);
  const inits = init.map(parse);
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { containers: app.map((c) => c.spec), initContainers: inits.map((c) => c.spec) },
    status: {
      containerStatuses: app.map((c) => c.status),
      initContainerStatuses: inits.map((c) => c.status),
    },
  };
}

/** A log line with a time, `seconds` after 10:00:00. */
export function stamped(seconds: number, text: string): string {
  return `2024-05-01T10:00:${String(seconds).padStart(2, '0')}.000000001Z ${text}\n`;
}
