import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1.js';

/** The name of the IngressClass this controller creates and serves. */
export const CLASS_NAME = 'kubedesk';
/** `spec.controller` of the IngressClasses this controller serves. */
export const CONTROLLER_NAME = 'kubedesk.dev/ingress';
/** Marks the class Ingresses without one get (https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class). */
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The class as Ingresses named it before `spec.ingressClassName` (deprecated, still honoured). */
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** The IngressClass `kubedesk`, marked as the cluster's default, as ensured at start. */
export function defaultIngressClass(): IngressClass {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name: CLASS_NAME,
      annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' },
      labels: { 'app.kubernetes.io/managed-by': 'kubedesk' },
    },
    spec: { controller: CONTROLLER_NAME },
  };
}

/** Whether a class is marked as the cluster's default (the annotation must be exactly "true"). */
export function isDefaultClass(ingressClass: IngressClass): boolean {
  return ingressClass.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
}

/**
 * Whether this controller serves `ingress`, given every IngressClass in the cluster: its class
 * (`spec.ingressClassName`, else the legacy annotation) is one whose controller is ours, or it
 * names no class and one of ours is the default. Kubernetes' DefaultIngressClass admission would
 * have filled the name in at creation; an Ingress made before the class existed has none, and
 * ingress-nginx serves those too when its class is the default.
 */
export function isServed(ingress: Ingress, classes: readonly IngressClass[]): boolean {
  const ours = classes.filter((c) => c.spec?.controller === CONTROLLER_NAME);
  const named = ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (named !== undefined && named !== '') return ours.some((c) => c.metadata?.name === named);
  return ours.some(isDefaultClass);
}
