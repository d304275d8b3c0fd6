import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ResourceType } from '../../api/catalog.js';
import { errors } from '../../api/errors.js';
import { admitPod, type PriorityClassInfo, type ServiceAccountInfo } from '../../api/kinds/index.js';
import type { KubeObject } from '../../api/object.js';
import { decodeObject } from '../registry/object-codec.js';
import type { Registry } from '../registry/registry.js';

interface StoredPriorityClass extends PriorityClassInfo {
  metadata: { name: string };
}

/**
 * The admission plugins that change a new pod (ServiceAccount, Priority,
 * DefaultTolerationSeconds; see api/kinds/pod-admission.ts), fed with the
 * ServiceAccount and PriorityClasses they look up.
 */
export async function admitNewPod(
  registry: Registry,
  types: { serviceAccounts: ResourceType; priorityClasses: ResourceType },
  pod: KubeObject,
): Promise<void> {
  const spec = (pod.spec ?? {}) as { serviceAccountName?: string; serviceAccount?: string };
  const saName = spec.serviceAccountName || spec.serviceAccount || 'default';
  const saKv = await registry.current(types.serviceAccounts, pod.metadata.namespace, saName);
  const sa = saKv ? (decodeObject(saKv) as ServiceAccountInfo) : undefined;
  const classes = (await registry.list(types.priorityClasses, undefined))
    .items as unknown as StoredPriorityClass[];
  const info = (c: StoredPriorityClass): PriorityClassInfo => ({
    name: c.metadata.name,
    value: c.value,
    ...(c.preemptionPolicy ? { preemptionPolicy: c.preemptionPolicy } : {}),
    ...(c.globalDefault ? { globalDefault: true } : {}),
  });
  const found = (match: (c: StoredPriorityClass) => boolean) => {
    const c = classes.find(match);
    return c ? info(c) : undefined;
  };
  const result = admitPod(pod as unknown as Pod, {
    // Until the ServiceAccount controller creates each namespace's `default`
    // account (issue 5), a missing `default` is taken as an empty one.
    serviceAccount: (_namespace, name) => sa ?? (name === 'default' ? {} : undefined),
    priorityClass: (name) => found((c) => c.metadata.name === name),
    defaultPriorityClass: () => found((c) => c.globalDefault === true),
  });
  if (!result.allowed) {
    throw errors.forbidden({ group: '', resource: 'pods' }, pod.metadata.name ?? '', result.message);
  }
}
