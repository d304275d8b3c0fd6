import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

/**
 * Whether a toleration tolerates a taint (`Toleration.ToleratesTaint`,
 * staging/src/k8s.io/api/core/v1/toleration.go): same effect unless the toleration names none,
 * same key unless it names none (which, with `Exists`, tolerates everything), and for `Equal`
 * (the default operator) the same value. Shared by the scheduler, the DaemonSet controller and the
 * node lifecycle controller, as k8s.io/component-helpers shares it in Kubernetes.
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (toleration.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}
