import { describe, expect, it } from 'vitest';
import {
  forwardRequestHeaders,
  forwardResponseHeaders,
  unreachableMessage,
} from '../../../../src-main/gateway/upstream.js';

describe('forwardRequestHeaders', () => {
  it('keeps what the cluster needs and drops the browser’s session and hop-by-hop headers', () => {
    expect(
      forwardRequestHeaders({
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
        'content-type': 'application/apply-patch+yaml',
        'content-length': '12',
        'user-agent': 'Chrome',
        'sec-websocket-protocol': 'v5.channel.k8s.io',
        'impersonate-user': 'jane',
        host: '127.0.0.1:4000',
        cookie: 'kubedesk_session=t',
        authorization: 'Bearer t',
        origin: 'http://127.0.0.1:4000',
        referer: 'http://127.0.0.1:4000/pods',
        connection: 'keep-alive, x-private',
        'x-private': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        upgrade: 'websocket',
        'proxy-authorization': 'Basic x',
      }),
    ).toEqual({
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      'content-type': 'application/apply-patch+yaml',
      'content-length': '12',
      'user-agent': 'Chrome',
      'sec-websocket-protocol': 'v5.channel.k8s.io',
      'impersonate-user': 'jane',
    });
  });
});

describe('forwardResponseHeaders', () => {
  it('drops cookies, auth prompts and hop-by-hop headers', () => {
    expect(
      forwardResponseHeaders({
        'content-type': 'application/json',
        'audit-id': 'abc',
        'set-cookie': ['a=b'],
        'www-authenticate': 'Basic',
        'transfer-encoding': 'chunked',
        connection: 'close',
      }),
    ).toEqual({ 'content-type': 'application/json', 'audit-id': 'abc' });
  });
});

describe('unreachableMessage', () => {
  it('names the cluster and the cause', () => {
    const error = Object.assign(new Error('self-signed certificate'), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(unreachableMessage('context:dev', error)).toBe(
      'cluster "context:dev" is unreachable: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
  });
});
