/**
 * The ingress controller: serves the cluster's Ingresses of class `kubedesk` on 127.0.0.1 over
 * HTTP and HTTPS, forwarding straight to pod endpoints. See README.md.
 */
export { IngressController, type IngressControllerOptions } from './ingress-controller.js';
export { CLASS_NAME, CONTROLLER_NAME } from './ingress-class.js';
