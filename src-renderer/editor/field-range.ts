import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import { LineIndex, type TextRange } from './deprecations/text-range.js';

/**
 * One step of a field path:
 * - `key`: a field or map key (`spec`, `labels[app]`'s `app`);
 * - `index`: a list item by position (`containers[0]`);
 * - `match`: a list item by its key fields, as server-side apply names them
 *   (`containers[name="web"]`, `ports[containerPort=80,protocol="TCP"]`);
 * - `value`: a set item by value (`finalizers[="example.com/x"]`).
 */
export type PathSegment =
  { key: string } | { index: number } | { match: Record<string, unknown> } | { value: unknown };

/**
 * A field path as the API server writes it, in either of its two spellings:
 * validation errors' `field.Path` (`spec.template.spec.containers[0].image`,
 * `metadata.labels[app.kubernetes.io/name]`; k8s.io/apimachinery/pkg/util/validation/field/path.go)
 * and server-side apply's `fieldpath.Path` in conflicts (`.spec.containers[name="web"].image`;
 * sigs.k8s.io/structured-merge-diff/fieldpath/serialize-pe.go). A bracket that is neither a
 * number nor `k=v` pairs is a map key, which may contain dots.
 */
export function parseFieldPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  let word = '';
  const flush = () => {
    if (word !== '') segments.push({ key: word });
    word = '';
  };
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const close = closingBracket(path, i);
      segments.push(bracketSegment(path.slice(i + 1, close)));
      i = close + 1;
    } else {
      word += c;
      i++;
    }
  }
  flush();
  return segments;
}

/** Where a field path points in a document, and whether all of it was found. */
export interface FieldLocation {
  range: TextRange;
  /** False when only a prefix of the path exists in the text (e.g. a required field is missing). */
  exact: boolean;
  /** How many segments were found. */
  depth: number;
}

/**
 * The text range of a field path in one parsed document of `text`: the field's key and scalar
 * value (`replicas: "three"`), or its key alone when the value is a block; a list item's first
 * line. Where the path goes further than the text, the deepest field found; where none is, the
 * document's first line.
 */
export function fieldRange(
  doc: Document.Parsed,
  text: string,
  path: string | readonly PathSegment[],
  lines: LineIndex = new LineIndex(text),
): FieldLocation {
  const segments = typeof path === 'string' ? parseFieldPath(path) : path;
  let node: unknown = doc.contents;
  let marked: { start: number; end: number } | undefined;
  let depth = 0;
  for (let s = 0; s < segments.length; s++) {
    const step = resolveStep(node, segments, s, text);
    if (!step) break;
    node = step.node;
    marked = step.mark;
    depth = s + step.consumed;
    s += step.consumed - 1;
  }
  if (!marked) return { range: firstLine(doc, text, lines), exact: segments.length === 0, depth: 0 };
  return { range: lines.range(marked.start, marked.end), exact: depth === segments.length, depth };
}

interface Step {
  node: unknown;
  mark: { start: number; end: number };
  /** Segments used: more than one when a map key contains dots (`a.b/c` split by SSA's spelling). */
  consumed: number;
}

function resolveStep(
  node: unknown,
  segments: readonly PathSegment[],
  at: number,
  text: string,
): Step | undefined {
  const segment = segments[at]!;
  if (isMap(node) && 'key' in segment) {
    // SSA writes map keys after a dot, so `example.com/x` arrives as `example`, `com/x`.
    let key = segment.key;
    for (let n = 1; at + n <= segments.length; n++) {
      const pair = pairOf(node.items, key);
      if (pair) return { node: pair.value, mark: pairMark(pair), consumed: n };
      const next = segments[at + n];
      if (!next || !('key' in next)) break;
      key = `${key}.${next.key}`;
    }
    return undefined;
  }
  if (isMap(node) && 'index' in segment) {
    const pair = pairOf(node.items, String(segment.index));
    return pair ? { node: pair.value, mark: pairMark(pair), consumed: 1 } : undefined;
  }
  if (!isSeq(node)) return undefined;
  let item: unknown;
  if ('index' in segment) item = node.items[segment.index];
  else if ('match' in segment) item = node.items.find((i) => matches(i, segment.match));
  else if ('value' in segment) item = node.items.find((i) => isScalar(i) && i.value === segment.value);
  const range = (item as Node | undefined)?.range;
  if (!range) return undefined;
  // A block item is marked on its first line only: the whole item would cover the screen.
  const end = isScalar(item) ? range[1] : Math.min(range[1], lineEnd(text, range[0]));
  return { node: item, mark: { start: range[0], end }, consumed: 1 };
}

function pairOf(items: readonly unknown[], key: string): Pair<Node, Node | null> | undefined {
  return items.find(
    (p): p is Pair<Node, Node | null> => isPair(p) && isScalar(p.key) && String(p.key.value) === key,
  );
}

/** The key, through the value when it is a scalar on the key's line. */
function pairMark(pair: Pair<Node, Node | null>): { start: number; end: number } {
  const key = pair.key.range!;
  const value = pair.value;
  if (isScalar(value) && value.range) return { start: key[0], end: Math.max(key[1], value.range[1]) };
  return { start: key[0], end: key[1] };
}

function matches(item: unknown, fields: Record<string, unknown>): boolean {
  if (!isMap(item)) return false;
  return Object.entries(fields).every(([key, value]) => {
    const pair = pairOf(item.items, key);
    return isScalar(pair?.value) && String(pair.value.value) === String(value);
  });
}

function firstLine(doc: Document.Parsed, text: string, lines: LineIndex): TextRange {
  const start = Math.min(doc.contents?.range?.[0] ?? doc.range[0], text.length);
  return lines.range(start, lineEnd(text, start));
}

function lineEnd(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline;
}

function closingBracket(path: string, open: number): number {
  let quoted = false;
  for (let i = open + 1; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ']' && !quoted) return i;
  }
  return path.length;
}

function bracketSegment(inner: string): PathSegment {
  if (/^\d+$/.test(inner)) return { index: Number(inner) };
  if (inner.startsWith('=')) return { value: jsonValue(inner.slice(1)) };
  const pairs = splitPairs(inner);
  if (pairs) return { match: Object.fromEntries(pairs) };
  return { key: inner };
}

/** `name="web",port=80` → pairs; undefined when the text is not that shape (then it is a map key). */
function splitPairs(inner: string): [string, unknown][] | undefined {
  const pairs: [string, unknown][] = [];
  const pattern = /([A-Za-z0-9_-]+)=("(?:[^"\\]|\\.)*"|[^,"]+)(,|$)/y;
  let at = 0;
  while (at < inner.length) {
    pattern.lastIndex = at;
    const m = pattern.exec(inner);
    if (!m) return undefined;
    pairs.push([m[1]!, jsonValue(m[2]!)]);
    at = pattern.lastIndex;
  }
  return pairs.length > 0 ? pairs : undefined;
}

function jsonValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
