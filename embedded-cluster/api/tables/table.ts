import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import type { ResourceType } from '../catalog.js';
import type { KubeObject } from '../object.js';
import { customResourcePrinter, type PrinterColumnSpec } from './custom-resources.js';
import { DOC } from './descriptions.js';
import {
  CLUSTER_ROLE_BINDING_PRINTER,
  ENDPOINT_SLICE_PRINTER,
  HORIZONTAL_POD_AUTOSCALER_PRINTER,
  INGRESS_CLASS_PRINTER,
  INGRESS_PRINTER,
  LEASE_PRINTER,
  NETWORK_POLICY_PRINTER,
  POD_DISRUPTION_BUDGET_PRINTER,
  PRIORITY_CLASS_PRINTER,
  ROLE_BINDING_PRINTER,
  STORAGE_CLASS_PRINTER,
} from './printers/cluster.js';
import {
  CONFIG_MAP_PRINTER,
  ENDPOINTS_PRINTER,
  NAMESPACE_PRINTER,
  NODE_PRINTER,
  PERSISTENT_VOLUME_CLAIM_PRINTER,
  PERSISTENT_VOLUME_PRINTER,
  RESOURCE_QUOTA_PRINTER,
  SECRET_PRINTER,
  SERVICE_ACCOUNT_PRINTER,
  SERVICE_PRINTER,
} from './printers/core.js';
import { EVENT_PRINTER } from './printers/events.js';
import { POD_PRINTER } from './printers/pods.js';
import {
  CONTROLLER_REVISION_PRINTER,
  CRON_JOB_PRINTER,
  DAEMON_SET_PRINTER,
  DEPLOYMENT_PRINTER,
  JOB_PRINTER,
  POD_TEMPLATE_PRINTER,
  REPLICA_SET_PRINTER,
  REPLICATION_CONTROLLER_PRINTER,
  STATEFUL_SET_PRINTER,
} from './printers/workloads.js';
import {
  column,
  NAME_COLUMN,
  type Printer,
  type Table,
  type TableColumnDefinition,
  type TableListMeta,
  type TableRow,
} from './types.js';

/**
 * Table responses (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`),
 * as Kubernetes v1.32 builds them for `kubectl get`: every built-in kind with a
 * server-side printer gets its columns, custom resources their CRD's printer
 * columns, and every other kind the default Name / Created At table
 * (k8s.io/apiserver/pkg/registry/rest/table.go). As on a real server, rows
 * always carry the wide (priority > 0) cells; kubectl hides those without `-o wide`.
 */

/** Printers by `group/resource`. */
const PRINTERS: Readonly<Record<string, Printer>> = {
  '/pods': POD_PRINTER,
  '/podtemplates': POD_TEMPLATE_PRINTER,
  '/replicationcontrollers': REPLICATION_CONTROLLER_PRINTER,
  '/services': SERVICE_PRINTER,
  '/endpoints': ENDPOINTS_PRINTER,
  '/nodes': NODE_PRINTER,
  '/events': EVENT_PRINTER,
  '/namespaces': NAMESPACE_PRINTER,
  '/secrets': SECRET_PRINTER,
  '/serviceaccounts': SERVICE_ACCOUNT_PRINTER,
  '/persistentvolumes': PERSISTENT_VOLUME_PRINTER,
  '/persistentvolumeclaims': PERSISTENT_VOLUME_CLAIM_PRINTER,
  '/configmaps': CONFIG_MAP_PRINTER,
  '/resourcequotas': RESOURCE_QUOTA_PRINTER,
  'apps/deployments': DEPLOYMENT_PRINTER,
  'apps/replicasets': REPLICA_SET_PRINTER,
  'apps/statefulsets': STATEFUL_SET_PRINTER,
  'apps/daemonsets': DAEMON_SET_PRINTER,
  'apps/controllerrevisions': CONTROLLER_REVISION_PRINTER,
  'batch/jobs': JOB_PRINTER,
  'batch/cronjobs': CRON_JOB_PRINTER,
  'autoscaling/horizontalpodautoscalers': HORIZONTAL_POD_AUTOSCALER_PRINTER,
  'policy/poddisruptionbudgets': POD_DISRUPTION_BUDGET_PRINTER,
  'networking.k8s.io/ingresses': INGRESS_PRINTER,
  'networking.k8s.io/ingressclasses': INGRESS_CLASS_PRINTER,
  'networking.k8s.io/networkpolicies': NETWORK_POLICY_PRINTER,
  'discovery.k8s.io/endpointslices': ENDPOINT_SLICE_PRINTER,
  'events.k8s.io/events': EVENT_PRINTER,
  'coordination.k8s.io/leases': LEASE_PRINTER,
  'storage.k8s.io/storageclasses': STORAGE_CLASS_PRINTER,
  'scheduling.k8s.io/priorityclasses': PRIORITY_CLASS_PRINTER,
  'rbac.authorization.k8s.io/rolebindings': ROLE_BINDING_PRINTER,
  'rbac.authorization.k8s.io/clusterrolebindings': CLUSTER_ROLE_BINDING_PRINTER,
};

/** `time.Time.UTC().Format(time.RFC3339)`; the zero time for a missing timestamp. */
function rfc3339(timestamp: unknown): string {
  const ms = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
  if (Number.isNaN(ms)) return '0001-01-01T00:00:00Z';
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The default table convertor: Name and Created At (a date, not an age). */
const DEFAULT_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Created At', 'date', DOC['ObjectMeta.creationTimestamp'])],
  print: (o) => ({ cells: [o.metadata?.name ?? '', rfc3339(o.metadata?.creationTimestamp)] }),
};

export type IncludeObject = 'None' | 'Object' | 'Metadata';

export interface ToTableOptions {
  /** What each row's `object` holds: the object, its metadata (default), or null. */
  includeObject?: IncludeObject;
  /** The time ages are measured to; now by default. */
  now?: number | Date;
  /** `?noHeaders=true` (kubectl watches): leave the column definitions out. */
  noHeaders?: boolean;
  /** resourceVersion / continue / remainingItemCount of the list the rows come from. */
  listMeta?: TableListMeta;
  /** For custom resources: the served version's `additionalPrinterColumns`. */
  printerColumns?: readonly PrinterColumnSpec[];
}

function printerFor(type: ResourceType, printerColumns?: readonly PrinterColumnSpec[]): Printer {
  if (type.crd !== undefined) return customResourcePrinter(printerColumns);
  return PRINTERS[`${type.group}/${type.resource}`] ?? DEFAULT_PRINTER;
}

/** The columns a Table of `type` has (a copy), e.g. for the renderer's resource lists. */
export function tableColumnsFor(
  type: ResourceType,
  options: Pick<ToTableOptions, 'printerColumns'> = {},
): TableColumnDefinition[] {
  return printerFor(type, options.printerColumns).columns.map((c) => ({ ...c }));
}

function rowObject(o: KubeObject, includeObject: IncludeObject): unknown {
  switch (includeObject) {
    case 'None':
      return null;
    case 'Object':
      return o;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
  }
}

/**
 * Build the `meta.k8s.io/v1` Table for `objects` of `type`.
 *
 * @example
 *   toTable(podsType, [pod], { now: Date.parse('2024-01-01T00:05:00Z') }).rows[0].cells
 *   // ['web-0', '1/1', 'Running', '0', '5m', '10.1.0.7', 'kubedesk', '<none>', '<none>']
 */
export function toTable(
  type: ResourceType,
  objects: readonly KubeObject[],
  options: ToTableOptions = {},
): Table {
  const printer = printerFor(type, options.printerColumns);
  const now = options.now === undefined ? Date.now() : +options.now;
  const includeObject = options.includeObject ?? 'Metadata';
  const rows = objects.map((o): TableRow => {
    const printed = printer.print(o, { now });
    const row: TableRow = { cells: printed.cells, object: rowObject(o, includeObject) };
    if (printed.conditions) row.conditions = printed.conditions.map((c) => ({ ...c }));
    return row;
  });
  let metadata: TableListMeta = { ...options.listMeta };
  if (!options.listMeta && objects.length === 1 && objects[0]!.metadata?.resourceVersion) {
    metadata = { resourceVersion: objects[0]!.metadata.resourceVersion };
  }
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: options.noHeaders ? [] : tableColumnsFor(type, options),
    rows,
  };
}

/** The printer columns a CRD serves for `version` (its `additionalPrinterColumns`). */
export function crdPrinterColumns(crd: CustomResourceDefinition, version: string): PrinterColumnSpec[] {
  const served = crd.spec.versions.find((v) => v.name === version);
  return (served?.additionalPrinterColumns ?? []).map((c) => ({ ...c }));
}
