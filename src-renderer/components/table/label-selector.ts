/**
 * A label selector as users type it in the table's filter box, parsed and checked before it is
 * sent to the server as `labelSelector`, so a typo shows as a message under the box instead of a
 * 400 from every informer. The grammar and the key/value rules are apimachinery's
 * (https://github.com/kubernetes/apimachinery/blob/master/pkg/labels/selector.go, `Parse`):
 *
 *   selector    := requirement ( ',' requirement )*
 *   requirement := key | '!' key | key ('=' | '==' | '!=') value
 *                | key ('in' | 'notin') '(' values ')' | key ('>' | '<') integer
 *   values      := value ( ',' value )*     (a value may be empty)
 */
export type Operator = 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export type ParsedSelector =
  | { ok: true; requirements: Requirement[]; /** The canonical text sent to the server. */ text: string }
  | { ok: false; error: string; /** Character offset of the problem. */ at: number };

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'op'; text: string; at: number }
  | { kind: 'end'; at: number };

const OPERATOR_CHARS = '=!(),<>';
const TWO_CHAR_OPS = new Set(['==', '!=']);

function tokenize(input: string): Token[] | { error: string; at: number } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (OPERATOR_CHARS.includes(c)) {
      const two = input.slice(i, i + 2);
      if (TWO_CHAR_OPS.has(two)) {
        tokens.push({ kind: 'op', text: two, at: i });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: c, at: i });
        i++;
      }
      continue;
    }
    const start = i;
    while (i < input.length && !/\s/.test(input[i]!) && !OPERATOR_CHARS.includes(input[i]!)) i++;
    tokens.push({ kind: 'word', text: input.slice(start, i), at: start });
  }
  tokens.push({ kind: 'end', at: input.length });
  return tokens;
}

/** A label name: at most 63 characters, alphanumeric at both ends, `-`, `_`, `.` inside. */
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A DNS-1123 subdomain, the optional prefix of a key (`app.kubernetes.io/name`). */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid label key, or undefined when it is. */
export function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !SUBDOMAIN.test(prefix))) {
    return `the prefix of "${key}" must be a DNS subdomain (lower case, e.g. app.kubernetes.io)`;
  }
  if (!NAME.test(name)) {
    return `"${key}" is not a valid label key: at most 63 characters, letters and digits at both ends, "-", "_" or "." inside`;
  }
  return undefined;
}

/** Why `value` is not a valid label value (which may be empty), or undefined when it is. */
export function valueProblem(value: string): string | undefined {
  if (value === '' || NAME.test(value)) return undefined;
  return `"${value}" is not a valid label value: at most 63 characters, letters and digits at both ends, "-", "_" or "." inside`;
}

/** Parse a selector; an empty or blank one selects everything. */
export function parseLabelSelector(input: string): ParsedSelector {
  const tokens = tokenize(input);
  if (!Array.isArray(tokens)) return { ok: false, ...tokens };
  let pos = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const fail = (error: string, at: number): ParsedSelector => ({ ok: false, error, at });
  const requirements: Requirement[] = [];
  if (peek().kind === 'end') return { ok: true, requirements, text: '' };

  for (;;) {
    let token = next();
    let negated = false;
    if (token.kind === 'op' && token.text === '!') {
      negated = true;
      token = next();
    }
    if (token.kind !== 'word') return fail('a label key was expected', token.at);
    const key = token.text;
    const problem = keyProblem(key);
    if (problem) return fail(problem, token.at);

    const op = peek();
    if (negated) {
      requirements.push({ key, operator: '!exists', values: [] });
    } else if (op.kind === 'end' || (op.kind === 'op' && op.text === ',')) {
      requirements.push({ key, operator: 'exists', values: [] });
    } else if (op.kind === 'op' && (op.text === '=' || op.text === '==' || op.text === '!=')) {
      next();
      const value = peek();
      let text = '';
      if (value.kind === 'word') {
        text = value.text;
        next();
      } else if (!(value.kind === 'end' || (value.kind === 'op' && value.text === ','))) {
        return fail(`a value was expected after "${op.text}"`, value.at);
      }
      const bad = valueProblem(text);
      if (bad) return fail(bad, value.at);
      requirements.push({ key, operator: op.text === '!=' ? '!=' : '=', values: [text] });
    } else if (op.kind === 'op' && (op.text === '>' || op.text === '<')) {
      next();
      const value = next();
      if (value.kind !== 'word' || !/^-?\d+$/.test(value.text)) {
        return fail(`an integer was expected after "${op.text}"`, value.at);
      }
      requirements.push({ key, operator: op.text === '>' ? 'gt' : 'lt', values: [value.text] });
    } else if (op.kind === 'word' && (op.text === 'in' || op.text === 'notin')) {
      next();
      const open = next();
      if (open.kind !== 'op' || open.text !== '(')
        return fail(`"(" was expected after "${op.text}"`, open.at);
      const first = peek();
      if (first.kind === 'op' && first.text === ')') {
        return fail(`"${op.text}" needs at least one value`, first.at);
      }
      const values: string[] = [];
      for (;;) {
        const value = peek();
        let text = '';
        if (value.kind === 'word') {
          text = value.text;
          next();
        }
        const bad = valueProblem(text);
        if (bad) return fail(bad, value.at);
        values.push(text);
        const sep = next();
        if (sep.kind === 'op' && sep.text === ')') break;
        if (sep.kind !== 'op' || sep.text !== ',') return fail('"," or ")" was expected', sep.at);
      }
      requirements.push({ key, operator: op.text, values: [...new Set(values)].sort() });
    } else {
      return fail('"=", "==", "!=", "in", "notin", ">", "<" or "," was expected', op.at);
    }

    const sep = next();
    if (sep.kind === 'end') break;
    if (sep.kind !== 'op' || sep.text !== ',') return fail('"," was expected between requirements', sep.at);
  }
  return { ok: true, requirements, text: requirements.map(formatRequirement).join(',') };
}

/** A requirement as the server reads it (`app=web`, `!canary`, `env in (a,b)`). */
export function formatRequirement(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!exists':
      return `!${r.key}`;
    case '=':
    case '!=':
      return `${r.key}${r.operator}${r.values[0] ?? ''}`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
  }
}

/** Whether `labels` satisfy every requirement (the server's semantics, for tests and previews). */
export function matchesSelector(
  requirements: readonly Requirement[],
  labels: Record<string, string> = {},
): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.operator) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
      case 'in':
        return has && r.values.includes(value!);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(value!);
      case 'gt':
      case 'lt': {
        const n = Number(value);
        if (!has || !/^-?\d+$/.test(value!)) return false;
        return r.operator === 'gt' ? n > Number(r.values[0]) : n < Number(r.values[0]);
      }
    }
  });
}
