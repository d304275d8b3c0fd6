import { describe, expect, it } from 'vitest';
import {
  crdDefinitionName,
  crdDefinitions,
  crdResourceTypes,
} from '../../../embedded-cluster/api/openapi/crd-schemas.js';
import { cronTabCrd } from './openapi-fixtures.js';

describe('CRD schemas', () => {
  it('names definitions by reversed group and publishes served versions only', () => {
    expect(crdDefinitionName('stable.example.com', 'v1', 'CronTab')).toBe('com.example.stable.v1.CronTab');
    const defs = crdDefinitions(cronTabCrd());
    expect(Object.keys(defs).sort()).toEqual([
      'com.example.stable.v1.CronTab',
      'com.example.stable.v1.CronTabList',
    ]);
    const kind = defs['com.example.stable.v1.CronTab'];
    expect(kind?.['x-kubernetes-group-version-kind']).toEqual([
      { group: 'stable.example.com', kind: 'CronTab', version: 'v1' },
    ]);
    expect(kind?.properties?.metadata?.$ref).toBe(
      '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    );
    expect(kind?.properties?.apiVersion?.type).toBe('string');
    expect(kind?.properties?.spec?.properties?.template?.['x-kubernetes-preserve-unknown-fields']).toBe(true);
    const list = defs['com.example.stable.v1.CronTabList'];
    expect(list?.properties?.items?.items?.$ref).toBe('#/definitions/com.example.stable.v1.CronTab');
    expect(list?.['x-kubernetes-group-version-kind']).toEqual([
      { group: 'stable.example.com', kind: 'CronTabList', version: 'v1' },
    ]);
  });

  it('yields resource types from names, scope and subresources', () => {
    expect(crdResourceTypes(cronTabCrd())).toEqual([
      expect.objectContaining({
        group: 'stable.example.com',
        version: 'v1',
        kind: 'CronTab',
        resource: 'crontabs',
        singular: 'crontab',
        namespaced: true,
        shortNames: ['ct'],
        categories: ['all'],
        subresources: ['status', 'scale'],
        definition: 'com.example.stable.v1.CronTab',
        crd: 'crontabs.stable.example.com',
      }),
    ]);
  });

  it('rejects what is not a CRD', () => {
    expect(() => crdDefinitions({ spec: {} })).toThrow(TypeError);
  });
});
