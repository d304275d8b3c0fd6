/**
 * Kubernetes resource quantities (`250m`, `64Mi`, `1.5`, `123456789n`, `1e3`) as numbers: CPU in
 * cores, memory in bytes — the serialization rules of apimachinery's `resource.Quantity`
 * (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).
 */

const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity's value (`250m` → 0.25, `1Ki` → 1024); NaN when it does not parse. */
export function parseQuantity(text: string | number | undefined): number {
  if (typeof text === 'number') return text;
  if (!text) return NaN;
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(text.trim());
  if (!match) return NaN;
  const [, number, suffix = ''] = match;
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  return factor === undefined ? NaN : Number(number) * factor;
}

/** Cores for display: `0.25` → `250m`, `2` → `2`, `0.0004` → `0.4m`. */
export function formatCpu(cores: number): string {
  if (!Number.isFinite(cores)) return '–';
  if (cores >= 1) return `${round(cores, 2)}`;
  const milli = cores * 1000;
  return `${milli >= 10 ? Math.round(milli) : round(milli, 1)}m`;
}

/** Bytes for display in binary units: `1536` → `1.5Ki`, `268435456` → `256Mi`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${round(value, value >= 100 ? 0 : 1)}${units[unit]}`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
