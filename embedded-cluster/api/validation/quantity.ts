/**
 * Resource quantities (`500m`, `1Gi`, `2e3`, `.65`) as
 * k8s.io/apimachinery/pkg/api/resource/quantity.go parses and prints them.
 *
 * A quantity is held exactly as a count of nano-units (value × 10⁹, rounded
 * up like Kubernetes rounds precision finer than nano) plus the format its
 * suffix chose, so it prints in the same canonical form the API server
 * returns: `1000m` → `1`, `.65` → `650m`, `1536Mi` stays, `1024Mi` → `1Gi`,
 * `0.3Ki` → `307200m`.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** Value × 10⁹. */
  nanos: bigint;
  format: QuantityFormat;
}

/** What the API server's decoder says about a malformed quantity (it answers 400 BadRequest). */
export const QUANTITY_REGEX_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** A body the decoder rejects before validation: the API server turns it into a 400 `BadRequest`. */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

const SPLIT = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const NANO = 1_000_000_000n;

const DECIMAL_SUFFIX: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** Parse a quantity from its JSON form (a string, or a bare number as Go's decoder also accepts). */
export function parseQuantity(input: unknown): Quantity {
  let s: string;
  if (typeof input === 'number' && Number.isFinite(input)) s = numberText(input);
  else if (typeof input === 'string') s = input.trim();
  else throw new DecodeError(QUANTITY_REGEX_MESSAGE);
  if (s.length === 0) throw new DecodeError(QUANTITY_REGEX_MESSAGE);
  const m = SPLIT.exec(s);
  if (!m) throw new DecodeError(QUANTITY_REGEX_MESSAGE);
  const numberPart = m[1]!;
  const suffix = m[2]!;
  let format: QuantityFormat;
  let base10Exp = 0;
  let base2Exp = 0;
  if (suffix in DECIMAL_SUFFIX) {
    format = 'DecimalSI';
    base10Exp = DECIMAL_SUFFIX[suffix]!;
  } else if (suffix in BINARY_SUFFIX) {
    format = 'BinarySI';
    base2Exp = BINARY_SUFFIX[suffix]!;
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = 'DecimalExponent';
    base10Exp = Number(suffix.slice(1));
  } else {
    throw new DecodeError("unable to parse quantity's suffix");
  }
  // The number part: optional sign, digits with at most one dot.
  const numMatch = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(numberPart);
  if (!numMatch || (numMatch[2] === '' && (numMatch[3] ?? '') === ''))
    throw new DecodeError(QUANTITY_REGEX_MESSAGE);
  const negative = numMatch[1] === '-';
  const intDigits = numMatch[2] || '0';
  const fracDigits = numMatch[3] ?? '';
  // value = (int.frac) × 10^base10Exp × 2^base2Exp; compute in nano units, rounding up (away from zero).
  let mantissa = BigInt(intDigits + fracDigits);
  let scale = base10Exp - fracDigits.length + 9; // value×1e9 = mantissa × 10^scale × 2^base2Exp
  if (base2Exp) mantissa *= 1n << BigInt(base2Exp);
  let nanos: bigint;
  if (scale >= 0) {
    if (scale > 60) throw new DecodeError('quantity is too large');
    nanos = mantissa * 10n ** BigInt(scale);
  } else {
    const div = 10n ** BigInt(-scale);
    nanos = mantissa / div;
    if (mantissa % div !== 0n) nanos += 1n;
    scale = 0;
  }
  return { nanos: negative ? -nanos : nanos, format };
}

/** Like {@link parseQuantity} but undefined instead of throwing. */
export function tryParseQuantity(input: unknown): Quantity | undefined {
  try {
    return parseQuantity(input);
  } catch {
    return undefined;
  }
}

function numberText(n: number): string {
  // JSON numbers such as 0.65 or 1e3: print without exponent where JS would use one for small values.
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const [mant, exp] = s.split(/e/i) as [string, string];
  return `${mant}e${Number(exp)}`;
}

/** The canonical string of a quantity, as `Quantity.String()`. */
export function formatQuantity(q: Quantity): string {
  const { nanos } = q;
  if (nanos === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    if (nanos > -1024n * NANO && nanos < 1024n * NANO) format = 'DecimalSI';
    else if (nanos % NANO !== 0n) format = 'DecimalSI';
  }
  const sign = nanos < 0n ? '-' : '';
  let abs = nanos < 0n ? -nanos : nanos;
  if (format === 'BinarySI') {
    abs /= NANO;
    let exp = 0;
    while (exp < 6 && abs % 1024n === 0n) {
      abs /= 1024n;
      exp++;
    }
    return sign + abs.toString() + ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][exp]!;
  }
  // Decimal: exponent (base 10) a multiple of 3 between -9 and 18, mantissa an integer.
  let exp = -9;
  while (exp < 18 && abs % 1000n === 0n) {
    abs /= 1000n;
    exp += 3;
  }
  if (format === 'DecimalExponent') return sign + abs.toString() + (exp === 0 ? '' : `e${exp}`);
  const suffix = Object.entries(DECIMAL_SUFFIX).find(([, e]) => e === exp)![0];
  return sign + abs.toString() + suffix;
}

/** Round up to a multiple of 10^(scale) units (scale -3 = milli), as `Quantity.RoundUp`. */
export function roundUp(q: Quantity, scale: number): Quantity {
  const unit = 10n ** BigInt(scale + 9);
  if (unit <= 1n) return q;
  const rem = q.nanos % unit;
  if (rem === 0n) return q;
  const nanos = q.nanos > 0n ? q.nanos - rem + unit : q.nanos - rem;
  return { nanos, format: q.format };
}

export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** `Quantity.Value()`: the value rounded up to an integer. */
export function quantityValue(q: Quantity): bigint {
  const whole = q.nanos / NANO;
  return q.nanos > 0n && q.nanos % NANO !== 0n ? whole + 1n : whole;
}

/** `Quantity.MilliValue()`, rounded up. */
export function quantityMilliValue(q: Quantity): bigint {
  const milli = q.nanos / 1_000_000n;
  return q.nanos > 0n && q.nanos % 1_000_000n !== 0n ? milli + 1n : milli;
}

/** A quantity field in canonical form (throws {@link DecodeError} when malformed). */
export function canonicalQuantity(input: unknown, opts: { roundToMilli?: boolean } = {}): string {
  let q = parseQuantity(input);
  if (opts.roundToMilli) q = roundUp(q, -3);
  return formatQuantity(q);
}
