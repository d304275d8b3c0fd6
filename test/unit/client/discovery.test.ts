import { describe, expect, it } from 'vitest';
import {
  discoveryFailureMessage,
  parseGroupVersion,
  ResourceMapper,
  type ApiResource,
} from '../../../embedded-cluster/client/discovery.js';

const served = (group: string, version: string, kind: string, preferred: boolean): ApiResource => ({
  group,
  version,
  resource: `${kind.toLowerCase()}s`,
  kind,
  namespaced: true,
  verbs: ['list', 'watch', 'delete'],
  preferred,
});

describe('discovery helpers', () => {
  it('parses group versions as schema.ParseGroupVersion does', () => {
    expect(parseGroupVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(parseGroupVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(parseGroupVersion('a/b/c')).toBeUndefined();
    expect(parseGroupVersion('')).toBeUndefined();
  });

  it('maps an owner reference to its resource, falling back to the preferred version', () => {
    const mapper = new ResourceMapper([
      served('example.com', 'v1', 'Widget', true),
      served('example.com', 'v1beta1', 'Widget', false),
      served('', 'v1', 'Pod', true),
    ]);
    expect(mapper.forKind('example.com/v1beta1', 'Widget')?.version).toBe('v1beta1');
    expect(mapper.forKind('example.com/v2', 'Widget')?.version).toBe('v1');
    expect(mapper.forKind('v1', 'Pod')?.resource).toBe('pods');
    expect(mapper.forKind('v1', 'Gadget')).toBeUndefined();
  });

  it('words failed groups as client-go does', () => {
    expect(discoveryFailureMessage(new Map([['metrics.k8s.io/v1beta1', 'unavailable']]))).toBe(
      'unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: unavailable',
    );
  });
});
