import { describe, expect, it } from 'vitest';
import { baseDefinitions } from '../../../embedded-cluster/api/openapi/schema.js';
import {
  ADDED_DEFINITIONS,
  ADDED_FIELDS,
  definitionsV132,
} from '../../../embedded-cluster/api/openapi/v1.32-additions.js';

describe('v1.32 definitions', () => {
  const defs = definitionsV132();
  const prop = (def: string, field: string) => defs[def]?.properties?.[field];

  it('has the fields Kubernetes added up to v1.32', () => {
    expect(prop('io.k8s.api.batch.v1.JobSpec', 'podReplacementPolicy')?.type).toBe('string');
    expect(prop('io.k8s.api.batch.v1.JobSpec', 'backoffLimitPerIndex')).toMatchObject({
      type: 'integer',
      format: 'int32',
    });
    expect(prop('io.k8s.api.batch.v1.JobSpec', 'maxFailedIndexes')).toBeDefined();
    expect(prop('io.k8s.api.batch.v1.JobSpec', 'managedBy')?.type).toBe('string');
    expect(prop('io.k8s.api.batch.v1.JobSpec', 'successPolicy')?.$ref).toBe(
      '#/definitions/io.k8s.api.batch.v1.SuccessPolicy',
    );
    expect(prop('io.k8s.api.core.v1.Container', 'restartPolicy')?.description).toMatch(/sidecar/);
    expect(prop('io.k8s.api.core.v1.Container', 'resizePolicy')).toMatchObject({
      'x-kubernetes-list-type': 'atomic',
    });
    expect(prop('io.k8s.api.core.v1.LifecycleHandler', 'sleep')?.$ref).toBe(
      '#/definitions/io.k8s.api.core.v1.SleepAction',
    );
    expect(defs['io.k8s.api.core.v1.SleepAction']?.required).toEqual(['seconds']);
    expect(prop('io.k8s.api.core.v1.SecurityContext', 'appArmorProfile')).toBeDefined();
    expect(prop('io.k8s.api.core.v1.PodStatus', 'hostIPs')).toMatchObject({
      'x-kubernetes-patch-merge-key': 'ip',
    });
    expect(prop('io.k8s.api.core.v1.PodStatus', 'resourceClaimStatuses')).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(prop('io.k8s.api.core.v1.ServiceSpec', 'trafficDistribution')).toBeDefined();
    expect(prop('io.k8s.api.core.v1.LoadBalancerIngress', 'ipMode')).toBeDefined();
    expect(prop('io.k8s.api.apps.v1.StatefulSetSpec', 'ordinals')).toBeDefined();
  });

  it('drops removed fields and types, and applies changed ones', () => {
    expect(prop('io.k8s.api.networking.v1.NetworkPolicy', 'status')).toBeUndefined();
    expect(prop('io.k8s.api.core.v1.PodResourceClaim', 'source')).toBeUndefined();
    expect(defs['io.k8s.api.core.v1.ClaimSource']).toBeUndefined();
    expect(prop('io.k8s.api.core.v1.PersistentVolumeClaimSpec', 'resources')?.$ref).toBe(
      '#/definitions/io.k8s.api.core.v1.VolumeResourceRequirements',
    );
    expect(prop('io.k8s.api.core.v1.PodSpec', 'containers')).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(
      prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers')?.['x-kubernetes-list-type'],
    ).toBe('set');
  });

  it('leaves the vendored v1.26.2 definitions untouched', () => {
    expect(baseDefinitions['io.k8s.api.batch.v1.JobSpec']?.properties?.podReplacementPolicy).toBeUndefined();
    expect(baseDefinitions['io.k8s.api.core.v1.ClaimSource']).toBeDefined();
  });

  it('has no dangling $ref and a description on every added field', () => {
    const json = JSON.stringify(defs);
    const missing = [...json.matchAll(/"#\/definitions\/([^"]+)"/g)]
      .map((m) => m[1] as string)
      .filter((n) => !defs[n]);
    expect(missing).toEqual([]);
    for (const f of ADDED_FIELDS) expect(f.schema.description, `${f.definition}.${f.field}`).toBeTruthy();
    for (const [name, d] of Object.entries(ADDED_DEFINITIONS))
      expect(d.schema.description, name).toBeTruthy();
  });
});
