import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1.js';
import { resourceRef } from '../client/index.js';

/** The networking.k8s.io/v1 resources the controller reads and writes (not in client/'s list). */
export const ingresses = resourceRef<Ingress>('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true);
export const ingressClasses = resourceRef<IngressClass>(
  'networking.k8s.io',
  'v1',
  'ingressclasses',
  'IngressClass',
  false,
);
