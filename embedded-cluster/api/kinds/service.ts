import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  deepEqual,
  duplicate,
  ensureObj,
  forbidden,
  GoSyntax,
  index,
  invalid,
  isIPv6String,
  isValidCIDR,
  isValidIP,
  isValidPortNum,
  key,
  nameIsDNS1035Label,
  notSupported,
  num,
  obj,
  objs,
  required,
  str,
  validateLabels,
  validateNonSpecialIP,
  type Obj,
} from '../validation/index.js';
import { defineKind } from './common.js';
import { PORT_PROTOCOLS, validatePortNumOrName } from './container-validation.js';
import {
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateQualifiedName,
} from './volume-validation.js';

/**
 * Services (core/v1): SetDefaults_Service, the registry strategy's cluster-IP
 * normalisation and type-dependent field handling, and ValidateService /
 * ValidateServiceUpdate. Allocating cluster IPs and node ports is the API
 * server's allocator's work, not this module's; {@link validateNodePortRange}
 * gives it the message for a node port outside the range.
 */

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function externallyAccessible(spec: Obj): boolean {
  const type = str(spec.type);
  return (
    type === 'LoadBalancer' ||
    type === 'NodePort' ||
    (type === 'ClusterIP' && arr(spec.externalIPs).length > 0)
  );
}

function defaultService(svc: Obj): void {
  const spec = ensureObj(svc, 'spec');
  if (!str(spec.sessionAffinity)) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = obj(spec.sessionAffinityConfig);
    const clientIP = cfg && obj(cfg.clientIP);
    if (!clientIP || clientIP.timeoutSeconds == null)
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!str(spec.type)) spec.type = 'ClusterIP';
  for (const p of objs(spec.ports)) {
    if (!str(p.protocol)) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '')
      p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && !str(spec.externalTrafficPolicy)) spec.externalTrafficPolicy = 'Cluster';
  if (
    spec.internalTrafficPolicy == null &&
    ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(str(spec.type))
  )
    spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts == null) spec.allocateLoadBalancerNodePorts = true;
    for (const ing of objs(obj(obj(svc.status)?.loadBalancer)?.ingress))
      if (str(ing.ip) && ing.ipMode == null) ing.ipMode = 'VIP';
  }
}

function sameClusterIPs(a: Obj, b: Obj): boolean {
  return deepEqual(arr(a.clusterIPs), arr(b.clusterIPs));
}

/** normalizeClusterIPs: keep `clusterIP` and `clusterIPs` in step for clients that set only one. */
export function normalizeClusterIPs(spec: Obj, oldSpec?: Obj): void {
  if (!oldSpec) {
    if (str(spec.clusterIP) && arr(spec.clusterIPs).length === 0) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  if (
    arr(oldSpec.clusterIPs).length > 0 &&
    arr(spec.clusterIPs).length === 0 &&
    str(oldSpec.clusterIP) === str(spec.clusterIP)
  )
    spec.clusterIPs = oldSpec.clusterIPs;
  if (str(oldSpec.clusterIP) !== str(spec.clusterIP)) {
    if (str(oldSpec.clusterIP) && !str(spec.clusterIP)) {
      if (sameClusterIPs(oldSpec, spec)) delete spec.clusterIPs;
    } else if (sameClusterIPs(oldSpec, spec)) spec.clusterIPs = [spec.clusterIP];
  }
}

function needsClusterIP(spec: Obj): boolean {
  return str(spec.type) !== 'ExternalName';
}

function needsNodePort(spec: Obj): boolean {
  const type = str(spec.type);
  return type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

/** patchAllocatedValues: an update that omits allocated values (cluster IPs, node ports) keeps the old ones. */
export function patchAllocatedValues(spec: Obj, oldSpec: Obj): void {
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (!str(spec.clusterIP)) spec.clusterIP = oldSpec.clusterIP;
    if (arr(spec.clusterIPs).length === 0 && arr(oldSpec.clusterIPs).length > 0)
      spec.clusterIPs = oldSpec.clusterIPs;
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const oldPorts = objs(oldSpec.ports);
    for (const p of objs(spec.ports)) {
      if (num(p.nodePort)) continue;
      const match =
        oldPorts.find(
          (o) =>
            num(o.port) === num(p.port) && str(o.protocol) === str(p.protocol) && str(o.name) === str(p.name),
        ) ?? oldPorts.find((o) => num(o.port) === num(p.port) && str(o.protocol) === str(p.protocol));
      if (match && num(match.nodePort)) p.nodePort = match.nodePort;
    }
  }
  if (
    oldSpec.healthCheckNodePort &&
    !spec.healthCheckNodePort &&
    needsHealthCheck(spec) &&
    needsHealthCheck(oldSpec)
  )
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
}

function needsHealthCheck(spec: Obj): boolean {
  return str(spec.type) === 'LoadBalancer' && str(spec.externalTrafficPolicy) === 'Local';
}

/** dropTypeDependentFields: leaving a type drops the values it alone used, when the user left them unchanged. */
function dropTypeDependentFields(spec: Obj, oldSpec: Obj): void {
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (deepEqual(spec.clusterIPs, oldSpec.clusterIPs) || arr(spec.clusterIPs).length === 0) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (deepEqual(spec.ipFamilies, oldSpec.ipFamilies)) delete spec.ipFamilies;
    if (deepEqual(spec.ipFamilyPolicy, oldSpec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(oldSpec) && !needsNodePort(spec)) {
    const oldPorts = objs(oldSpec.ports);
    for (const p of objs(spec.ports))
      if (num(p.nodePort) && oldPorts.some((o) => num(o.nodePort) === num(p.nodePort))) delete p.nodePort;
  }
  if (
    needsHealthCheck(oldSpec) &&
    !needsHealthCheck(spec) &&
    spec.healthCheckNodePort === oldSpec.healthCheckNodePort
  )
    delete spec.healthCheckNodePort;
  if (str(oldSpec.type) === 'LoadBalancer' && str(spec.type) !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts)
      delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === oldSpec.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (
    externallyAccessible(oldSpec) &&
    !externallyAccessible(spec) &&
    spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy
  )
    delete spec.externalTrafficPolicy;
}

function isHeadless(spec: Obj): boolean {
  const ips = arr(spec.clusterIPs);
  return ips.length === 1 && ips[0] === 'None';
}

function validateServicePort(
  sp: Obj,
  requireName: boolean,
  names: Set<string>,
  fldPath: string,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const name = str(sp.name);
  if (requireName && !name) out.push(required(child(fldPath, 'name')));
  else if (name) {
    out.push(...validateDNS1123Label(name, child(fldPath, 'name')));
    if (names.has(name)) out.push(duplicate(child(fldPath, 'name'), name));
    else names.add(name);
  }
  const port = num(sp.port) ?? 0;
  for (const m of isValidPortNum(port)) out.push(invalid(child(fldPath, 'port'), port, m));
  const protocol = str(sp.protocol);
  if (!protocol) out.push(required(child(fldPath, 'protocol')));
  else if (!PORT_PROTOCOLS.includes(protocol))
    out.push(notSupported(child(fldPath, 'protocol'), protocol, PORT_PROTOCOLS));
  out.push(...validatePortNumOrName(sp.targetPort, child(fldPath, 'targetPort')));
  if (typeof sp.appProtocol === 'string')
    out.push(...validateQualifiedName(sp.appProtocol, child(fldPath, 'appProtocol')));
  return out;
}

function validateClusterIPsRelated(spec: Obj): FieldProblem[] {
  if (str(spec.type) === 'ExternalName') return [];
  const out: FieldProblem[] = [];
  const clusterIPs = arr(spec.clusterIPs).map(str);
  if (str(spec.clusterIP)) {
    if (clusterIPs.length === 0) out.push(required('spec.clusterIPs'));
    else if (clusterIPs[0] !== str(spec.clusterIP))
      out.push(invalid('spec.clusterIPs', clusterIPs, 'first value must match `clusterIP`'));
  } else if (clusterIPs.length) {
    out.push(invalid('spec.clusterIPs', clusterIPs, 'must be empty when `clusterIP` is not specified'));
  }
  const families = arr(spec.ipFamilies).map(str);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6')
      out.push(notSupported(index('spec.ipFamilies', i), f, ['IPv4', 'IPv6']));
    if (seen.has(f)) out.push(duplicate(index('spec.ipFamilies', i), f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy != null) {
    const p = str(spec.ipFamilyPolicy);
    const supported = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
    if (!supported.includes(p)) out.push(notSupported('spec.ipFamilyPolicy', p, supported));
  }
  let invalidIPs = false;
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) {
        invalidIPs = true;
        out.push(invalid('spec.clusterIPs', clusterIPs, "'None' must be the first and only value"));
      }
      return;
    }
    const errs = isValidIP(index('spec.clusterIPs', i), ip);
    if (errs.length) invalidIPs = true;
    out.push(...errs);
  });
  if (clusterIPs.length > 2) out.push(invalid('spec.clusterIPs', clusterIPs, 'may only hold up to 2 values'));
  if (invalidIPs) return out;
  if (clusterIPs.length > 1 && isIPv6String(clusterIPs[0]!) === isIPv6String(clusterIPs[1]!))
    out.push(invalid('spec.clusterIPs', clusterIPs, 'may specify no more than one IP for each IP family'));
  if (!isHeadless(spec))
    clusterIPs.forEach((ip, i) => {
      if (i >= families.length) return;
      if (families[i] === 'IPv4' && isIPv6String(ip))
        out.push(
          invalid(
            index('spec.clusterIPs', i),
            ip,
            `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      if (families[i] === 'IPv6' && !isIPv6String(ip))
        out.push(
          invalid(
            index('spec.clusterIPs', i),
            ip,
            `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
    });
  return out;
}

function goServicePort(protocol: string, port: number): GoSyntax {
  return new GoSyntax(
    `core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

/** ValidateService. */
function validateService(svc: Obj): FieldProblem[] {
  const spec = obj(svc.spec) ?? {};
  const meta = obj(svc.metadata) ?? {};
  const annotations = obj(meta.annotations) ?? {};
  const out: FieldProblem[] = [];
  const hints = 'service.kubernetes.io/topology-aware-hints';
  const mode = 'service.kubernetes.io/topology-mode';
  if (mode in annotations && hints in annotations && annotations[mode] !== annotations[hints])
    out.push(
      invalid(
        key('metadata.annotations', mode),
        str(annotations[mode]),
        `must match annotations[${hints}] when both are specified`,
      ),
    );
  const type = str(spec.type);
  const ports = objs(spec.ports);
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && type !== 'ExternalName') out.push(required('spec.ports'));
  switch (type) {
    case 'LoadBalancer':
      if (headless)
        out.push(invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for LoadBalancer services"));
      break;
    case 'NodePort':
      if (headless)
        out.push(invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (arr(spec.clusterIPs).length > 0)
        out.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (arr(spec.ipFamilies).length > 0)
        out.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy != null)
        out.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const cname = str(spec.externalName).replace(/\.$/, '');
      if (cname) out.push(...validateDNS1123Subdomain(cname, 'spec.externalName'));
      else out.push(required('spec.externalName'));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) =>
    out.push(...validateServicePort(p, ports.length > 1, names, index('spec.ports', i))),
  );
  if (spec.selector != null) out.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (!affinity) out.push(required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None')
    out.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') {
    const cfg = obj(spec.sessionAffinityConfig);
    const clientIP = cfg && obj(cfg.clientIP);
    if (!cfg) out.push(required('spec.sessionAffinityConfig', 'when session affinity type is ClientIP'));
    else if (!clientIP)
      out.push(required('spec.sessionAffinityConfig.clientIP', 'when session affinity type is ClientIP'));
    else if (clientIP.timeoutSeconds == null)
      out.push(
        required(
          'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
          'when session affinity type is ClientIP',
        ),
      );
    else {
      const t = num(clientIP.timeoutSeconds) ?? 0;
      if (t <= 0 || t > 86400)
        out.push(
          invalid(
            'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
            t,
            'must be greater than 0 and less than 86400',
          ),
        );
    }
  } else if (affinity === 'None' && spec.sessionAffinityConfig != null) {
    out.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  out.push(...validateClusterIPsRelated(spec));
  arr(spec.externalIPs).forEach((ip, i) => {
    const errs = isValidIP(index('spec.externalIPs', i), str(ip));
    out.push(...(errs.length ? errs : validateNonSpecialIP(str(ip), index('spec.externalIPs', i))));
  });
  if (!type) out.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(type)) out.push(notSupported('spec.type', type, SERVICE_TYPES));
  if (type === 'ClusterIP')
    ports.forEach((p, i) => {
      if (num(p.nodePort))
        out.push(
          forbidden(child(index('spec.ports', i), 'nodePort'), "may not be used when `type` is 'ClusterIP'"),
        );
    });
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const np = num(p.nodePort);
    if (!np) return;
    const k = `${str(p.protocol)}/${np}`;
    if (nodePorts.has(k)) out.push(duplicate(child(index('spec.ports', i), 'nodePort'), np));
    nodePorts.add(k);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const k = `${str(p.protocol)}/${num(p.port) ?? 0}`;
    if (portKeys.has(k))
      out.push(duplicate(index('spec.ports', i), goServicePort(str(p.protocol), num(p.port) ?? 0)));
    portKeys.add(k);
  });
  const ranges = arr(spec.loadBalancerSourceRanges);
  if (ranges.length) {
    if (type !== 'LoadBalancer')
      out.push(forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) =>
      out.push(...isValidCIDR(index('spec.LoadBalancerSourceRanges', i), str(r).trim())),
    );
  } else if ('service.beta.kubernetes.io/load-balancer-source-ranges' in annotations) {
    const p = key('metadata.annotations', 'service.beta.kubernetes.io/load-balancer-source-ranges');
    if (type !== 'LoadBalancer') out.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    const val = str(annotations['service.beta.kubernetes.io/load-balancer-source-ranges']).trim();
    if (val) for (const c of val.split(',')) out.push(...isValidCIDR(p, c.trim()));
  }
  if (spec.allocateLoadBalancerNodePorts != null && type !== 'LoadBalancer')
    out.push(
      forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"),
    );
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts == null)
    out.push(required('allocateLoadBalancerNodePorts'));
  if (type === 'LoadBalancer') {
    if (typeof spec.loadBalancerClass === 'string')
      out.push(...validateQualifiedName(spec.loadBalancerClass, 'spec.loadBalancerClass'));
  } else if (spec.loadBalancerClass != null) {
    out.push(forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  const etp = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp)
      out.push(
        invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'),
      );
  } else if (!etp) out.push(required('spec.externalTrafficPolicy'));
  else if (etp !== 'Cluster' && etp !== 'Local')
    out.push(notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  const hcnp = num(spec.healthCheckNodePort) ?? 0;
  if (!needsHealthCheck(spec)) {
    if (hcnp)
      out.push(
        invalid(
          'spec.healthCheckNodePort',
          hcnp,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
  }
  // A Local LoadBalancer's health-check node port is allocated by the API server; it is only checked when set.
  else if (hcnp) for (const m of isValidPortNum(hcnp)) out.push(invalid('spec.healthCheckNodePort', hcnp, m));
  if (spec.internalTrafficPolicy == null) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type))
      out.push(required('spec.internalTrafficPolicy'));
  } else {
    const itp = str(spec.internalTrafficPolicy);
    if (itp !== 'Cluster' && itp !== 'Local')
      out.push(notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  }
  if (spec.trafficDistribution != null && spec.trafficDistribution !== 'PreferClose')
    out.push(notSupported('spec.trafficDistribution', str(spec.trafficDistribution), ['PreferClose']));
  return out;
}

function validateServiceUpdate(svc: Obj, old: Obj): FieldProblem[] {
  const spec = obj(svc.spec) ?? {};
  const oldSpec = obj(old.spec) ?? {};
  const out: FieldProblem[] = [];
  if (
    str(spec.type) !== 'ExternalName' &&
    str(oldSpec.type) !== 'ExternalName' &&
    !(isHeadless(oldSpec) && isHeadless(spec))
  ) {
    const ips = arr(spec.clusterIPs).map(str);
    const oldIPs = arr(oldSpec.clusterIPs).map(str);
    if (ips.length === oldIPs.length) {
      oldIPs.forEach((ip, i) => {
        if (ip !== ips[i]) out.push(invalid(index('spec.clusterIPs', i), ips, 'may not change once set'));
      });
    } else if (oldIPs.length > ips.length) {
      if (ips.length === 0)
        out.push(invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
      if (oldIPs.length && ips.length && ips[0] !== oldIPs[0])
        out.push(invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
      if (ips.length === 1 && str(spec.ipFamilyPolicy) !== 'SingleStack')
        out.push(
          invalid(
            'spec.ipFamilyPolicy',
            spec.ipFamilyPolicy ?? null,
            "must be set to 'SingleStack' when releasing the secondary clusterIP",
          ),
        );
    } else if (oldIPs.length && ips[0] !== oldIPs[0]) {
      out.push(invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
    }
  }
  if (
    str(oldSpec.type) === 'LoadBalancer' &&
    str(spec.type) === 'LoadBalancer' &&
    oldSpec.loadBalancerClass !== spec.loadBalancerClass
  )
    out.push(invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  if (
    needsHealthCheck(oldSpec) &&
    needsHealthCheck(spec) &&
    spec.healthCheckNodePort !== oldSpec.healthCheckNodePort
  )
    out.push(forbidden('spec.healthCheckNodePort', 'field is immutable'));
  return out;
}

/** The allocator's check of a requested node port against the cluster's range (default 30000-32767). */
export function validateNodePortRange(svc: Obj, base = 30000, size = 2768): FieldProblem[] {
  const out: FieldProblem[] = [];
  objs(obj(svc.spec)?.ports).forEach((p, i) => {
    const np = num(p.nodePort);
    if (np && (np < base || np >= base + size))
      out.push(
        invalid(
          child(index('spec.ports', i), 'nodePort'),
          np,
          `provided port is not in the valid range. The range of valid ports is ${base}-${base + size - 1}`,
        ),
      );
  });
  return out;
}

export const serviceStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNS1035Label,
  hasStatus: true,
  initialStatus: () => ({ loadBalancer: {} }),
  default: defaultService,
  prepareForCreate: (svc) => normalizeClusterIPs(ensureObj(svc, 'spec')),
  prepareForUpdate: (svc, old) => {
    const spec = ensureObj(svc, 'spec');
    const oldSpec = obj(old.spec) ?? {};
    patchAllocatedValues(spec, oldSpec);
    normalizeClusterIPs(spec, oldSpec);
    dropTypeDependentFields(spec, oldSpec);
  },
  validate: validateService,
  validateUpdate: validateServiceUpdate,
});
