import type { FieldProblem } from '../catalog.js';
import { invalid, isValidPortName, isValidPortNum } from '../validation/index.js';

/** Port protocols and IntOrString ports, shared by containers, probes, Services and NetworkPolicies. */

export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** `ValidatePortNumOrName` for an IntOrString port. */
export function validatePortNumOrName(port: unknown, fldPath: string): FieldProblem[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(fldPath, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(fldPath, port, m));
  return isValidPortNum(0).map((m) => invalid(fldPath, 0, m));
}
