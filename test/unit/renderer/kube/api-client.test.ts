import { describe, expect, it } from 'vitest';
import { KubeApi, StatusError, type ResourceType } from '../../../../src-renderer/kube/index.js';

const deployments: ResourceType = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  namespaced: true,
  kind: 'Deployment',
};

/** A fetch that records requests and answers with `respond`. */
function recorder(respond: (url: URL, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: URL; init: RequestInit }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    calls.push({ url, init });
    return respond(url, init);
  }) as typeof fetch;
  return { calls, api: new KubeApi({ baseUrl: 'http://127.0.0.1:9/clusters/embedded/', fetch: fetchImpl }) };
}

/** The StatusError a call fails with (the test fails if it succeeds). */
async function failure(call: Promise<unknown>): Promise<StatusError> {
  const outcome = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof StatusError)) throw new Error(`expected a StatusError, got ${String(outcome)}`);
  return outcome;
}

const ok = (body: unknown = { metadata: {} }) => new Response(JSON.stringify(body), { status: 200 });

describe('KubeApi requests', () => {
  it('builds paths and queries for apply with field manager, force and dry run', async () => {
    const { calls, api } = recorder(() => ok());
    await api.patch(deployments, 'web', 'kind: Deployment\n', {
      type: 'apply',
      namespace: 'prod',
      fieldManager: 'kubedesk',
      force: true,
      dryRun: true,
    });
    const { url, init } = calls[0]!;
    expect(url.pathname).toBe('/clusters/embedded/apis/apps/v1/namespaces/prod/deployments/web');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      dryRun: 'All',
      fieldManager: 'kubedesk',
      force: 'true',
    });
    expect(init.method).toBe('PATCH');
    expect(new Headers(init.headers).get('content-type')).toBe('application/apply-patch+yaml');
    expect(init.body).toBe('kind: Deployment\n');
  });

  it('sends each patch type with its content type, and delete options as a body', async () => {
    const { calls, api } = recorder(() => ok());
    await api.patch(deployments, 'web', { spec: {} }, { type: 'strategic', namespace: 'a' });
    await api.patch(deployments, 'web', [{ op: 'remove', path: '/spec/paused' }], {
      type: 'json',
      namespace: 'a',
    });
    await api.patch(deployments, 'web', { spec: {} }, { type: 'merge', namespace: 'a' });
    await api.delete(deployments, 'web', {
      namespace: 'a',
      gracePeriodSeconds: 0,
      propagationPolicy: 'Background',
    });
    expect(calls.map((c) => new Headers(c.init.headers).get('content-type'))).toEqual([
      'application/strategic-merge-patch+json',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/json',
    ]);
    expect(JSON.parse(String(calls[3]!.init.body))).toEqual({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      gracePeriodSeconds: 0,
      propagationPolicy: 'Background',
    });
  });

  it('asks for a Table with row metadata', async () => {
    const { calls, api } = recorder(() =>
      ok({ kind: 'Table', columnDefinitions: [], rows: [], metadata: {} }),
    );
    await api.table('/api/v1/pods', { limit: 500, labelSelector: 'app=web' });
    expect(new Headers(calls[0]!.init.headers).get('accept')).toBe(
      'application/json;as=Table;v=v1;g=meta.k8s.io',
    );
    expect(Object.fromEntries(calls[0]!.url.searchParams)).toEqual({
      limit: '500',
      labelSelector: 'app=web',
      includeObject: 'Metadata',
    });
  });
});

describe('KubeApi errors', () => {
  it('throws the server Status with its causes', async () => {
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1',
      details: {
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: 'Invalid value: -1' }],
      },
    };
    const { api } = recorder(() => new Response(JSON.stringify(status), { status: 422 }));
    const error = await failure(api.get(deployments, 'web', { namespace: 'a' }));
    expect(error).toBeInstanceOf(StatusError);
    expect(error.message).toBe(status.message);
    expect(error.causes[0]?.field).toBe('spec.replicas');
  });

  it('turns a gateway failure without a Status into one that says so', async () => {
    const { api } = recorder(
      () => new Response('upstream connect error', { status: 502, statusText: 'Bad Gateway' }),
    );
    const error = await failure(api.list(deployments));
    expect(error).toMatchObject({ code: 502, reason: 'BadGateway' });
    expect(error.message).toBe(
      'GET /apis/apps/v1/deployments: 502 Bad Gateway (the cluster could not be reached through the gateway): upstream connect error',
    );
  });

  it('turns a network failure into a Status with code 0', async () => {
    const { api } = recorder(() => Promise.reject(new TypeError('fetch failed')));
    const error = await failure(api.list(deployments));
    expect(error).toMatchObject({ code: 0, reason: 'NetworkError' });
    expect(error.message).toMatch(/could not be reached \(fetch failed\)/);
  });
});
