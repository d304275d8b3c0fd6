import type { KubeObject } from '../api/object.js';
import type { ServerParts } from './handlers/endpoint.js';
import { prepareMetaForCreate } from './registry/object-meta.js';

/** Namespaces every Kubernetes cluster starts with (kube-apiserver's system namespaces controller). */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Create what a fresh cluster has before anyone asks: the system namespaces. */
export async function bootstrap(parts: ServerParts): Promise<void> {
  const namespaces = parts.resources().find((r) => r.group === '' && r.resource === 'namespaces')!;
  for (const name of SYSTEM_NAMESPACES) {
    if (await parts.registry.current(namespaces, undefined, name)) continue;
    const ns: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    prepareMetaForCreate(ns, parts.clock.now(), false);
    try {
      await parts.registry.create(namespaces, ns, { dryRun: false });
    } catch (error) {
      // Another server on the same store (etcd) may have created it first.
      if ((error as { code?: number }).code !== 409) throw error;
    }
  }
}
