/**
 * The read-only YAML of a live object, as `kubectl get -o yaml` prints it but with
 * `metadata.managedFields` folded away by default: server-side apply's bookkeeping is usually
 * longer than the object and rarely what a user came to read.
 */
import { stringify } from 'yaml';
import type { KubeObject } from '../../kube/index.js';

export interface ObjectYaml {
  text: string;
  /** How many managedFields entries were left out (0 when shown or none). */
  hiddenManagedFields: number;
}

export function objectYaml(object: KubeObject, options: { managedFields?: boolean } = {}): ObjectYaml {
  const managed = object.metadata.managedFields;
  const count = Array.isArray(managed) ? managed.length : 0;
  let shown: KubeObject = object;
  if (!options.managedFields && count > 0) {
    const { managedFields: _hidden, ...metadata } = object.metadata;
    shown = { ...object, metadata };
  }
  // YAML 1.1 as kubectl reads it, so strings like "on" or "0660" come out quoted.
  const text = stringify(shown, { version: '1.1', lineWidth: 0 });
  return { text, hiddenManagedFields: options.managedFields ? 0 : count };
}
