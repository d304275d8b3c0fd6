import { DOC } from './descriptions.js';
import { humanDuration } from './human-duration.js';
import { compileJsonPath, type JsonPath } from './jsonpath.js';
import { column, NAME_COLUMN, type Printer, type TableColumnDefinition } from './types.js';

/**
 * Tables for custom resources, as apiextensions-apiserver builds them
 * (pkg/registry/customresource/tableconvertor/tableconvertor.go): a Name
 * column, then the served version's `additionalPrinterColumns` (or a single
 * Age column when it has none), each cell found by the column's JSONPath.
 */

/** A CRD version's `additionalPrinterColumns` entry. */
export interface PrinterColumnSpec {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** What a CRD version without printer columns serves (`serveDefaultColumnsIfEmpty`). */
export const DEFAULT_CUSTOM_RESOURCE_COLUMNS: readonly PrinterColumnSpec[] = [
  {
    name: 'Age',
    type: 'date',
    description: DOC['ObjectMeta.creationTimestamp'],
    jsonPath: '.metadata.creationTimestamp',
  },
];

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** `cellForJSONValue`: the cell for a non-string column, or null when the value does not fit. */
function typedCell(type: string, value: unknown, now: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      if (value === '' || value === 'null') return '<unknown>';
      const ms = RFC3339.test(value) ? Date.parse(value) : NaN;
      return Number.isNaN(ms) ? '<invalid>' : humanDuration(now - ms);
    }
    default:
      return null;
  }
}

/** Go's `%v` of a float64: shortest digits, exponent form below 1e-4 or from 1e6 up (`1e+06`). */
export function goFloat(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const [digits, exp] = v.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${digits}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(v);
}

/** `json.Marshal` as Go does it: map keys sorted, `<`, `>`, `&` escaped. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[<>&\u2028\u2029]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const entries = Object.keys(value as object)
    .sort()
    .map((k) => `${goJson(k)}:${goJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** `JSONPath.PrintResults` of one value: lists and maps as JSON, the rest as text. */
function textCell(value: unknown): string {
  if (value === null || value === undefined) return '<no value>';
  if (typeof value === 'object') return goJson(value);
  if (typeof value === 'number') return goFloat(value);
  return String(value);
}

function compile(path: string): JsonPath | undefined {
  try {
    return compileJsonPath(path);
  } catch {
    return undefined;
  }
}

/** The printer for a custom resource version with these printer columns (empty: the default Age column). */
export function customResourcePrinter(printerColumns: readonly PrinterColumnSpec[] | undefined): Printer {
  const specs = printerColumns && printerColumns.length ? printerColumns : DEFAULT_CUSTOM_RESOURCE_COLUMNS;
  const columns: TableColumnDefinition[] = [
    NAME_COLUMN,
    ...specs.map((c) =>
      column(
        c.name,
        c.type,
        c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        {
          priority: c.priority ?? 0,
          format: c.format ?? '',
        },
      ),
    ),
  ];
  const paths = specs.map((c) => compile(c.jsonPath));
  return {
    columns,
    print(o, { now }) {
      const cells: unknown[] = [o.metadata?.name ?? ''];
      specs.forEach((spec, i) => {
        const found = paths[i]?.find(o) ?? [];
        if (found.length === 0) cells.push(null);
        else if (spec.type === 'string') cells.push(textCell(found[0]));
        else cells.push(typedCell(spec.type, found[0], now));
      });
      return { cells };
    },
  };
}
