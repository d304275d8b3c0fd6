import { parseAllDocuments, stringify } from 'yaml';
import { convertDocument, type Conversion, type ConvertOptions } from './convert-document.js';
import { deepEqual } from './objects.js';
import { applyEdits, documentEdits } from './yaml-edits.js';
import { YAML_OPTIONS } from './yaml-options.js';

export interface ConvertTextOptions extends ConvertOptions {
  /** Convert only these documents (0-based), e.g. the one whose marker was clicked; default all. */
  documents?: readonly number[];
}

/** The outcome for one document that needed converting. */
export interface DocumentConversion {
  index: number;
  conversion: Exclude<Conversion, { status: 'current' }>;
  /** The document had to be dumped whole (its in-place edits did not read back): layout not kept. */
  rewritten: boolean;
}

export interface TextConversion {
  /** The whole text with the converted documents rewritten and everything else as it was. */
  text: string;
  /** The documents that were converted, or could not be (no replacement). */
  documents: DocumentConversion[];
}

/**
 * A multi-document YAML text with each deprecated manifest converted by
 * {@link convertDocument}. Converted documents are edited in place (see `yaml-edits.ts`), keeping
 * their comments and layout; other documents, and text that does not parse, are left byte for
 * byte. A document whose edited text would not read back as the converted object is written out
 * whole instead, so the result is always what the conversion said.
 */
export function convertText(text: string, options: ConvertTextOptions = {}): TextConversion {
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  const documents: DocumentConversion[] = [];
  let out = '';
  let start = 0;
  docs.forEach((doc, index) => {
    const end = doc.range[2];
    let slice = text.slice(start, end);
    if (doc.errors.length === 0 && (!options.documents || options.documents.includes(index))) {
      const conversion = convertDocument(doc.toJS(), options);
      if (conversion.status === 'unconvertible') documents.push({ index, conversion, rewritten: false });
      if (conversion.status === 'converted') {
        const edits = documentEdits(doc, text, conversion.object).map((e) => ({
          ...e,
          start: e.start - start,
          end: e.end - start,
        }));
        slice = applyEdits(slice, edits);
        const fallback = !readsAs(slice, conversion.object);
        if (fallback) slice = rewritten(text, start, end, doc.contents?.range, conversion.object);
        documents.push({ index, conversion, rewritten: fallback });
      }
    }
    out += slice;
    start = end;
  });
  return { text: out + text.slice(start), documents };
}

/** Whether a document's text parses to exactly `value`. */
function readsAs(slice: string, value: unknown): boolean {
  const docs = parseAllDocuments(slice, YAML_OPTIONS);
  return docs.length === 1 && docs[0]!.errors.length === 0 && deepEqual(docs[0]!.toJS(), value);
}

/** The document's text with its contents dumped anew; what came before and after them kept. */
function rewritten(
  text: string,
  start: number,
  end: number,
  contents: readonly [number, number, number] | undefined,
  value: unknown,
): string {
  const [from, to] = contents ? [contents[0], contents[1]] : [start, end];
  const body = stringify(value, { ...YAML_OPTIONS, indent: 2, lineWidth: 0 });
  const result =
    text.slice(start, from) +
    (to > from && text[to - 1] !== '\n' ? body.trimEnd() : body) +
    text.slice(to, end);
  if (!readsAs(result, value))
    throw new Error('deprecated-API conversion produced a document that does not read back');
  return result;
}
