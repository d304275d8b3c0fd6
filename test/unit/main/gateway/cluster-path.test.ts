import { describe, expect, it } from 'vitest';
import { parseClusterPath } from '../../../../src-main/gateway/cluster-path.js';
import { upstreamPath } from '../../../../src-main/gateway/upstream.js';

describe('parseClusterPath', () => {
  it('splits the id from the rest, keeping the query encoded', () => {
    expect(parseClusterPath('/clusters/embedded/api/v1/pods?labelSelector=a%3Db')).toEqual({
      rawId: 'embedded',
      candidates: ['embedded'],
      rest: '/api/v1/pods?labelSelector=a%3Db',
    });
    expect(parseClusterPath('/clusters/embedded?x=1')?.rest).toBe('/?x=1');
    expect(parseClusterPath('/clusters/embedded')?.rest).toBe('/');
  });

  it('accepts an id as sent, or encoded once more as a path segment', () => {
    expect(parseClusterPath('/clusters/context:a%20b/api')?.candidates).toEqual([
      'context:a%20b',
      'context:a b',
    ]);
    expect(parseClusterPath('/clusters/context%3Aa%2520b/api')?.candidates).toContain('context:a%20b');
    expect(parseClusterPath('/clusters/%E0%A4%A/api')?.candidates).toEqual(['%E0%A4%A']);
  });

  it('is not a cluster path without an id', () => {
    expect(parseClusterPath('/clusters/')).toBeUndefined();
    expect(parseClusterPath('/clusters')).toBeUndefined();
    expect(parseClusterPath('/app/x')).toBeUndefined();
  });
});

describe('upstreamPath', () => {
  it('keeps the server’s path prefix', () => {
    expect(upstreamPath(new URL('https://h:6443'), '/api?x=1')).toBe('/api?x=1');
    expect(upstreamPath(new URL('https://h/k8s/clusters/c-1/'), '/api')).toBe('/k8s/clusters/c-1/api');
  });
});
