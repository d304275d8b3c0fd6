import type { FieldProblem } from '../catalog.js';
import { errors, type FieldCause, type FieldErrorType, type StatusError } from '../errors.js';
import { GoSyntax } from './problems.js';

/**
 * Turns {@link FieldProblem}s into the `details.causes` of a 422 `Status`,
 * worded exactly as `field.Error.ErrorBody()` words them
 * (k8s.io/apimachinery/pkg/util/validation/field/errors.go):
 *
 *     Required value: <detail>
 *     Invalid value: "Foo": a lowercase RFC 1123 subdomain must consist of …
 *     Unsupported value: "x": supported values: "a", "b"
 *     Forbidden: <detail>
 *     Duplicate value: "x"
 *     Too long: must have at most 63 bytes
 *
 * Values print as Go prints them: strings quoted (`%q`), numbers and booleans
 * bare, `null` for nil, and anything else in Go syntax (`%#v`), for which
 * validators pass a {@link GoSyntax} rendering.
 */
export function formatProblem(p: FieldProblem): FieldCause {
  return { reason: REASON[p.type], field: p.field, message: errorBody(p) };
}

export function formatProblems(problems: readonly FieldProblem[]): FieldCause[] {
  return problems.map(formatProblem);
}

/** The message of one problem without its field, e.g. `Required value`. */
export function errorBody(p: FieldProblem): string {
  let s: string;
  switch (p.type) {
    case 'Required':
    case 'Forbidden':
    case 'TooLong':
      s = TITLE[p.type];
      break;
    default:
      s = `${TITLE[p.type]}: ${printValue(p.value)}`;
  }
  const detail =
    p.type === 'NotSupported' && p.supported && p.supported.length > 0
      ? 'supported values: ' + p.supported.map(goQuote).join(', ')
      : p.detail;
  if (detail) s += `: ${detail}`;
  return s;
}

/** `<field>: <body>`, as `field.Error.Error()`. */
export function problemString(p: FieldProblem): string {
  return `${p.field}: ${errorBody(p)}`;
}

/**
 * The 422 `Invalid` error Kubernetes returns for these problems
 * (`apierrors.NewInvalid`): the message lists each distinct problem once,
 * bracketed when there are several, while `details.causes` keeps them all.
 */
export function invalidError(group: string, kind: string, name: string, problems: readonly FieldProblem[]) {
  const err: StatusError = errors.invalid(group, kind, name, formatProblems(problems));
  const distinct = [...new Set(problems.map(problemString))];
  const gk = group ? `${kind}.${group}` : kind;
  const summary = distinct.length === 1 ? distinct[0]! : `[${distinct.join(', ')}]`;
  err.status.message = distinct.length
    ? `${gk} "${name}" is invalid: ${summary}`
    : `${gk} "${name}" is invalid`;
  err.message = err.status.message;
  return err;
}

const REASON: Record<FieldProblem['type'], FieldErrorType> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  Duplicate: 'FieldValueDuplicate',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  NotFound: 'FieldValueNotFound',
  TypeInvalid: 'FieldValueTypeInvalid',
};

const TITLE: Record<FieldProblem['type'], string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  NotSupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  Duplicate: 'Duplicate value',
  TooLong: 'Too long',
  TooMany: 'Too many',
  NotFound: 'Not found',
  TypeInvalid: 'Invalid value',
};

/** A value as `ErrorBody` prints it. */
export function printValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof GoSyntax) return v.text;
  return goSyntax(v);
}

/** Go's `strconv.Quote`: printable runes stay, the rest are escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (isPrintable(ch, cp)) out += ch;
    else if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

function isPrintable(ch: string, cp: number): boolean {
  if (cp === 0x20) return true;
  if (/\p{Zs}/u.test(ch)) return false;
  return !NON_PRINTABLE.test(ch);
}

/**
 * A JSON value in Go syntax, approximating `%#v` of the decoded Go value:
 * maps of strings as `map[string]string{"a":"b"}`, lists of strings as
 * `[]string{"a", "b"}`, other objects as `map[string]interface {}{…}`.
 */
export function goSyntax(v: unknown): string {
  if (v instanceof GoSyntax) return v.text;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return `[]string{${v.map(goQuote).join(', ')}}`;
    return `[]interface {}{${v.map(goSyntax).join(', ')}}`;
  }
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    if (entries.every(([, x]) => typeof x === 'string'))
      return `map[string]string{${entries.map(([k, x]) => `${goQuote(k)}:${goQuote(x as string)}`).join(', ')}}`;
    return `map[string]interface {}{${entries.map(([k, x]) => `${goQuote(k)}:${goSyntax(x)}`).join(', ')}}`;
  }
  if (typeof v === 'string') return goQuote(v);
  if (v === undefined || v === null) return '<nil>';
  return String(v);
}

/** `map[string]string{…}`, or `map[string]string(nil)` for a missing map. */
export function goStringMap(m: Record<string, string> | undefined | null): GoSyntax {
  if (m === undefined || m === null) return new GoSyntax('map[string]string(nil)');
  return new GoSyntax(goSyntax(m).replace(/^map\[string\]interface \{\}/, 'map[string]string'));
}
