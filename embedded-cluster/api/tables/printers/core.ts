import type { KubeObject } from '../../object.js';
import { formatLabels } from '../../selectors/label-selector.js';
import { DOC } from '../descriptions.js';
import { since } from '../human-duration.js';
import { quantityString } from '../quantity.js';
import {
  AGE_COLUMN,
  column,
  int,
  NAME_COLUMN,
  obj,
  objs,
  sortedSet,
  str,
  strMap,
  strs,
  type Obj,
  type Printer,
} from '../types.js';

/**
 * Printers for core/v1 kinds other than pods and events
 * (pkg/printers/internalversion/printers.go): Nodes, Namespaces, Services,
 * Endpoints, ConfigMaps, Secrets, ServiceAccounts, PersistentVolumes,
 * PersistentVolumeClaims and ResourceQuotas.
 */

const name = (o: KubeObject) => o.metadata?.name ?? '';
const age = (o: KubeObject, now: number) => since(o.metadata?.creationTimestamp, now);

/** `net.JoinHostPort`: IPv6 hosts in brackets. */
const joinHostPort = (host: string, port: number) =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

export const NAMESPACE_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  print: (o, { now }) => ({ cells: [name(o), str(obj(o.status).phase), age(o, now)] }),
};

/** `findNodeRoles`: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values. */
function nodeRoles(o: KubeObject): string {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.push(role);
    } else if (k === 'kubernetes.io/role' && v !== '') {
      roles.push(v);
    }
  }
  return sortedSet(roles).join(',') || '<none>';
}

function nodeAddress(status: Obj, type: string): string {
  return str(objs(status.addresses).find((a) => a.type === type)?.address) || '<none>';
}

export const NODE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'string', DOC['NodeSystemInfo.kubeletVersion']),
    column('Internal-IP', 'string', DOC['NodeStatus.addresses'], { priority: 1 }),
    column('External-IP', 'string', DOC['NodeStatus.addresses'], { priority: 1 }),
    column('OS-Image', 'string', DOC['NodeSystemInfo.osImage'], { priority: 1 }),
    column('Kernel-Version', 'string', DOC['NodeSystemInfo.kernelVersion'], { priority: 1 }),
    column('Container-Runtime', 'string', DOC['NodeSystemInfo.containerRuntimeVersion'], { priority: 1 }),
  ],
  print(o, { now }) {
    const status = obj(o.status);
    const info = obj(status.nodeInfo);
    // The last Ready condition wins, as building Kubernetes' condition map does.
    const ready = objs(status.conditions)
      .filter((c) => c.type === 'Ready')
      .pop();
    const states = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (obj(o.spec).unschedulable === true) states.push('SchedulingDisabled');
    return {
      cells: [
        name(o),
        states.join(','),
        nodeRoles(o),
        age(o, now),
        str(info.kubeletVersion),
        nodeAddress(status, 'InternalIP'),
        nodeAddress(status, 'ExternalIP'),
        str(info.osImage) || '<unknown>',
        str(info.kernelVersion) || '<unknown>',
        str(info.containerRuntimeVersion) || '<unknown>',
      ],
    };
  },
};

/** `getServiceExternalIP` (wide: load balancer addresses are not clipped). */
function serviceExternalIP(spec: Obj, status: Obj): string {
  const externalIPs = strs(spec.externalIPs);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = sortedSet(
        objs(obj(status.loadBalancer).ingress)
          .map((i) => str(i.ip) || str(i.hostname))
          .filter((a) => a !== ''),
      );
      if (externalIPs.length) return [...lb, ...externalIPs].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** `makePortString`: `80/TCP`, `80:30080/TCP`. */
function servicePorts(spec: Obj): string {
  return objs(spec.ports)
    .map((p) => {
      const protocol = str(p.protocol) || 'TCP';
      return int(p.nodePort) > 0
        ? `${int(p.port)}:${int(p.nodePort)}/${protocol}`
        : `${int(p.port)}/${protocol}`;
    })
    .join(',');
}

export const SERVICE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', DOC['ServiceSpec.type']),
    column('Cluster-IP', 'string', DOC['ServiceSpec.clusterIP']),
    column('External-IP', 'string', DOC['ServiceSpec.externalIPs']),
    column('Port(s)', 'string', DOC['ServiceSpec.ports']),
    AGE_COLUMN,
    column('Selector', 'string', DOC['ServiceSpec.selector'], { priority: 1 }),
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    const clusterIPs = strs(spec.clusterIPs);
    const clusterIP = (clusterIPs.length ? clusterIPs[0] : str(spec.clusterIP)) || '<none>';
    return {
      cells: [
        name(o),
        str(spec.type),
        clusterIP,
        serviceExternalIP(spec, obj(o.status)),
        servicePorts(spec) || '<none>',
        age(o, now),
        formatLabels(strMap(spec.selector)),
      ],
    };
  },
};

/** `formatEndpoints(endpoints, nil)`: up to three `ip:port`, then `+ N more...`. */
function formatEndpoints(o: KubeObject): string {
  const subsets = objs(o.subsets);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = objs(ss.addresses);
    const ports = objs(ss.ports);
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(a.ip));
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(str(a.ip), int(port.port)));
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

export const ENDPOINTS_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Endpoints', 'string', DOC['Endpoints.subsets']), AGE_COLUMN],
  print: (o, { now }) => ({ cells: [name(o), formatEndpoints(o), age(o, now)] }),
};

const keyCount = (...maps: unknown[]) => new Set(maps.flatMap((m) => Object.keys(obj(m)))).size;

export const CONFIG_MAP_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Data', 'string', DOC['ConfigMap.data']), AGE_COLUMN],
  print: (o, { now }) => ({
    cells: [name(o), Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length, age(o, now)],
  }),
};

export const SECRET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', DOC['Secret.type']),
    column('Data', 'string', DOC['Secret.data']),
    AGE_COLUMN,
  ],
  // stringData is merged into data on write; counting both keeps an unmerged object right too.
  print: (o, { now }) => ({ cells: [name(o), str(o.type), keyCount(o.data, o.stringData), age(o, now)] }),
};

export const SERVICE_ACCOUNT_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Secrets', 'string', DOC['ServiceAccount.secrets']), AGE_COLUMN],
  print: (o, { now }) => ({ cells: [name(o), objs(o.secrets).length, age(o, now)] }),
};

/** `helper.GetAccessModesAsString`: RWO, ROX, RWX, RWOP in that order. */
function accessModes(modes: unknown): string {
  const set = new Set(strs(modes));
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

function storageClassOf(o: KubeObject, specClass: unknown): string {
  const annotations = o.metadata?.annotations ?? {};
  if (Object.prototype.hasOwnProperty.call(annotations, BETA_STORAGE_CLASS))
    return annotations[BETA_STORAGE_CLASS]!;
  return str(specClass);
}

const optional = (v: unknown) => (typeof v === 'string' ? v : '<unset>');

export const PERSISTENT_VOLUME_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Capacity', 'string', DOC['PersistentVolumeSpec.capacity']),
    column('Access Modes', 'string', DOC['PersistentVolumeSpec.accessModes']),
    column('Reclaim Policy', 'string', DOC['PersistentVolumeSpec.persistentVolumeReclaimPolicy']),
    column('Status', 'string', DOC['PersistentVolumeStatus.phase']),
    column('Claim', 'string', DOC['PersistentVolumeSpec.claimRef']),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', DOC['PersistentVolumeStatus.reason']),
    AGE_COLUMN,
    column('VolumeMode', 'string', DOC['PersistentVolumeSpec.volumeMode'], { priority: 1 }),
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    const status = obj(o.status);
    const claim = spec.claimRef ? `${str(obj(spec.claimRef).namespace)}/${str(obj(spec.claimRef).name)}` : '';
    const phase = o.metadata?.deletionTimestamp != null ? 'Terminating' : str(status.phase);
    return {
      cells: [
        name(o),
        quantityString(obj(spec.capacity).storage),
        accessModes(spec.accessModes),
        str(spec.persistentVolumeReclaimPolicy),
        phase,
        claim,
        storageClassOf(o, spec.storageClassName),
        optional(spec.volumeAttributesClassName),
        str(status.reason),
        age(o, now),
        optional(spec.volumeMode),
      ],
    };
  },
};

export const PERSISTENT_VOLUME_CLAIM_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', DOC['PersistentVolumeClaimStatus.phase']),
    column('Volume', 'string', DOC['PersistentVolumeClaimSpec.volumeName']),
    column('Capacity', 'string', DOC['PersistentVolumeClaimStatus.capacity']),
    column('Access Modes', 'string', DOC['PersistentVolumeClaimStatus.accessModes']),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    column('VolumeMode', 'string', DOC['PersistentVolumeClaimSpec.volumeMode'], { priority: 1 }),
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    const status = obj(o.status);
    const bound = str(spec.volumeName) !== '';
    return {
      cells: [
        name(o),
        o.metadata?.deletionTimestamp != null ? 'Terminating' : str(status.phase),
        str(spec.volumeName),
        bound ? quantityString(obj(status.capacity).storage) : '',
        bound ? accessModes(status.accessModes) : '',
        storageClassOf(o, spec.storageClassName),
        optional(spec.volumeAttributesClassName),
        age(o, now),
        optional(spec.volumeMode),
      ],
    };
  },
};

export const RESOURCE_QUOTA_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column(
      'Request',
      'string',
      'Request represents a minimum amount of cpu/memory that a container may consume.',
    ),
    column(
      'Limit',
      'string',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
    AGE_COLUMN,
  ],
  print(o, { now }) {
    const status = obj(o.status);
    const hard = obj(status.hard);
    const used = obj(status.used);
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of sortedSet(Object.keys(hard))) {
      const pieces = resource.split('.');
      const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests;
      target.push(`${resource}: ${quantityString(used[resource])}/${quantityString(hard[resource])}`);
    }
    return { cells: [name(o), requests.join(', '), limits.join(', '), age(o, now)] };
  },
};
