import { isMap, isScalar, parseAllDocuments, type Document } from 'yaml';
import { YAML_OPTIONS } from './deprecations/index.js';

/** One YAML document of the editor's text, read as kubectl reads it (YAML 1.1). */
export interface ManifestDocument {
  /** Its index among the text's documents (0-based), as `findDeprecations` counts them. */
  index: number;
  /** The parsed document, for mapping field paths to text ranges. */
  doc: Document.Parsed;
  /** The object, when the document parses to a mapping. */
  object?: Record<string, unknown>;
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  /** No content at all (an empty document between `---` lines, or comments only). */
  empty: boolean;
  /** Parse errors, with 1-based lines. */
  errors: { message: string; line: number }[];
  /** Offsets of the document's content in the whole text. */
  start: number;
  end: number;
}

/**
 * The text's documents. Every document is returned (empty ones too), so indexes line up with
 * {@link findDeprecations}' and the server's per-document results can be told apart.
 */
export function parseManifests(text: string): ManifestDocument[] {
  return parseAllDocuments(text, YAML_OPTIONS).map((doc, index) => {
    const contents = doc.contents;
    const errors = doc.errors.map((e) => ({ message: e.message, line: e.linePos?.[0]?.line ?? 1 }));
    const start = contents?.range?.[0] ?? doc.range[0];
    const end = contents?.range?.[1] ?? doc.range[1];
    const base: ManifestDocument = {
      index,
      doc,
      empty: contents === null || (isScalar(contents) && contents.value === null),
      errors,
      start,
      end,
    };
    if (errors.length > 0 || !isMap(contents)) return base;
    const object = doc.toJS() as Record<string, unknown>;
    const metadata = isRecord(object.metadata) ? object.metadata : {};
    return {
      ...base,
      object,
      ...stringField('apiVersion', object.apiVersion),
      ...stringField('kind', object.kind),
      ...stringField('name', metadata.name),
      ...stringField('namespace', metadata.namespace),
    };
  });
}

/** The documents to send to the server: the ones with content. */
export function manifestsToApply(documents: readonly ManifestDocument[]): ManifestDocument[] {
  return documents.filter((d) => !d.empty);
}

/** `Deployment web`, `Deployment (unnamed)`, `document 3`: how results name a document. */
export function describeManifest(document: ManifestDocument): string {
  if (!document.kind) return `document ${document.index + 1}`;
  return `${document.kind} ${document.name ?? '(unnamed)'}`;
}

/** Every distinct `apiVersion` + `kind` the documents use. */
export function usedKinds(documents: readonly ManifestDocument[]): { apiVersion: string; kind: string }[] {
  const seen = new Map<string, { apiVersion: string; kind: string }>();
  for (const d of documents) {
    if (d.apiVersion && d.kind)
      seen.set(`${d.apiVersion}/${d.kind}`, { apiVersion: d.apiVersion, kind: d.kind });
  }
  return [...seen.values()];
}

function stringField<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' && value !== '' ? ({ [key]: value } as Record<K, string>) : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
