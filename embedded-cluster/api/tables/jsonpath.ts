/**
 * The part of Kubernetes' JSONPath (k8s.io/client-go/util/jsonpath) that CRD
 * `additionalPrinterColumns` and `selectableFields` use, evaluated with missing
 * keys allowed (no result instead of an error):
 *
 *   .spec.replicas   .metadata.labels['app.kubernetes.io/name']   .spec.containers[0].image
 *   .items[-1]   .items[0:2]   .items[*].name   ..name
 *   .status.conditions[?(@.type=="Ready")].status   [?(@.port > 80)]   [?(@.ready)]
 *
 * Paths are written as in a CRD: `.a.b`, optionally wrapped in `{}`
 * (`RelaxedJSONPathExpression`).
 */

export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathError';
  }
}

type Literal = string | number | boolean | null;

type Step =
  | { kind: 'field'; names: string[] }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'index'; indices: number[] }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'filter'; left: Step[]; op: FilterOp; right?: Step[] | { literal: Literal } };

type FilterOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'exists';

class PathParser {
  private pos = 0;
  constructor(private readonly s: string) {}

  private peek(offset = 0): string {
    return this.s[this.pos + offset] ?? '';
  }

  private fail(what: string): never {
    throw new JsonPathError(`${what} at position ${this.pos} of ${JSON.stringify(this.s)}`);
  }

  /** Steps until the end, or until `stop` says to stop (inside a filter). */
  parseSteps(stop: (ch: string) => boolean = () => false): Step[] {
    const steps: Step[] = [];
    while (this.pos < this.s.length && !stop(this.peek())) {
      const ch = this.peek();
      if (ch === '.') {
        this.pos++;
        if (this.peek() === '.') {
          this.pos++;
          steps.push({ kind: 'recursive' });
        }
        if (this.peek() === '*') {
          this.pos++;
          steps.push({ kind: 'wildcard' });
        } else if (this.peek() === '[' || this.pos >= this.s.length || stop(this.peek())) {
          continue;
        } else {
          steps.push({ kind: 'field', names: [this.parseName()] });
        }
      } else if (ch === '[') {
        steps.push(this.parseBracket());
      } else if (ch === ' ') {
        this.pos++;
      } else {
        this.fail(`unexpected ${JSON.stringify(ch)}`);
      }
    }
    return steps;
  }

  private parseName(): string {
    let name = '';
    while (this.pos < this.s.length) {
      const ch = this.peek();
      if (ch === '\\' && this.peek(1) === '.') {
        name += '.';
        this.pos += 2;
        continue;
      }
      if (ch === '.' || ch === '[' || ch === ']' || ch === ' ' || ch === ')' || ch === '=' || ch === '!')
        break;
      if (ch === '<' || ch === '>') break;
      name += ch;
      this.pos++;
    }
    if (!name) this.fail('empty field name');
    return name;
  }

  private parseBracket(): Step {
    this.pos++; // [
    const close = this.s.indexOf(']', this.pos);
    if (this.peek() === '?') return this.parseFilter();
    if (close < 0) this.fail('unterminated [');
    const body = this.s.slice(this.pos, close).trim();
    this.pos = close + 1;
    if (body === '*') return { kind: 'wildcard' };
    if (body.startsWith("'") || body.startsWith('"')) {
      const names = body.split(',').map((part) => {
        const t = part.trim();
        const q = t[0];
        if (t.length < 2 || t[t.length - 1] !== q) this.fail(`bad quoted name ${t}`);
        return t.slice(1, -1);
      });
      return { kind: 'field', names };
    }
    if (body.includes(':')) {
      const [a, b, c] = body.split(':').map((p) => (p.trim() === '' ? undefined : this.int(p.trim())));
      return { kind: 'slice', start: a, end: b, step: c };
    }
    return { kind: 'index', indices: body.split(',').map((p) => this.int(p.trim())) };
  }

  private int(text: string): number {
    if (!/^-?\d+$/.test(text)) this.fail(`bad index ${JSON.stringify(text)}`);
    return Number(text);
  }

  /** `?(@.a.b OP value)` or `?(@.a.b)`, then `]`. */
  private parseFilter(): Step {
    this.pos++; // ?
    if (this.peek() !== '(') this.fail('expected ( after ?');
    this.pos++;
    this.skipSpaces();
    const left = this.parseOperandPath();
    this.skipSpaces();
    let op: FilterOp = 'exists';
    let right: Step[] | { literal: Literal } | undefined;
    const two = this.s.slice(this.pos, this.pos + 2);
    if (['==', '!=', '<=', '>='].includes(two)) {
      op = two as FilterOp;
      this.pos += 2;
    } else if (this.peek() === '<' || this.peek() === '>') {
      op = this.peek() as FilterOp;
      this.pos++;
    }
    if (op !== 'exists') {
      this.skipSpaces();
      right = this.peek() === '@' ? this.parseOperandPath() : { literal: this.parseLiteral() };
      this.skipSpaces();
    }
    if (this.peek() !== ')') this.fail('expected )');
    this.pos++;
    if (this.peek() !== ']') this.fail('expected ]');
    this.pos++;
    return { kind: 'filter', left, op, right };
  }

  private parseOperandPath(): Step[] {
    if (this.peek() !== '@') this.fail('expected @');
    this.pos++;
    return this.parseSteps(
      (ch) => ch === ')' || ch === ' ' || ch === '=' || ch === '!' || ch === '<' || ch === '>',
    );
  }

  private parseLiteral(): Literal {
    const ch = this.peek();
    if (ch === "'" || ch === '"') {
      const end = this.s.indexOf(ch, this.pos + 1);
      if (end < 0) this.fail('unterminated string');
      const text = this.s.slice(this.pos + 1, end);
      this.pos = end + 1;
      return text;
    }
    const m = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(this.s.slice(this.pos));
    if (!m) this.fail('expected a value');
    this.pos += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    return Number(m[0]);
  }

  private skipSpaces(): void {
    while (this.peek() === ' ') this.pos++;
  }
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function descendants(value: unknown, out: unknown[]): void {
  out.push(value);
  if (Array.isArray(value)) for (const v of value) descendants(v, out);
  else if (isMap(value)) for (const k of Object.keys(value).sort()) descendants(value[k], out);
}

function compare(op: FilterOp, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case 'exists':
      return true;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  }
  return false;
}

function apply(steps: readonly Step[], inputs: unknown[]): unknown[] {
  let current = inputs;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      switch (step.kind) {
        case 'field':
          if (isMap(value)) {
            for (const name of step.names) if (Object.hasOwn(value, name)) next.push(value[name]);
          }
          break;
        case 'wildcard':
          if (Array.isArray(value)) next.push(...value);
          else if (isMap(value)) for (const k of Object.keys(value).sort()) next.push(value[k]);
          break;
        case 'recursive':
          descendants(value, next);
          break;
        case 'index':
          if (Array.isArray(value)) {
            for (const i of step.indices) {
              const at = i < 0 ? value.length + i : i;
              if (at >= 0 && at < value.length) next.push(value[at]);
            }
          }
          break;
        case 'slice':
          if (Array.isArray(value)) {
            const len = value.length;
            const norm = (n: number) => (n < 0 ? Math.max(len + n, 0) : Math.min(n, len));
            const start = norm(step.start ?? 0);
            const end = norm(step.end ?? len);
            const by = step.step && step.step > 0 ? step.step : 1;
            for (let i = start; i < end; i += by) next.push(value[i]);
          }
          break;
        case 'filter':
          if (Array.isArray(value)) {
            for (const item of value) {
              const lefts = apply(step.left, [item]);
              if (lefts.length === 0) continue;
              if (step.op === 'exists') {
                next.push(item);
                continue;
              }
              const rights =
                step.right && 'literal' in step.right
                  ? [step.right.literal]
                  : apply(step.right ?? [], [item]);
              if (rights.length === 0) continue;
              if (compare(step.op, lefts[0], rights[0])) next.push(item);
            }
          }
          break;
      }
    }
    current = next;
  }
  return current;
}

/** A compiled path: `find(obj)` lists every value it reaches (none when a key is missing). */
export interface JsonPath {
  readonly expression: string;
  find(root: unknown): unknown[];
}

/** Compile a CRD-style path (`.a.b`, `{.a.b}`, `a.b`); throws {@link JsonPathError} when malformed. */
export function compileJsonPath(expression: string): JsonPath {
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expression);
  if (!m) {
    throw new JsonPathError(
      "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
    );
  }
  const body = `.${m[1] ?? m[2]}`;
  const steps = new PathParser(body).parseSteps();
  return { expression, find: (root) => apply(steps, [root]) };
}
