import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  deepEqual,
  index,
  invalid,
  isDNS1123Subdomain,
  isQualifiedName,
  nameIsDNSSubdomain,
  notSupported,
  num,
  obj,
  objs,
  pathSegmentName,
  required,
  str,
  validateImmutable,
  validateNonnegative,
} from '../validation/index.js';
import { defineKind } from './common.js';
import { PORT_PROTOCOLS } from './container-validation.js';

/**
 * The kinds with little behaviour of their own: ServiceAccounts, Events,
 * Bindings, Leases, EndpointSlices, ControllerRevisions, CRDs and the
 * authorization reviews — mostly name and metadata rules, plus the few
 * required fields and defaults Kubernetes gives them.
 */

export const serviceAccountStrategy = defineKind({ namespaced: true, nameFn: nameIsDNSSubdomain });

/** core/v1 Events: the involved object must live in the event's namespace (ValidateEventCreate). */
export const coreEventStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  validate: (ev) => {
    const out: FieldProblem[] = [];
    const involved = obj(ev.involvedObject) ?? {};
    const ns = str(obj(ev.metadata)?.namespace);
    const ins = str(involved.namespace);
    if (ins && ins !== ns)
      out.push(invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
    if (str(ev.reportingComponent) && !str(ev.reportingInstance)) out.push(required('reportingInstance'));
    return out;
  },
});

/** events.k8s.io/v1 Events. */
export const eventsV1Strategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  validate: (ev) => {
    const out: FieldProblem[] = [];
    if (!str(ev.reportingController)) out.push(required('reportingController'));
    else
      for (const m of isQualifiedName(str(ev.reportingController)))
        out.push(invalid('reportingController', str(ev.reportingController), m));
    if (!str(ev.reportingInstance)) out.push(required('reportingInstance'));
    if (!str(ev.action)) out.push(required('action'));
    if (!str(ev.reason)) out.push(required('reason'));
    const type = str(ev.type);
    if (type !== 'Normal' && type !== 'Warning')
      out.push(invalid('type', type, 'has invalid value: ' + type));
    if (!ev.eventTime) out.push(required('eventTime'));
    return out;
  },
});

/** pods/binding: ValidatePodBinding. */
export const bindingStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  validate: (b) => {
    const target = obj(b.target) ?? {};
    const out: FieldProblem[] = [];
    if (str(target.kind) && target.kind !== 'Node')
      out.push(notSupported('target.kind', str(target.kind), ['Node', '<empty>']));
    if (!str(target.name)) out.push(required('target.name'));
    return out;
  },
});

export const leaseStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  validate: (lease) => {
    const spec = obj(lease.spec) ?? {};
    const out: FieldProblem[] = [];
    const d = num(spec.leaseDurationSeconds);
    if (d !== undefined && d <= 0)
      out.push(invalid('spec.leaseDurationSeconds', d, 'must be greater than 0'));
    out.push(...validateNonnegative(spec.leaseTransitions, 'spec.leaseTransitions'));
    return out;
  },
});

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

export const endpointSliceStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  generationFields: ['endpoints', 'ports', 'addressType'],
  default: (es) => {
    for (const p of objs(es.ports)) {
      if (p.protocol == null) p.protocol = 'TCP';
      if (p.name == null) p.name = '';
    }
  },
  validate: (es) => {
    const out: FieldProblem[] = [];
    const type = str(es.addressType);
    if (!type) out.push(required('addressType'));
    else if (!ADDRESS_TYPES.includes(type)) out.push(notSupported('addressType', type, ADDRESS_TYPES));
    objs(es.endpoints).forEach((ep, i) => {
      const addrs = arr(ep.addresses);
      const p = index('endpoints', i);
      if (addrs.length === 0) out.push(required(child(p, 'addresses'), 'must contain at least 1 address'));
      else if (addrs.length > 100)
        out.push({
          type: 'TooMany',
          field: child(p, 'addresses'),
          value: addrs.length,
          detail: 'must have at most 100 items',
        });
    });
    objs(es.ports).forEach((port, i) => {
      const p = index('ports', i);
      if (port.protocol != null && !PORT_PROTOCOLS.includes(str(port.protocol)))
        out.push(notSupported(child(p, 'protocol'), str(port.protocol), PORT_PROTOCOLS));
    });
    return out;
  },
  validateUpdate: (es, old) => validateImmutable(str(es.addressType), str(old.addressType), 'addressType'),
});

export const controllerRevisionStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  validate: (cr) => [
    ...(cr.data == null ? [required('data', 'data is mandatory')] : []),
    ...validateNonnegative(cr.revision, 'revision'),
  ],
  validateUpdate: (cr, old) =>
    deepEqual(cr.data, old.data) ? [] : [invalid('data', cr.data ?? null, 'field is immutable')],
});

/** CustomResourceDefinitions: the name must be `<plural>.<group>`; the schema checks are the apiextensions server's. */
export const customResourceDefinitionStrategy = defineKind({
  namespaced: false,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  hasStatus: true,
  kubeFinalizers: false,
  validate: (crd) => {
    const spec = obj(crd.spec) ?? {};
    const names = obj(spec.names) ?? {};
    const name = str(obj(crd.metadata)?.name);
    const out: FieldProblem[] = [];
    const expected = `${str(names.plural)}.${str(spec.group)}`;
    if (name !== expected)
      out.push(invalid('metadata.name', name, `must be spec.names.plural+"."+spec.group`));
    const group = str(spec.group);
    if (!group) out.push(required('spec.group'));
    else {
      for (const m of isDNS1123Subdomain(group)) out.push(invalid('spec.group', group, m));
      if (group.split('.').length < 2)
        out.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
    }
    const scope = str(spec.scope);
    if (!scope) out.push(required('spec.scope'));
    else if (scope !== 'Cluster' && scope !== 'Namespaced')
      out.push(notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
    if (!str(names.plural)) out.push(required('spec.names.plural'));
    if (!str(names.kind)) out.push(required('spec.names.kind'));
    if (arr(spec.versions).length === 0)
      out.push(required('spec.versions', 'must have exactly one version marked as storage version'));
    return out;
  },
});

/** Self-subject reviews are not stored: only their spec matters. */
export const reviewStrategy = defineKind({ namespaced: false, nameFn: pathSegmentName });
