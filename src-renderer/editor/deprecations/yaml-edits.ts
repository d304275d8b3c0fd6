import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Scalar,
  stringify,
  type Document,
  type Node,
  type YAMLMap,
} from 'yaml';
import { deepEqual, isRecord } from './objects.js';
import { YAML_OPTIONS } from './yaml-options.js';

/**
 * Text edits that turn a parsed YAML document into a new value while touching only what changed,
 * so comments, quoting, blank lines and indentation elsewhere stay as the author wrote them
 * (re-dumping the whole document would reformat it).
 *
 * The edits follow the value's shape: a changed scalar is rewritten in place (in its old quote
 * style), a removed key loses its lines, a new key is written in block style at its map's
 * indentation after the key that precedes it in the new value, and anything whose shape changed
 * (a list of another length, a flow collection) is rewritten whole. The caller checks that the
 * edited text parses back to the value, and re-dumps the document if not.
 */

/** Replace `text.slice(start, end)` by `insert`. */
export interface TextEdit {
  start: number;
  end: number;
  insert: string;
}

/** How new block text is laid out: a sequence under a key indented or not, as the document does. */
interface Layout {
  indentSeq: boolean;
}

/** The edits that make `doc` (parsed from `text`) hold `value`. */
export function documentEdits(doc: Document, text: string, value: unknown): TextEdit[] {
  const edits: TextEdit[] = [];
  const layout = { indentSeq: !/^( *)[^\s#-][^\n]*:[ \t]*\n\1- /m.test(text) };
  if (doc.contents) diffNode(doc, doc.contents as Node, value, text, layout, edits);
  return mergeInsertions(edits);
}

/** Apply non-overlapping edits to `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  // From the end, so earlier offsets stay valid; a removal before an insertion at the same start.
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.start) + edit.insert + out.slice(edit.end);
  return out;
}

/** Several insertions at one offset become one edit, in the order they were made. */
function mergeInsertions(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  const inserts = new Map<number, TextEdit>();
  for (const edit of edits) {
    if (edit.start !== edit.end) out.push(edit);
    else {
      const previous = inserts.get(edit.start);
      if (previous) previous.insert += edit.insert;
      else inserts.set(edit.start, { ...edit });
    }
  }
  return [...out, ...inserts.values()];
}

function diffNode(
  doc: Document,
  node: Node,
  value: unknown,
  text: string,
  layout: Layout,
  edits: TextEdit[],
): void {
  if (!isAlias(node) && deepEqual(node.toJS(doc), value)) return;
  if (isMap(node) && !node.flow && isRecord(value) && node.items.length > 0) {
    diffMap(doc, node, value, text, layout, edits);
  } else if (isSeq(node) && !node.flow && Array.isArray(value) && node.items.length === value.length) {
    node.items.forEach((item, i) => diffNode(doc, item as Node, value[i], text, layout, edits));
  } else {
    replaceNode(node, value, text, layout, edits);
  }
}

function diffMap(
  doc: Document,
  map: YAMLMap,
  value: Record<string, unknown>,
  text: string,
  layout: Layout,
  edits: TextEdit[],
): void {
  const pairs = new Map<string, { key: Node; value: Node | null }>();
  for (const pair of map.items) {
    if (!isScalar(pair.key)) return replaceNode(map, value, text, layout, edits);
    pairs.set(String(pair.key.value), { key: pair.key, value: pair.value as Node | null });
  }
  const first = map.items[0]!.key as Node;
  const firstStart = first.range![0];
  const column = firstStart - lineStart(text, firstStart);
  for (const [name, pair] of pairs) {
    if (name in value) continue;
    const start = pairStart(text, pair.key);
    let end = pairEnd(text, pair);
    // A key after `- ` on its line: the next key's indentation goes too, so it moves up behind the `- `.
    if (start !== lineStart(text, start)) while (text[end] === ' ') end++;
    edits.push({ start, end, insert: '' });
  }
  let insertAt: number | undefined;
  for (const [name, newValue] of Object.entries(value)) {
    const pair = pairs.get(name);
    if (pair) {
      if (pair.value) diffNode(doc, pair.value, newValue, text, layout, edits);
      else if (newValue !== null) return replaceNode(map, value, text, layout, edits);
      insertAt = pairEnd(text, pair);
      continue;
    }
    const block = indentBlock(renderBlock({ [name]: newValue }, layout), column);
    if (insertAt !== undefined) edits.push({ start: insertAt, end: insertAt, insert: block });
    else {
      const start = pairStart(text, first);
      const midLine = start !== lineStart(text, start);
      // Inserted before a key that follows `- ` on its line: the new key takes that place.
      const insert = midLine ? `${block.slice(column)}${' '.repeat(column)}` : block;
      edits.push({ start, end: start, insert });
    }
  }
}

/** Where a pair's text begins: its line, unless something (a `- `) precedes the key on it. */
function pairStart(text: string, key: Node): number {
  const start = key.range![0];
  const from = lineStart(text, start);
  return /^\s*$/.test(text.slice(from, start)) ? from : start;
}

/** Where a pair's text ends: after the line its value ends on. */
function pairEnd(text: string, pair: { key: Node; value: Node | null }): number {
  const end = pair.value?.range ? pair.value.range[1] : pair.key.range![1];
  if (end > 0 && text[end - 1] === '\n') return end;
  const newline = text.indexOf('\n', end);
  return newline < 0 ? text.length : newline + 1;
}

function replaceNode(node: Node, value: unknown, text: string, layout: Layout, edits: TextEdit[]): void {
  const [start, end] = node.range!;
  const block = (isMap(node) || isSeq(node)) && !node.flow;
  if (!isRecord(value) && !Array.isArray(value)) {
    edits.push({ start, end: block ? trimEnd(text, start, end) : end, insert: renderScalar(value, node) });
    return;
  }
  if (!block) {
    edits.push({
      start,
      end,
      insert: stringify(value, {
        ...YAML_OPTIONS,
        collectionStyle: 'flow',
        flowCollectionPadding: false,
        lineWidth: 0,
      }).trimEnd(),
    });
    return;
  }
  const column = start - lineStart(text, start);
  const rendered = indentBlock(renderBlock(value, layout), column).slice(column);
  edits.push({ start, end, insert: text[end - 1] === '\n' ? rendered : rendered.trimEnd() });
}

function renderScalar(value: unknown, old: Node): string {
  const scalar = new Scalar(value);
  if (isScalar(old) && typeof value === 'string' && typeof old.value === 'string' && old.type)
    scalar.type = old.type;
  return stringify(scalar, { ...YAML_OPTIONS, lineWidth: 0 }).trimEnd();
}

function renderBlock(value: unknown, layout: Layout): string {
  return stringify(value, {
    ...YAML_OPTIONS,
    indent: 2,
    indentSeq: layout.indentSeq,
    lineWidth: 0,
    flowCollectionPadding: false,
  });
}

/** Each line of `block` indented by `column` spaces. */
function indentBlock(block: string, column: number): string {
  const pad = ' '.repeat(column);
  return block
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** `end` moved back over trailing whitespace and newlines, not before `start`. */
function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end;
}
