/** Port-forwarding from the app (Node-only: runs in Electron main and in `kubedesk ui`). */
export { PortForwards, type PortForwardsOptions } from './port-forwards.js';
