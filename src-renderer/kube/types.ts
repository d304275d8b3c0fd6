/**
 * The wire shapes the renderer's data layer reads: just enough of `metav1` (object metadata,
 * lists, `Status`, `Table`) and watch events. Objects stay loosely typed past their metadata,
 * since views read kind-specific fields themselves.
 */

/** An owner reference, as in `metav1.OwnerReference`. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The parts of `metav1.ObjectMeta` the data layer and the tables read. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [field: string]: unknown;
}

/** Any Kubernetes object: typed metadata, the rest left to whoever reads it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** `metav1.ListMeta`. */
export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/** A `<Kind>List`. */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

/** One cause of a `Status`, e.g. a field that failed validation (`field` is a path like `spec.replicas`). */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** `metav1.Status`, the body of every API error. */
export interface Status {
  kind: 'Status';
  apiVersion?: string;
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
}

/** A column of a server-side `Table` (`metav1.TableColumnDefinition`). */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  /** 0 for the columns `kubectl get` shows, higher for `-o wide`. */
  priority: number;
}

/** A row of a server-side `Table`; with `includeObject=Metadata` its object carries the row's metadata. */
export interface TableRow {
  cells: unknown[];
  conditions?: { type: string; status: string }[];
  object: KubeObject;
}

/** `metav1.Table`, what `kubectl get` prints. */
export interface Table {
  kind: 'Table';
  apiVersion?: string;
  metadata: ListMeta;
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

/** A watch event as the API server streams it, one JSON document per line. */
export type WatchEvent<T = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; object: KubeObject }
  | { type: 'ERROR'; object: Status };

/** Whether a parsed body is a `metav1.Status`. */
export function isStatus(value: unknown): value is Status {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}
