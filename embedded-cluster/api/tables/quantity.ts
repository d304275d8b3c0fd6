/**
 * `resource.Quantity.String()`: the canonical form of a quantity, as printers
 * show capacities and quota usage (k8s.io/apimachinery/pkg/api/resource/quantity.go).
 *
 *   "1Gi" → "1Gi", "1024Mi" → "1Gi", "1.5Gi" → "1536Mi", "1000M" → "1G",
 *   "1500" → "1500", "0.5" → "500m", "1e3" → "1e3", "100Mi"... unchanged.
 *
 * Values are parsed exactly (BigInt), rounded up to nano units as Kubernetes
 * does, and printed in the format of their suffix (binary SI, decimal SI or
 * decimal exponent); a binary value below 1Ki or not whole is printed decimal.
 */

const DECIMAL_SUFFIXES: Record<string, number> = {
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
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = Object.fromEntries(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = Object.fromEntries(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

/** value = mantissa × 10^exponent */
interface Decimal {
  mantissa: bigint;
  exponent: number;
}

const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

function parse(text: string): { value: Decimal; format: Format } | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const [, sign, whole, fraction = '', suffix, exp] = m;
  let mantissa = BigInt(`${whole}${fraction}` || '0');
  let exponent = -fraction.length;
  let format: Format = 'DecimalSI';
  if (suffix && suffix in BINARY_SUFFIXES) {
    mantissa *= 2n ** BigInt(BINARY_SUFFIXES[suffix]!);
    format = 'BinarySI';
  } else if (suffix) {
    exponent += DECIMAL_SUFFIXES[suffix]!;
  } else if (exp !== undefined) {
    exponent += Number(exp);
    format = 'DecimalExponent';
  }
  if (sign === '-') mantissa = -mantissa;
  return { value: roundUpToNano({ mantissa, exponent }), format };
}

/** Kubernetes keeps nine decimal places, rounding away from zero. */
function roundUpToNano(d: Decimal): Decimal {
  if (d.exponent >= -9 || d.mantissa === 0n) return d;
  const divisor = 10n ** BigInt(-9 - d.exponent);
  let q = d.mantissa / divisor;
  if (q * divisor !== d.mantissa) q += d.mantissa > 0n ? 1n : -1n;
  return { mantissa: q, exponent: -9 };
}

function removeFactors(value: bigint, base: bigint): { amount: bigint; times: number } {
  let amount = value;
  let times = 0;
  while (amount !== 0n && amount % base === 0n) {
    amount /= base;
    times++;
  }
  return { amount, times };
}

/** Decimal digits and an exponent that is a multiple of three (`AsCanonicalBytes`). */
function canonicalDecimal(d: Decimal): { number: string; exponent: number } {
  const { amount, times } = removeFactors(d.mantissa, 10n);
  let exponent = d.exponent + times;
  let mantissa = amount;
  const rem = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(rem);
  exponent -= rem;
  return { number: mantissa.toString(), exponent };
}

/** The canonical string of a quantity; input that is not a quantity is returned unchanged. */
export function canonicalQuantity(text: string): string {
  const parsed = parse(text);
  if (!parsed) return text;
  const { value, format } = parsed;
  if (value.mantissa === 0n) return '0';
  if (format === 'BinarySI') {
    const whole = value.exponent >= 0 ? value.mantissa * 10n ** BigInt(value.exponent) : undefined;
    const exact = whole !== undefined || value.mantissa % 10n ** BigInt(-value.exponent) === 0n;
    const integer = whole ?? value.mantissa / 10n ** BigInt(-value.exponent);
    if (exact && (integer <= -1024n || integer >= 1024n)) {
      const { amount, times } = removeFactors(integer, 1024n);
      return `${amount}${BINARY_BY_EXPONENT[times * 10] ?? ''}`;
    }
  }
  const { number, exponent } = canonicalDecimal(value);
  if (format === 'DecimalExponent') return exponent === 0 ? number : `${number}e${exponent}`;
  return `${number}${DECIMAL_BY_EXPONENT[exponent] ?? `e${exponent}`}`;
}

/** A quantity from an object (string or number), canonical; `0` when missing. */
export function quantityString(value: unknown): string {
  if (typeof value === 'number') return canonicalQuantity(String(value));
  if (typeof value === 'string') return canonicalQuantity(value);
  return '0';
}
