import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  ensureObj,
  forbidden,
  GoSyntax,
  index,
  invalid,
  isCIDR,
  isDNS1123Subdomain,
  isIP,
  isValidCIDR,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  key,
  nameIsDNS1035Label,
  nameIsDNSSubdomain,
  notSupported,
  num,
  obj,
  objs,
  required,
  str,
  validateImmutable,
  validateLabelSelector,
  type Obj,
} from '../validation/index.js';
import { defineKind } from './common.js';
import { PORT_PROTOCOLS } from './container-validation.js';

/** Ingresses, IngressClasses and NetworkPolicies (networking.k8s.io/v1, pkg/apis/networking/validation). */

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

function validateBackend(backend: Obj, fldPath: string): FieldProblem[] {
  const resource = obj(backend.resource);
  const service = obj(backend.service);
  if (resource && service) return [invalid(fldPath, '', 'cannot set both resource and service backends')];
  const out: FieldProblem[] = [];
  if (resource) {
    const p = child(fldPath, 'resource');
    if (!str(resource.kind)) out.push(required(child(p, 'kind')));
    if (!str(resource.name)) out.push(required(child(p, 'name')));
    const group = str(resource.apiGroup);
    if (!group) out.push(required(child(p, 'apiGroup')));
    else for (const m of isDNS1123Subdomain(group)) out.push(invalid(child(p, 'apiGroup'), group, m));
    return out;
  }
  if (service) {
    const name = str(service.name);
    if (!name) out.push(required(child(fldPath, 'service', 'name')));
    else
      for (const m of nameIsDNS1035Label(name, false))
        out.push(invalid(child(fldPath, 'service', 'name'), name, m));
    const port = obj(service.port) ?? {};
    const portName = str(port.name);
    const portNumber = num(port.number) ?? 0;
    if (portName && portNumber) out.push(invalid(fldPath, '', 'cannot set both port name & port number'));
    else if (portName)
      for (const m of isValidPortName(portName))
        out.push(invalid(child(fldPath, 'service', 'port', 'name'), portName, m));
    else if (portNumber)
      for (const m of isValidPortNum(portNumber))
        out.push(invalid(child(fldPath, 'service', 'port', 'number'), portNumber, m));
    else out.push(required(fldPath, 'port name or number is required'));
    return out;
  }
  return [invalid(fldPath, '', 'resource or service backend is required')];
}

function validateIngressPath(path: Obj, fldPath: string): FieldProblem[] {
  if (path.pathType == null) return [required(child(fldPath, 'pathType'), 'pathType must be specified')];
  const out: FieldProblem[] = [];
  const p = str(path.path);
  const pathType = str(path.pathType);
  switch (pathType) {
    case 'Exact':
    case 'Prefix':
      if (!p.startsWith('/')) out.push(invalid(child(fldPath, 'path'), p, 'must be an absolute path'));
      if (p) {
        for (const seq of INVALID_PATH_SEQUENCES)
          if (p.includes(seq)) out.push(invalid(child(fldPath, 'path'), p, `must not contain '${seq}'`));
        for (const suf of INVALID_PATH_SUFFIXES)
          if (p.endsWith(suf)) out.push(invalid(child(fldPath, 'path'), p, `cannot end with '${suf}'`));
      }
      break;
    case 'ImplementationSpecific':
      if (p && !p.startsWith('/')) out.push(invalid(child(fldPath, 'path'), p, 'must be an absolute path'));
      break;
    default:
      out.push(notSupported(child(fldPath, 'pathType'), pathType, PATH_TYPES));
  }
  out.push(...validateBackend(obj(path.backend) ?? {}, child(fldPath, 'backend')));
  return out;
}

function validateHost(host: string, fldPath: string): FieldProblem[] {
  if (host.includes('*')) return isWildcardDNS1123Subdomain(host).map((m) => invalid(fldPath, host, m));
  return isDNS1123Subdomain(host).map((m) => invalid(fldPath, host, m));
}

function validateIngressSpec(spec: Obj): FieldProblem[] {
  const out: FieldProblem[] = [];
  const rules = objs(spec.rules);
  const defaultBackend = obj(spec.defaultBackend);
  if (rules.length === 0 && !defaultBackend)
    out.push(
      invalid(
        'spec',
        new GoSyntax(
          Array.isArray(spec.rules) ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)',
        ),
        'either `defaultBackend` or `rules` must be specified',
      ),
    );
  if (defaultBackend) out.push(...validateBackend(defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const p = index('spec.rules', i);
    const host = str(rule.host);
    if (host) {
      if (isIP(host)) out.push(invalid(child(p, 'host'), host, 'must be a DNS name, not an IP address'));
      out.push(...validateHost(host, child(p, 'host')));
    }
    const http = obj(rule.http);
    if (http) {
      const paths = objs(http.paths);
      if (paths.length === 0) out.push(required(child(p, 'http', 'paths')));
      paths.forEach((path, j) => out.push(...validateIngressPath(path, index(child(p, 'http', 'paths'), j))));
    }
  });
  objs(spec.tls).forEach((tls, i) => {
    const p = index('spec.tls', i);
    arr(tls.hosts).forEach((h, j) => out.push(...validateHost(str(h), index(child(p, 'hosts'), j))));
    const secret = str(tls.secretName);
    if (secret)
      for (const m of nameIsDNSSubdomain(secret, false)) out.push(invalid(child(p, 'secretName'), secret, m));
  });
  if (typeof spec.ingressClassName === 'string')
    for (const m of nameIsDNSSubdomain(spec.ingressClassName, false))
      out.push(invalid('spec.ingressClassName', spec.ingressClassName, m));
  return out;
}

const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export const ingressStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  hasStatus: true,
  validate: (ing) => {
    const out = validateIngressSpec(obj(ing.spec) ?? {});
    const annotations = obj(obj(ing.metadata)?.annotations) ?? {};
    const className = obj(ing.spec)?.ingressClassName;
    if (
      INGRESS_CLASS_ANNOTATION in annotations &&
      typeof className === 'string' &&
      annotations[INGRESS_CLASS_ANNOTATION] !== className
    )
      out.push(
        invalid(
          key('annotations', INGRESS_CLASS_ANNOTATION),
          str(annotations[INGRESS_CLASS_ANNOTATION]),
          'must match `ingressClassName` when both are specified',
        ),
      );
    return out;
  },
  revalidate: (ing) => validateIngressSpec(obj(ing.spec) ?? {}),
});

function validateIngressClassSpec(spec: Obj): FieldProblem[] {
  const out: FieldProblem[] = [];
  const controller = str(spec.controller);
  if (controller.length > 250)
    out.push({ type: 'TooLong', field: 'spec.controller', detail: 'must have at most 250 bytes' });
  if (!controller) out.push(required('spec.controller'));
  else {
    const slash = controller.indexOf('/');
    if (slash <= 0 || slash === controller.length - 1)
      out.push(
        invalid('spec.controller', controller, 'must be a domain-prefixed path (such as "acme.io/foo")'),
      );
    else {
      const host = controller.slice(0, slash);
      for (const m of isDNS1123Subdomain(host)) out.push(invalid('spec.controller', host, m));
      const rest = controller.slice(slash + 1);
      if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(rest))
        out.push(
          invalid(
            'spec.controller',
            rest,
            "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')",
          ),
        );
    }
  }
  const params = obj(spec.parameters);
  if (params) {
    if (!str(params.kind)) out.push(required('spec.parameters.kind'));
    if (!str(params.name)) out.push(required('spec.parameters.name'));
    const scope = params.scope;
    if (scope != null && scope !== 'Cluster' && scope !== 'Namespace')
      out.push(notSupported('spec.parameters.scope', str(scope), ['Cluster', 'Namespace']));
  }
  return out;
}

export const ingressClassStrategy = defineKind({
  namespaced: false,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  validate: (ic) => validateIngressClassSpec(obj(ic.spec) ?? {}),
  validateUpdate: (ic, old) =>
    validateImmutable(str(obj(ic.spec)?.controller), str(obj(old.spec)?.controller), 'spec.controller'),
});

// NetworkPolicies -----------------------------------------------------------

function defaultNetworkPolicy(np: Obj): void {
  const spec = ensureObj(np, 'spec');
  if (spec.podSelector == null) spec.podSelector = {};
  for (const list of ['ingress', 'egress'])
    for (const rule of objs(spec[list]))
      for (const port of objs(rule.ports)) if (port.protocol == null) port.protocol = 'TCP';
  if (arr(spec.policyTypes).length === 0)
    spec.policyTypes = arr(spec.egress).length ? ['Ingress', 'Egress'] : ['Ingress'];
}

function validatePolicyPort(port: Obj, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (port.protocol != null && !PORT_PROTOCOLS.includes(str(port.protocol)))
    out.push(notSupported(child(fldPath, 'protocol'), str(port.protocol), ['TCP', 'UDP', 'SCTP']));
  const endPort = num(port.endPort);
  if (port.port != null) {
    if (typeof port.port === 'number') {
      for (const m of isValidPortNum(port.port)) out.push(invalid(child(fldPath, 'port'), port.port, m));
      if (endPort !== undefined) {
        if (endPort < port.port)
          out.push(invalid(child(fldPath, 'endPort'), port.port, 'must be greater than or equal to `port`'));
        for (const m of isValidPortNum(endPort)) out.push(invalid(child(fldPath, 'endPort'), endPort, m));
      }
    } else {
      if (endPort !== undefined)
        out.push(
          invalid(child(fldPath, 'endPort'), endPort, 'may not be specified when `port` is non-numeric'),
        );
      for (const m of isValidPortName(str(port.port)))
        out.push(invalid(child(fldPath, 'port'), str(port.port), m));
    }
  } else if (endPort !== undefined) {
    out.push(
      invalid(child(fldPath, 'endPort'), endPort, 'may not be specified when `port` is not specified'),
    );
  }
  return out;
}

function cidrContains(cidr: string, inner: string): boolean {
  const [ip, bits] = cidr.split('/') as [string, string];
  const [innerIP, innerBits] = inner.split('/') as [string, string];
  if (Number(bits) >= Number(innerBits)) return false;
  const toBits = (a: string) =>
    a.includes(':')
      ? ''
      : a
          .split('.')
          .map((o) => Number(o).toString(2).padStart(8, '0'))
          .join('');
  const a = toBits(ip);
  const b = toBits(innerIP);
  if (!a || !b) return ip.includes(':') === innerIP.includes(':');
  return a.slice(0, Number(bits)) === b.slice(0, Number(bits));
}

function validatePeer(peer: Obj, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  let peers = 0;
  if (peer.podSelector != null) {
    peers++;
    out.push(...validateLabelSelector(peer.podSelector, child(fldPath, 'podSelector')));
  }
  if (peer.namespaceSelector != null) {
    peers++;
    out.push(...validateLabelSelector(peer.namespaceSelector, child(fldPath, 'namespaceSelector')));
  }
  const ipBlock = obj(peer.ipBlock);
  if (ipBlock) {
    peers++;
    const p = child(fldPath, 'ipBlock');
    const cidr = str(ipBlock.cidr);
    if (!cidr) out.push(required(child(p, 'cidr')));
    else {
      out.push(...isValidCIDR(child(p, 'cidr'), cidr));
      if (isCIDR(cidr))
        arr(ipBlock.except).forEach((e, i) => {
          const ex = str(e);
          const ep = index(child(p, 'except'), i);
          const errs = isValidCIDR(ep, ex);
          out.push(...errs);
          if (!errs.length && !cidrContains(cidr, ex))
            out.push(invalid(ep, ex, 'must be a strict subset of `cidr`'));
        });
    }
  }
  if (peers === 0) out.push(required(fldPath, 'must specify a peer'));
  else if (peers > 1 && ipBlock)
    out.push(forbidden(fldPath, 'may not specify both ipBlock and another peer'));
  return out;
}

function validateNetworkPolicySpec(spec: Obj): FieldProblem[] {
  const out: FieldProblem[] = [];
  out.push(...validateLabelSelector(spec.podSelector ?? {}, 'spec.podSelector'));
  for (const [list, peersField] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const)
    objs(spec[list]).forEach((rule, i) => {
      const p = index(`spec.${list}`, i);
      objs(rule.ports).forEach((port, j) =>
        out.push(...validatePolicyPort(port, index(child(p, 'ports'), j))),
      );
      objs(rule[peersField]).forEach((peer, j) =>
        out.push(...validatePeer(peer, index(child(p, peersField), j))),
      );
    });
  const types = arr(spec.policyTypes).map(str);
  if (types.length > 2)
    return [...out, invalid('spec.policyTypes', types, 'may not specify more than two policyTypes')];
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress')
      out.push(notSupported(index('spec.policyTypes', i), t, ['Ingress', 'Egress']));
  });
  return out;
}

export const networkPolicyStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  default: defaultNetworkPolicy,
  validate: (np) => validateNetworkPolicySpec(obj(np.spec) ?? {}),
});
