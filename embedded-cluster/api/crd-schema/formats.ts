import { isIP, isIPv4, isIPv6 } from 'node:net';

/**
 * The string formats a CRD schema's `format` is checked against. Kubernetes
 * keeps only the formats in `supportedVersionedFormats`
 * (apiextensions-apiserver/pkg/apiserver/validation/formats.go) and strips
 * every other one before validating, so `int32`, `int64`, `float`, `double`
 * and unknown names are accepted without any check — a 3000000000 in an
 * `int32` field passes, as it does against a real cluster.
 *
 * The checks follow kube-openapi's `strfmt` registry (default.go, time.go,
 * date.go, duration.go, bson.go) and the govalidator functions it calls.
 * `email` and `uri` approximate Go's `net/mail.ParseAddress` and
 * `net/url.ParseRequestURI`; the others are exact.
 */

const RFC3339_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_TAIL = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const L = 'a-zA-Z0-9\\p{S}\\p{L}';
const HOSTNAME = new RegExp(
  `^([${L}]((-?[${L}]{0,62})?)|([${L}](([${L}\\-]{0,61}[${L}])?)(\\.)){1,}([${L}])(-?[${L}]){1,62})$`,
  'u',
);
const HEX_COLOR = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const OCTET = '(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])';
const RGB_COLOR = new RegExp(`^rgb\\(\\s*${OCTET}\\s*,\\s*${OCTET}\\s*,\\s*${OCTET}\\s*\\)$`);
const SSN = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const CREDIT_CARD =
  /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})$/;
const DURATION_SHAPE = /^\s*(?:\d+\s*[A-Za-zµ]+\s*)+$/u;
const DURATION_PART = /(\d+)\s*([A-Za-zµ]+)/gu;
const DURATION_UNITS = [
  ['ns', 'nano'],
  ['us', 'µs', 'micro'],
  ['ms', 'milli'],
  ['s', 'sec'],
  ['m', 'min'],
  ['h', 'hr', 'hour'],
  ['d', 'day'],
  ['w', 'wk', 'week'],
];

/** `time.Parse("2006-01-02", s)`: the day must exist in that month. */
export function isDate(s: string): boolean {
  const m = RFC3339_DATE.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** strfmt `IsDateTime`: a date, a `t`, and `hh:mm:ss[.frac](z|±hh:mm)`, case-insensitively. */
export function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0]!)) return false;
  const m = DATE_TIME_TAIL.exec(parts[1]!);
  if (!m) return false;
  return m[1]! <= '23' && m[2]! <= '59' && m[3]! <= '59';
}

/** `time.ParseDuration` (`1h30m`, `300ms`, `-1.5h`). */
function isGoDuration(s: string): boolean {
  if (s === '0') return true;
  return /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/u.test(s);
}

/** strfmt `ParseDuration`: Go durations, or `3 days`-style terms. */
export function isDuration(s: string): boolean {
  if (isGoDuration(s)) return true;
  if (!DURATION_SHAPE.test(s)) return false;
  let ok = false;
  for (const m of s.matchAll(DURATION_PART)) {
    const unit = m[2]!.trim().toLowerCase();
    for (const variants of DURATION_UNITS) {
      const last = variants.length - 1;
      variants.forEach((variant, i) => {
        if ((i === last && unit.startsWith(variant)) || variant.toLowerCase() === unit) ok = true;
      });
    }
  }
  return ok;
}

function isISBN10(s: string): boolean {
  const d = s.replace(/[\s-]/g, '');
  if (!/^\d{9}[\dX]$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (i + 1) * Number(d[i]);
  sum += d[9] === 'X' ? 100 : 10 * Number(d[9]);
  return sum % 11 === 0;
}

function isISBN13(s: string): boolean {
  const d = s.replace(/[\s-]/g, '');
  if (!/^\d{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(d[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(d[12]);
}

function isCreditCard(s: string): boolean {
  const d = s.replace(/[^0-9]+/g, '');
  if (!CREDIT_CARD.test(d)) return false;
  let sum = 0;
  let double = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let n = Number(d[i]);
    if (double) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

function isHostname(s: string): boolean {
  return HOSTNAME.test(s) && s.length <= 255 && s.split('.').every((p) => p.length <= 63);
}

/** `net.ParseMAC`: 6, 8 or 20 octets as `aa:bb:…`, `aa-bb-…` or `aabb.ccdd.…`. */
function isMAC(s: string): boolean {
  return (
    /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}((\1[0-9a-f]{2}){2}((\1[0-9a-f]{2}){12})?)?$/i.test(s) ||
    /^[0-9a-f]{4}(\.[0-9a-f]{4}){2}((\.[0-9a-f]{4})((\.[0-9a-f]{4}){6})?)?$/i.test(s)
  );
}

function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || ip.includes('%')) return false;
  if (isIPv4(ip)) return Number(bits) <= 32;
  return isIPv6(ip) && Number(bits) <= 128;
}

/** `url.ParseRequestURI`: an absolute URI or an absolute path. */
function isRequestURI(s: string): boolean {
  if (s.startsWith('/')) return !/\s/.test(s);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) || /\s/.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/** `mail.ParseAddress`, roughly: `local@domain` or `Name <local@domain>`. */
function isEmail(s: string): boolean {
  const addr = /^[^<>]*<([^<>]+)>\s*$/.exec(s)?.[1] ?? s.trim();
  return (
    /^[^\s@"(),:;<>[\\\]]+@[^\s@"(),:;<>[\\\]]+$/.test(addr) && !addr.startsWith('.') && !addr.includes('..')
  );
}

/** The registry, by normalized name (`date-time` → `datetime`). */
const FORMATS: Record<string, (s: string) => boolean> = {
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
  uri: isRequestURI,
  email: isEmail,
  hostname: isHostname,
  ipv4: (s) => isIP(s) !== 0 && !s.includes('%') && s.includes('.'),
  ipv6: (s) => isIP(s) !== 0 && !s.includes('%') && s.includes(':'),
  cidr: isCIDR,
  mac: isMAC,
  uuid: (s) => UUID.test(s),
  uuid3: (s) => UUID3.test(s),
  uuid4: (s) => UUID4.test(s),
  uuid5: (s) => UUID5.test(s),
  isbn: (s) => isISBN10(s) || isISBN13(s),
  isbn10: isISBN10,
  isbn13: isISBN13,
  creditcard: isCreditCard,
  ssn: (s) => s.length === 11 && SSN.test(s),
  hexcolor: (s) => HEX_COLOR.test(s),
  rgbcolor: (s) => RGB_COLOR.test(s),
  byte: (s) => BASE64.test(s),
  password: () => true,
  date: isDate,
  duration: isDuration,
  datetime: isDateTime,
};

/**
 * The format Kubernetes validates for a schema, or `''` when it strips it
 * (`StripUnsupportedFormatsPostProcessorForVersion`): `date-time` stays
 * `date-time`, `int32` becomes `''`.
 */
export function effectiveFormat(format: string | undefined): string {
  if (!format) return '';
  return Object.prototype.hasOwnProperty.call(FORMATS, format.replace(/-/g, '')) ? format : '';
}

/** Whether `value` is valid for a (supported) format; `FormatOf` in kube-openapi's values.go. */
export function checkFormat(format: string, value: string): boolean {
  const check = FORMATS[format.replace(/-/g, '')];
  return check ? check(value) : true;
}
