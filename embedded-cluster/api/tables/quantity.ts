import { formatQuantity, tryParseQuantity } from '../validation/quantity.js';

/**
 * `resource.Quantity.String()`: the canonical form of a quantity, as printers
 * show capacities and quota usage ("1024Mi" → "1Gi", "1.5Gi" → "1536Mi",
 * "0.5" → "500m"); input that is not a quantity is returned unchanged.
 */
export function canonicalQuantity(text: string): string {
  const quantity = tryParseQuantity(text);
  return quantity ? formatQuantity(quantity) : text;
}

/** A quantity from an object (string or number), canonical; `0` when missing. */
export function quantityString(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'string') return canonicalQuantity(String(value));
  return '0';
}
