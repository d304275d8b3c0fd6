import { errors } from '../errors.js';
import { goCompare } from './go-format.js';
import { SelectorError } from './label-requirement.js';

/**
 * Field selectors as `fields.ParseSelector` reads them
 * (k8s.io/apimachinery/pkg/fields/selector.go): comma-separated terms
 * `field=value`, `field==value` or `field!=value`; in values `\,`, `\=` and
 * `\\` stand for the literal characters, and an unescaped `=` is an error.
 */

/** One term; `==` is stored as `=`, as Kubernetes' `hasTerm` does. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** The selectable fields of one object: name → value; a missing name reads as `''`. */
export type FieldSet = Readonly<Record<string, string>>;

/**
 * A parsed field selector: every term must hold.
 *
 * @example
 *   parseFieldSelector('status.phase!=Running,spec.nodeName=n1').matches({ 'status.phase': 'Pending', 'spec.nodeName': 'n1' }) // true
 */
export class FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {}

  static readonly everything = new FieldSelector([]);

  matches(fields: FieldSet): boolean {
    return this.requirements.every((r) => {
      const actual = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field]! : '';
      return r.operator === '=' ? actual === r.value : actual !== r.value;
    });
  }

  empty(): boolean {
    return this.requirements.length === 0;
  }

  /** `f=v,g!=w`, values unescaped, as `Selector.String` prints them. */
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${r.value}`).join(',');
  }

  /** The value an `=` term requires for `field`, if there is one. */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }

  /** Rewrite every term, as `Selector.Transform` does; `fn` may throw. */
  transform(fn: (field: string, value: string) => { field: string; value: string }): FieldSelector {
    return new FieldSelector(this.requirements.map((r) => ({ ...r, ...fn(r.field, r.value) })));
  }
}

/** `fields.EscapeValue`: make any string safe to use as a field selector value. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** `fields.UnescapeValue`. */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  let inSlash = false;
  for (const c of value) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v: its code point.
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Split on commas that are not escaped; the escapes stay in the terms. */
function splitTerms(text: string): string[] {
  if (text.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** The first operator in the term splits it; the left side has no escapes. */
function splitTerm(
  term: string,
): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/**
 * Parse a field selector; throws a {@link SelectorError} with Kubernetes'
 * message. Terms come out sorted by their text, as Kubernetes sorts them.
 */
export function parseFieldRequirements(text: string): FieldRequirement[] {
  const parts = splitTerms(text).sort(goCompare);
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw new SelectorError(`invalid selector: '${text}'; can't understand '${part}'`);
    const value = unescapeFieldValue(split.rhs);
    requirements.push({ field: split.lhs, operator: split.op === '!=' ? '!=' : '=', value });
  }
  return requirements;
}

/** Parse `?fieldSelector=`; a malformed one is a 400 BadRequest with Kubernetes' message. */
export function parseFieldSelector(text: string): FieldSelector {
  try {
    return new FieldSelector(parseFieldRequirements(text));
  } catch (e) {
    if (e instanceof SelectorError) throw errors.badRequest(e.message);
    throw e;
  }
}
