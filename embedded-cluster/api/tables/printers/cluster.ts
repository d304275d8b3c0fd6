import type { KubeObject } from '../../object.js';
import { formatLabelSelector } from '../../selectors/label-selector.js';
import { DOC } from '../descriptions.js';
import { since } from '../human-duration.js';
import { quantityString } from '../quantity.js';
import {
  AGE_COLUMN,
  column,
  int,
  intOrString,
  NAME_COLUMN,
  obj,
  objs,
  selectorOf,
  sortedSet,
  str,
  type Obj,
  type Printer,
} from '../types.js';

/**
 * Printers for networking, discovery, coordination, storage, scheduling,
 * RBAC bindings, policy and autoscaling kinds (pkg/printers/internalversion/printers.go).
 */

const name = (o: KubeObject) => o.metadata?.name ?? '';
const age = (o: KubeObject, now: number) => since(o.metadata?.creationTimestamp, now);

/** `listWithMoreString`: `a,b,c + 2 more...`, `<unset>` when empty. */
function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const joined = list.join(',');
  if (more) return `${joined} + ${count - max} more...`;
  return joined || '<unset>';
}

/** `formatHosts`: up to three rule hosts, `*` when none. */
function formatHosts(rules: Obj[]): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && str(rule.host) !== '') list.push(str(rule.host));
  }
  if (list.length === 0) return '*';
  const joined = list.join(',');
  return more ? `${joined} + ${rules.length - max} more...` : joined;
}

export const INGRESS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column(
      'Class',
      'string',
      'The name of the IngressClass resource that should be used for additional configuration',
    ),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE_COLUMN,
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    const address = sortedSet(
      objs(obj(obj(o.status).loadBalancer).ingress)
        .map((i) => str(i.ip) || str(i.hostname))
        .filter((a) => a !== ''),
    ).join(',');
    return {
      cells: [
        name(o),
        typeof spec.ingressClassName === 'string' ? spec.ingressClassName : '<none>',
        formatHosts(objs(spec.rules)),
        address,
        objs(spec.tls).length ? '80, 443' : '80',
        age(o, now),
      ],
    };
  },
};

export const INGRESS_CLASS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE_COLUMN,
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    let parameters = '<none>';
    if (spec.parameters) {
      const p = obj(spec.parameters);
      parameters = str(p.kind);
      if (typeof p.apiGroup === 'string') parameters += `.${p.apiGroup}`;
      parameters += `/${str(p.name)}`;
    }
    return { cells: [name(o), str(spec.controller), parameters, age(o, now)] };
  },
};

export const NETWORK_POLICY_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Pod-Selector', 'string', DOC['NetworkPolicySpec.podSelector']), AGE_COLUMN],
  print: (o, { now }) => ({
    cells: [name(o), formatLabelSelector(selectorOf(obj(o.spec).podSelector) ?? {}), age(o, now)],
  }),
};

export const ENDPOINT_SLICE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', DOC['EndpointSlice.addressType']),
    column('Ports', 'string', DOC['EndpointSlice.ports']),
    column('Endpoints', 'string', DOC['EndpointSlice.endpoints']),
    AGE_COLUMN,
  ],
  print(o, { now }) {
    const max = 3;
    const ports = objs(o.ports);
    const portList = ports.slice(0, max).map((p) => {
      if (typeof p.port === 'number') return String(int(p.port));
      if (typeof p.name === 'string') return p.name;
      return '*';
    });
    const addresses = objs(o.endpoints).flatMap((e) =>
      Array.isArray(e.addresses) ? e.addresses.map(str) : [],
    );
    return {
      cells: [
        name(o),
        str(o.addressType),
        listWithMore(portList, ports.length > max, ports.length, max),
        listWithMore(addresses.slice(0, max), addresses.length > max, addresses.length, max),
        age(o, now),
      ],
    };
  },
};

export const LEASE_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Holder', 'string', DOC['LeaseSpec.holderIdentity']), AGE_COLUMN],
  print: (o, { now }) => ({ cells: [name(o), str(obj(o.spec).holderIdentity), age(o, now)] }),
};

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

export const STORAGE_CLASS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Provisioner', 'string', DOC['StorageClass.provisioner']),
    column('ReclaimPolicy', 'string', DOC['StorageClass.reclaimPolicy']),
    column('VolumeBindingMode', 'string', DOC['StorageClass.volumeBindingMode']),
    column('AllowVolumeExpansion', 'string', DOC['StorageClass.allowVolumeExpansion']),
    AGE_COLUMN,
  ],
  print(o, { now }) {
    const annotations = o.metadata?.annotations ?? {};
    const isDefault = DEFAULT_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true');
    return {
      cells: [
        isDefault ? `${name(o)} (default)` : name(o),
        str(o.provisioner),
        typeof o.reclaimPolicy === 'string' ? o.reclaimPolicy : 'Delete',
        typeof o.volumeBindingMode === 'string' ? o.volumeBindingMode : 'Immediate',
        o.allowVolumeExpansion === true,
        age(o, now),
      ],
    };
  },
};

export const PRIORITY_CLASS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Value', 'integer', DOC['PriorityClass.value']),
    column('Global-Default', 'boolean', DOC['PriorityClass.globalDefault']),
    AGE_COLUMN,
    column('PreemptionPolicy', 'string', DOC['PriorityClass.preemptionPolicy']),
  ],
  print: (o, { now }) => ({
    cells: [name(o), int(o.value), o.globalDefault === true, age(o, now), str(o.preemptionPolicy)],
  }),
};

/** `rbac.SubjectsStrings`: users, groups and `namespace/name` service accounts, each `, `-joined. */
function subjectCells(subjects: Obj[]): string[] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of subjects) {
    if (s.kind === 'ServiceAccount') serviceAccounts.push(`${str(s.namespace)}/${str(s.name)}`);
    else if (s.kind === 'User') users.push(str(s.name));
    else if (s.kind === 'Group') groups.push(str(s.name));
  }
  return [users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
}

function bindingPrinter(kind: 'roleBinding' | 'clusterRoleBinding'): Printer {
  return {
    columns: [
      NAME_COLUMN,
      column(
        'Role',
        'string',
        kind === 'roleBinding' ? DOC['RoleBinding.roleRef'] : DOC['ClusterRoleBinding.roleRef'],
      ),
      AGE_COLUMN,
      column('Users', 'string', `Users in the ${kind}`, { priority: 1 }),
      column('Groups', 'string', `Groups in the ${kind}`, { priority: 1 }),
      column('ServiceAccounts', 'string', `ServiceAccounts in the ${kind}`, { priority: 1 }),
    ],
    print(o, { now }) {
      const ref = obj(o.roleRef);
      return {
        cells: [name(o), `${str(ref.kind)}/${str(ref.name)}`, age(o, now), ...subjectCells(objs(o.subjects))],
      };
    },
  };
}

export const ROLE_BINDING_PRINTER = bindingPrinter('roleBinding');
export const CLUSTER_ROLE_BINDING_PRINTER = bindingPrinter('clusterRoleBinding');

export const POD_DISRUPTION_BUDGET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE_COLUMN,
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    const present = (v: unknown) => v !== undefined && v !== null;
    return {
      cells: [
        name(o),
        present(spec.minAvailable) ? intOrString(spec.minAvailable) : 'N/A',
        present(spec.maxUnavailable) ? intOrString(spec.maxUnavailable) : 'N/A',
        int(obj(o.status).disruptionsAllowed),
        age(o, now),
      ],
    };
  },
};

/** A `*resource.Quantity` as Go prints it: `<nil>` when absent. */
const quantity = (v: unknown) => (v === undefined || v === null ? '<nil>' : quantityString(v));
const percent = (v: unknown) => (typeof v === 'number' ? `${int(v)}%` : undefined);

/** One metric of `formatHPAMetrics`. */
function formatMetric(spec: Obj, status: Obj | undefined): string {
  const type = str(spec.type);
  const source = (o: Obj | undefined, key: string) => (o && o[key] ? obj(o[key]) : undefined);
  switch (type) {
    case 'External':
    case 'Object': {
      const key = type === 'External' ? 'external' : 'object';
      const target = obj(obj(spec[key]).target);
      const current = source(status, key);
      if (target.averageValue !== undefined && target.averageValue !== null) {
        const avg = current ? obj(current.current).averageValue : undefined;
        const shown = avg !== undefined && avg !== null ? quantity(avg) : '<unknown>';
        return `${shown}/${quantity(target.averageValue)} (avg)`;
      }
      const shown = current ? quantity(obj(current.current).value) : '<unknown>';
      return `${shown}/${quantity(target.value)}`;
    }
    case 'Pods': {
      const current = source(status, 'pods');
      const shown = current ? quantity(obj(current.current).averageValue) : '<unknown>';
      return `${shown}/${quantity(obj(obj(spec.pods).target).averageValue)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = type === 'Resource' ? 'resource' : 'containerResource';
      const metric = obj(spec[key]);
      const target = obj(metric.target);
      const current = source(status, key);
      if (target.averageValue !== undefined && target.averageValue !== null) {
        const shown = current ? quantity(obj(current.current).averageValue) : '<unknown>';
        return `${str(metric.name)}: ${shown}/${quantity(target.averageValue)}`;
      }
      const shown = (current && percent(obj(current.current).averageUtilization)) ?? '<unknown>';
      return `${str(metric.name)}: ${shown}/${percent(target.averageUtilization) ?? '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** `formatHPAMetrics`: the first two metrics, `current/target`, then `+ N more...`. */
function formatMetrics(specs: Obj[], statuses: Obj[]): string {
  if (specs.length === 0) return '<none>';
  const max = 2;
  const list = specs.map((s, i) => formatMetric(s, statuses[i]));
  if (list.length > max) return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
  return list.join(', ');
}

export const HORIZONTAL_POD_AUTOSCALER_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Reference', 'string', DOC['HorizontalPodAutoscalerSpec.scaleTargetRef']),
    column('Targets', 'string', DOC['HorizontalPodAutoscalerSpec.metrics']),
    column('MinPods', 'string', DOC['HorizontalPodAutoscalerSpec.minReplicas']),
    column('MaxPods', 'string', DOC['HorizontalPodAutoscalerSpec.maxReplicas']),
    column('Replicas', 'string', DOC['HorizontalPodAutoscalerStatus.currentReplicas']),
    AGE_COLUMN,
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    const status = obj(o.status);
    const ref = obj(spec.scaleTargetRef);
    return {
      cells: [
        name(o),
        `${str(ref.kind)}/${str(ref.name)}`,
        formatMetrics(objs(spec.metrics), objs(status.currentMetrics)),
        typeof spec.minReplicas === 'number' ? String(int(spec.minReplicas)) : '<unset>',
        int(spec.maxReplicas),
        int(status.currentReplicas),
        age(o, now),
      ],
    };
  },
};
