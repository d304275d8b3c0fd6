import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES } from '../../../../embedded-cluster/api/builtin-resources.js';
import { create } from './helpers.js';

/**
 * Every manifest of "Kubernetes in Action" whose apiVersion Kubedesk serves,
 * defaulted and validated: the verdicts are those of Kubernetes v1.32. The
 * manifests are parsed as YAML 1.1, as kubectl does (`defaultMode: 0660` is octal).
 */

const ROOT = new URL('../../../../../shared/conformance/kubernetes-in-action/', import.meta.url).pathname;

/** The manifests Kubernetes 1.32 rejects at validation, with its causes. */
const REJECTED: Record<string, string[]> = {
  // Extended resources cannot be overcommitted: a request needs an equal limit (since v1.10).
  'Chapter14/custom-resource-request-pod.yaml': [
    'spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources',
  ],
};

/** Documents whose apiVersion v1.32 no longer serves (the API server answers "no matches for kind"). */
const NOT_SERVED = [
  'Chapter04/cronjob.yaml batch/v1beta1 CronJob',
  'Chapter04/kubia-replicaset-matchexpressions.yaml apps/v1beta2 ReplicaSet',
  'Chapter04/kubia-replicaset.yaml apps/v1beta2 ReplicaSet',
  'Chapter04/ssd-monitor-daemonset.yaml apps/v1beta2 DaemonSet',
  'Chapter05/kubia-ingress-tls.yaml extensions/v1beta1 Ingress',
  'Chapter05/kubia-ingress.yaml extensions/v1beta1 Ingress',
  'Chapter09/kubia-deployment-and-service-v1.yaml apps/v1beta1 Deployment',
  'Chapter09/kubia-deployment-v2.yaml apps/v1beta1 Deployment',
  'Chapter09/kubia-deployment-v3-with-readinesscheck.yaml apps/v1beta1 Deployment',
  'Chapter09/kubia-deployment-v3.yaml apps/v1beta1 Deployment',
  'Chapter10/kubia-statefulset-peers.yaml apps/v1beta1 StatefulSet',
  'Chapter13/pod-security-policy.yaml extensions/v1beta1 PodSecurityPolicy',
  'Chapter13/psp-capabilities.yaml extensions/v1beta1 PodSecurityPolicy',
  'Chapter13/psp-must-run-as.yaml extensions/v1beta1 PodSecurityPolicy',
  'Chapter13/psp-privileged.yaml extensions/v1beta1 PodSecurityPolicy',
  'Chapter13/psp-volumes.yaml extensions/v1beta1 PodSecurityPolicy',
  'Chapter15/deployment-apps-v1beta2.yaml apps/v1beta2 Deployment',
  'Chapter15/deployment.yaml extensions/v1beta1 Deployment',
  'Chapter16/frontend-podaffinity-host.yaml extensions/v1beta1 Deployment',
  'Chapter16/frontend-podaffinity-preferred-host.yaml extensions/v1beta1 Deployment',
  'Chapter16/frontend-podaffinity-rack.yaml extensions/v1beta1 Deployment',
  'Chapter16/frontend-podantiaffinity-host.yaml extensions/v1beta1 Deployment',
  'Chapter16/preferred-deployment.yaml extensions/v1beta1 Deployment',
  'Chapter16/production-deployment.yaml extensions/v1beta1 Deployment',
  'Chapter17/replicaset-crashingpods.yaml extensions/v1beta1 ReplicaSet',
  'Chapter18/database-broker.yaml servicecatalog.k8s.io/v1alpha1 Broker',
  'Chapter18/database-instance.yaml servicecatalog.k8s.io/v1alpha1 Instance',
  'Chapter18/imaginary-kubia-website.yaml undefined Website',
  'Chapter18/k8s-site.yaml extensions.example.com/v1 Website',
  'Chapter18/kubia-website.yaml extensions.example.com/v1 Website',
  'Chapter18/my-postgres-db-binding.yaml servicecatalog.k8s.io/v1alpha1 Binding',
  'Chapter18/website-controller.yaml apps/v1beta1 Deployment',
  'Chapter18/website-crd.yaml apiextensions.k8s.io/v1beta1 CustomResourceDefinition',
];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.yaml') ? [p] : [];
  });
}

interface Doc {
  file: string;
  obj: Record<string, unknown> & { apiVersion?: string; kind: string };
}

const docs: Doc[] = walk(ROOT)
  .sort()
  .flatMap((path) => {
    const file = relative(ROOT, path);
    return parseAllDocuments(readFileSync(path, 'utf8'), { version: '1.1' })
      .map((d) => d.toJS() as Doc['obj'] | null)
      .filter((o): o is Doc['obj'] => !!o)
      .flatMap((o) => (o.kind === 'List' ? (o.items as Doc['obj'][]) : [o]))
      .map((obj) => ({ file, obj }));
  });

function servedType(obj: Doc['obj']) {
  const apiVersion = obj.apiVersion ?? '';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return BUILTIN_RESOURCES.find((r) => r.group === group && r.version === version && r.kind === obj.kind);
}

describe('the Kubernetes in Action manifests', () => {
  it('leaves to the API server exactly the documents with removed API versions', () => {
    const notServed = docs
      .filter((d) => !servedType(d.obj))
      .map((d) => `${d.file} ${d.obj.apiVersion} ${d.obj.kind}`);
    expect(notServed).toEqual(NOT_SERVED);
  });

  const served = docs.filter((d) => servedType(d.obj));
  it.each(served.map((d, i) => [`${d.file} (${d.obj.kind} #${i})`, d] as const))(
    '%s gets the v1.32 verdict',
    (_, d) => {
      const type = servedType(d.obj)!;
      const { problems } = create(type.group, d.obj, type.namespaced);
      expect(problems).toEqual(REJECTED[d.file] ?? []);
    },
  );

  it('reads an octal defaultMode as kubectl does', () => {
    const d = served.find((x) => x.file === 'Chapter07/fortune-pod-configmap-volume-defaultMode.yaml')!;
    const { obj } = create('', d.obj);
    const volumes = (obj.spec as { volumes: { configMap?: { defaultMode: number } }[] }).volumes;
    expect(volumes[1]!.configMap!.defaultMode).toBe(0o660);
  });
});
