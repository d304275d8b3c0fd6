import type { ComponentContext } from '../client/index.js';

/** What every controller is built from: the shared component context plus cluster facts. */
export interface ControllerContext extends ComponentContext {
  /** The cluster's data directory (the hostPath provisioner keeps volumes under it). */
  dataDir: string;
  /** PEM of the cluster CA, published as the `kube-root-ca.crt` ConfigMap in every namespace. */
  caCert: string;
}
