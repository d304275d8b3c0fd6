import type { FieldProblem } from '../catalog.js';
import {
  arr,
  ensureObj,
  invalid,
  isQualifiedName,
  nameIsDNSLabel,
  str,
  validateKubeFinalizerName,
  type Obj,
} from '../validation/index.js';
import { defineKind, metaOf } from './common.js';

/**
 * Namespaces (core/v1): SetDefaults_Namespace (the `kubernetes.io/metadata.name`
 * label), the strategy's `kubernetes` finalizer and Active phase, ValidateNamespace.
 */

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function defaultNamespace(ns: Obj): void {
  const meta = metaOf(ns);
  const name = str(meta.name);
  if (name) ensureObj(meta, 'labels')[NAMESPACE_NAME_LABEL] = name;
  const status = ensureObj(ns, 'status');
  if (!str(status.phase)) status.phase = 'Active';
}

function prepareNamespace(ns: Obj): void {
  const spec = ensureObj(ns, 'spec');
  const finalizers = arr(spec.finalizers);
  if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
  // A name generated from generateName is known only now: label it as the defaulter would have.
  defaultNamespace(ns);
}

function validateNamespaceSpec(ns: Obj): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const f of arr(ensureObj(ns, 'spec').finalizers)) {
    const name = str(f);
    for (const m of isQualifiedName(name)) out.push(invalid('spec.finalizers', name, m));
    out.push(...validateKubeFinalizerName(name, 'spec.finalizers'));
  }
  return out;
}

export const namespaceStrategy = defineKind({
  namespaced: false,
  nameFn: nameIsDNSLabel,
  hasStatus: true,
  initialStatus: () => ({ phase: 'Active' }),
  default: defaultNamespace,
  prepareForCreate: prepareNamespace,
  // Finalizers change only through the `finalize` subresource.
  prepareForUpdate: (ns, old) => {
    const spec = ensureObj(ns, 'spec');
    const oldSpec = ensureObj(old, 'spec');
    if (oldSpec.finalizers === undefined) delete spec.finalizers;
    else spec.finalizers = structuredClone(oldSpec.finalizers);
  },
  validate: validateNamespaceSpec,
  revalidateOnUpdate: false,
});
