import type { ResourceType } from '../../api/catalog.js';
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { decodeObject } from '../registry/object-codec.js';
import type { Registry } from '../registry/registry.js';

/**
 * The NamespaceLifecycle admission plugin: no new objects in a namespace
 * that does not exist or is being deleted
 * (plugin/pkg/admission/namespace/lifecycle).
 */
export async function namespaceLifecycle(
  registry: Registry,
  namespaces: ResourceType,
  type: ResourceType,
  obj: KubeObject,
): Promise<void> {
  if (!type.namespaced) return;
  const name = obj.metadata.namespace!;
  const kv = await registry.current(namespaces, undefined, name);
  if (!kv) throw errors.notFound({ group: '', resource: 'namespaces' }, name);
  if (decodeObject(kv).metadata.deletionTimestamp) {
    const why = `unable to create new content in namespace ${name} because it is being terminated`;
    const error = errors.forbidden(type, obj.metadata.name ?? '', why);
    // Controllers recognise this refusal by its cause (apierrors.HasStatusCause NamespaceTerminating).
    error.status.details = {
      ...error.status.details,
      causes: [{ reason: 'NamespaceTerminating', message: why, field: 'metadata.namespace' }],
    };
    throw error;
  }
}
