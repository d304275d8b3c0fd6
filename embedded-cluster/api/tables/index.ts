/**
 * Server-side printing: `meta.k8s.io/v1` Tables with the columns and cells of
 * Kubernetes v1.32's printers. See table.ts.
 */
export {
  crdPrinterColumns,
  tableColumnsFor,
  toTable,
  type IncludeObject,
  type ToTableOptions,
} from './table.js';
export {
  customResourcePrinter,
  DEFAULT_CUSTOM_RESOURCE_COLUMNS,
  type PrinterColumnSpec,
} from './custom-resources.js';
export type { Table, TableColumnDefinition, TableListMeta, TableRow, TableRowCondition } from './types.js';
export { humanDuration } from './human-duration.js';
export { canonicalQuantity } from './quantity.js';
export { compileJsonPath, JsonPathError, type JsonPath } from './jsonpath.js';
