import { describe, expect, it } from 'vitest';
import { crdDefinitions } from '../../../embedded-cluster/api/openapi/crd-schemas.js';
import { definitionFor, unknownFields } from '../../../embedded-cluster/api/openapi/schema-index.js';
import { definitionsV132 } from '../../../embedded-cluster/api/openapi/v1.32-additions.js';
import { cronTabCrd } from './openapi-fixtures.js';

describe('schema index', () => {
  const defs = definitionsV132();

  it('finds the definition of a group/version/kind', () => {
    expect(definitionFor('apps', 'v1', 'Deployment', defs)).toBe('io.k8s.api.apps.v1.Deployment');
    expect(definitionFor('', 'v1', 'Pod', defs)).toBe('io.k8s.api.core.v1.Pod');
    expect(definitionFor('', 'v1', 'DeleteOptions', defs)).toBe(
      'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
    );
    expect(definitionFor('extensions', 'v1beta1', 'Deployment', defs)).toBeUndefined();
  });

  it('reports nested unknown fields as the strict decoder does', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { any: 'thing' }, bogus: 1 },
      spec: {
        containers: [
          { name: 'a', image: 'x' },
          { name: 'b', image: 'y', foo: true, resources: { limits: { cpu: '1' } } },
        ],
        initContainers: [{ name: 'sidecar', image: 'z', restartPolicy: 'Always' }],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        extra: {},
      },
    };
    expect(unknownFields(pod, 'io.k8s.api.core.v1.Pod', defs)).toEqual([
      'metadata.bogus',
      'spec.containers[1].foo',
      'spec.extra',
    ]);
  });

  it('accepts anything under RawExtension, preserve-unknown-fields and int-or-string', () => {
    const revision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'r' },
      revision: 1,
      data: { any: { deep: 1 } },
    };
    expect(unknownFields(revision, 'io.k8s.api.apps.v1.ControllerRevision', defs)).toEqual([]);
    const crdDefs = { ...defs, ...crdDefinitions(cronTabCrd()) };
    const cronTab = {
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'c' },
      spec: {
        cronSpec: '* * * * */5',
        labels: { a: 'b' },
        template: { whatever: { x: 1 } },
        port: 80,
        nope: 1,
      },
    };
    expect(unknownFields(cronTab, 'com.example.stable.v1.CronTab', crdDefs)).toEqual(['spec.nope']);
  });

  it('walks maps of objects and CRD schemas inside a CRD', () => {
    const crd = cronTabCrd();
    expect(
      unknownFields(
        crd,
        'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
        defs,
      ),
    ).toEqual([]);
    const spec = crd.spec as { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] };
    (
      spec.versions[0] as { schema: { openAPIV3Schema: Record<string, unknown> } }
    ).schema.openAPIV3Schema.typo = 1;
    expect(
      unknownFields(
        crd,
        'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
        defs,
      ),
    ).toEqual(['spec.versions[0].schema.openAPIV3Schema.typo']);
  });
});
