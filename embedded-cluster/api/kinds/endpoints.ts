import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  index,
  invalid,
  isValidIP,
  isValidPortNum,
  nameIsDNSSubdomain,
  notSupported,
  num,
  objs,
  required,
  str,
  validateNonSpecialIP,
  type Obj,
} from '../validation/index.js';
import { defineKind } from './common.js';
import { PORT_PROTOCOLS } from './container-validation.js';
import { validateDNS1123Label, validateQualifiedName } from './volume-validation.js';

/** Endpoints (core/v1): SetDefaults_Endpoints (TCP ports) and ValidateEndpoints. */

function defaultEndpoints(ep: Obj): void {
  for (const ss of objs(ep.subsets)) for (const p of objs(ss.ports)) if (!str(p.protocol)) p.protocol = 'TCP';
}

function validateEndpoints(ep: Obj): FieldProblem[] {
  const out: FieldProblem[] = [];
  objs(ep.subsets).forEach((ss, i) => {
    const p = index('subsets', i);
    if (arr(ss.addresses).length === 0 && arr(ss.notReadyAddresses).length === 0)
      out.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    for (const list of ['addresses', 'notReadyAddresses'])
      objs(ss[list]).forEach((addr, j) => {
        const ap = index(child(p, list), j);
        out.push(...isValidIP(child(ap, 'ip'), str(addr.ip)));
        if (str(addr.hostname)) out.push(...validateDNS1123Label(str(addr.hostname), child(ap, 'hostname')));
        if (typeof addr.nodeName === 'string')
          for (const m of nameIsDNSSubdomain(addr.nodeName, false))
            out.push(invalid(child(ap, 'nodeName'), addr.nodeName, m));
        out.push(...validateNonSpecialIP(str(addr.ip), child(ap, 'ip')));
      });
    const ports = objs(ss.ports);
    ports.forEach((port, j) => {
      const pp = index(child(p, 'ports'), j);
      const name = str(port.name);
      if (ports.length > 1 && !name) out.push(required(child(pp, 'name')));
      else if (name) out.push(...validateDNS1123Label(name, child(pp, 'name')));
      const n = num(port.port) ?? 0;
      for (const m of isValidPortNum(n)) out.push(invalid(child(pp, 'port'), n, m));
      const protocol = str(port.protocol);
      if (!protocol) out.push(required(child(pp, 'protocol')));
      else if (!PORT_PROTOCOLS.includes(protocol))
        out.push(notSupported(child(pp, 'protocol'), protocol, PORT_PROTOCOLS));
      if (typeof port.appProtocol === 'string')
        out.push(...validateQualifiedName(port.appProtocol, child(pp, 'appProtocol')));
    });
  });
  return out;
}

export const endpointsStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  default: defaultEndpoints,
  validate: validateEndpoints,
});
