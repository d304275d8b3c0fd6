/**
 * Field paths and field sets, the vocabulary of server-side apply, after
 * sigs.k8s.io/structured-merge-diff/fieldpath (element.go, path.go, set.go).
 *
 * A path element is a struct field or map key (`f:name`), an associative-list
 * item by its key fields (`k:{"name":"web"}`), a set item by value (`v:"a"`),
 * or a list index (`i:0`). A `FieldSet` is a trie: `members` are the paths that
 * end at an element, `children` the sets below an element. A path can be both
 * (FieldsV1 writes that as `".": {}`).
 */
import { compareStrings, goNumber, goQuote, isObject, sortedJson, type JsonValue } from './json-value.js';

export type PathElement =
  | { kind: 'field'; name: string }
  | { kind: 'key'; fields: [name: string, value: JsonValue][] }
  | { kind: 'value'; value: JsonValue }
  | { kind: 'index'; index: number };

export type Path = readonly PathElement[];

export const fieldElement = (name: string): PathElement => ({ kind: 'field', name });

/** A key element; fields are sorted by name as upstream requires. */
export function keyElement(fields: [string, JsonValue][]): PathElement {
  return { kind: 'key', fields: [...fields].sort((a, b) => compareStrings(a[0], b[0])) };
}

/** The FieldsV1 spelling of an element (`f:…`, `k:…`, `v:…`, `i:…`); also its identity. */
export function elementKey(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map(([n, v]) => `${JSON.stringify(n)}:${sortedJson(v)}`).join(',')}}`;
    case 'value':
      return `v:${sortedJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

/** How conflicts print an element: `.spec`, `[name="web"]`, `[="a"]`, `[0]` (PathElement.String). */
export function elementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([n, v]) => `${n}=${valueString(v)}`).join(',')}]`;
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

export function pathString(path: Path): string {
  return path.map(elementString).join('');
}

/** `value.ToString`: strings quoted, lists `[a,b]`, maps `k=v` pairs. */
function valueString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  return Object.entries(v)
    .map(([k, x]) => `${k}=${valueString(x)}`)
    .join('');
}

const kindRank = { field: 0, key: 1, value: 2, index: 3 } as const;

/** `PathElement.Compare`: fields < keys < values < indexes, then by content. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return kindRank[a.kind] - kindRank[b.kind];
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key': {
      const other = (b as typeof a).fields;
      for (let i = 0; ; i++) {
        if (i >= a.fields.length || i >= other.length) return Math.sign(a.fields.length - other.length);
        const byName = compareStrings(a.fields[i]![0], other[i]![0]);
        if (byName !== 0) return byName;
        const byValue = compareValues(a.fields[i]![1], other[i]![1]);
        if (byValue !== 0) return byValue;
      }
    }
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return Math.sign(a.index - (b as typeof a).index);
  }
}

/** `value.Compare`: numbers < strings < booleans < lists < maps < null. */
function compareValues(a: JsonValue, b: JsonValue): number {
  const rank = (v: JsonValue) =>
    typeof v === 'number'
      ? 0
      : typeof v === 'string'
        ? 1
        : typeof v === 'boolean'
          ? 2
          : Array.isArray(v)
            ? 3
            : v === null
              ? 5
              : 4;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number') return Math.sign(a - (b as number));
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a)) {
    const other = b as JsonValue[];
    for (let i = 0; i < Math.min(a.length, other.length); i++) {
      const c = compareValues(a[i]!, other[i]!);
      if (c !== 0) return c;
    }
    return Math.sign(a.length - other.length);
  }
  if (isObject(a) && isObject(b)) return compareStrings(sortedJson(a), sortedJson(b));
  return 0;
}

interface Node {
  pe: PathElement;
  member: boolean;
  children?: FieldSet;
}

/** A set of field paths (structured-merge-diff's `fieldpath.Set`); immutable operations return new sets. */
export class FieldSet {
  private readonly nodes = new Map<string, Node>();

  static of(...paths: Path[]): FieldSet {
    const set = new FieldSet();
    for (const p of paths) set.insert(p);
    return set;
  }

  /** Add `path` as a member (mutates; used while building). */
  insert(path: Path): this {
    if (path.length === 0) return this;
    const [head, ...rest] = path;
    const node = this.nodeFor(head!);
    if (rest.length === 0) node.member = true;
    else (node.children ??= new FieldSet()).insert(rest);
    return this;
  }

  private nodeFor(pe: PathElement): Node {
    const key = elementKey(pe);
    let node = this.nodes.get(key);
    if (!node) {
      node = { pe, member: false };
      this.nodes.set(key, node);
    }
    return node;
  }

  /** Set `pe` as a member and/or merge `children` under it (mutates; used while building). */
  addNode(pe: PathElement, member: boolean, children: FieldSet | undefined): void {
    const node = this.nodeFor(pe);
    node.member ||= member;
    if (children && !children.empty())
      node.children = node.children ? node.children.union(children) : children;
  }

  empty(): boolean {
    return this.nodes.size === 0;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    const node = this.nodes.get(elementKey(path[0]!));
    if (!node) return false;
    return path.length === 1 ? node.member : (node.children?.has(path.slice(1)) ?? false);
  }

  /** The subset under `pe` (empty when none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.nodes.get(elementKey(pe))?.children ?? new FieldSet();
  }

  /** Whether `pe` itself is a member. */
  hasMember(pe: PathElement): boolean {
    return this.nodes.get(elementKey(pe))?.member ?? false;
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    for (const [key, node] of other.nodes) {
      const mine = out.nodes.get(key);
      if (!mine) out.nodes.set(key, { ...node });
      else {
        const children =
          mine.children && node.children
            ? mine.children.union(node.children)
            : (mine.children ?? node.children);
        out.nodes.set(key, {
          pe: mine.pe,
          member: mine.member || node.member,
          ...(children ? { children } : {}),
        });
      }
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [key, node] of this.nodes) {
      const theirs = other.nodes.get(key);
      if (!theirs) continue;
      const children =
        node.children && theirs.children ? node.children.intersection(theirs.children) : undefined;
      out.put(key, node.pe, node.member && theirs.member, children);
    }
    return out;
  }

  /** Members of this set not in `other`; children are differenced child by child. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [key, node] of this.nodes) {
      const theirs = other.nodes.get(key);
      const member = node.member && !theirs?.member;
      const children =
        node.children && theirs?.children ? node.children.difference(theirs.children) : node.children;
      out.put(key, node.pe, member, children);
    }
    return out;
  }

  /** Like `difference`, but anything under a member of `other` goes too. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [key, node] of this.nodes) {
      const theirs = other.nodes.get(key);
      if (theirs?.member) continue;
      const children =
        node.children && theirs?.children
          ? node.children.recursiveDifference(theirs.children)
          : node.children;
      out.put(key, node.pe, node.member, children);
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    if (this.nodes.size !== other.nodes.size) return false;
    for (const [key, node] of this.nodes) {
      const theirs = other.nodes.get(key);
      if (!theirs || theirs.member !== node.member) return false;
      const a = node.children ?? new FieldSet();
      const b = theirs.children ?? new FieldSet();
      if (!a.equals(b)) return false;
    }
    return true;
  }

  /** Elements in upstream's order, each with membership and children. */
  entries(): { pe: PathElement; member: boolean; children: FieldSet | undefined }[] {
    return [...this.nodes.values()]
      .sort((a, b) => compareElements(a.pe, b.pe))
      .map((n) => ({ pe: n.pe, member: n.member, children: n.children }));
  }

  /** Every member path, in upstream's order (`Set.Iterate`: members before deeper paths of the same element). */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [];
    for (const { pe, member } of this.entries()) {
      if (member) out.push([...prefix, pe]);
    }
    for (const { pe, children } of this.entries()) {
      if (children) out.push(...children.paths([...prefix, pe]));
    }
    return out;
  }

  private put(key: string, pe: PathElement, member: boolean, children: FieldSet | undefined): void {
    const keep = children && !children.empty() ? children : undefined;
    if (member || keep) this.nodes.set(key, { pe, member, ...(keep ? { children: keep } : {}) });
  }

  private copy(): FieldSet {
    const out = new FieldSet();
    for (const [key, node] of this.nodes) out.nodes.set(key, { ...node });
    return out;
  }
}
