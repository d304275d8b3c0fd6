import type { FieldProblem } from './apply/server-problems.js';
import type { DeprecationFinding } from './deprecations/index.js';
import { LineIndex, type TextRange } from './deprecations/text-range.js';
import { fieldRange } from './field-range.js';
import type { ManifestDocument } from './manifests.js';

/**
 * An editor marker, in Monaco's `IMarkerData` terms but free of Monaco (so it is tested in Node):
 * 1-based lines and columns, the end column exclusive.
 */
export interface EditorMarker {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  message: string;
  severity: 'error' | 'warning';
  /** For a deprecated apiVersion: `deprecated-api:<document index>`, which the quick fix reads. */
  code?: string;
}

/** The marker code of a deprecated apiVersion in document `index`. */
export const deprecationCode = (index: number): string => `deprecated-api:${index}`;

/** The document index a marker code names, if it is a deprecation's. */
export function deprecationIndex(code: string | undefined): number | undefined {
  const m = /^deprecated-api:(\d+)$/.exec(code ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Markers for deprecated apiVersions: an error when the API is removed, a warning when deprecated. */
export function deprecationMarkers(findings: readonly DeprecationFinding[]): EditorMarker[] {
  return findings.map((f) => ({
    ...position(f.range),
    message: f.replacement ? `${f.message} (quick fix: convert to ${f.replacement})` : f.message,
    severity: f.severity === 'removed' ? 'error' : 'warning',
    code: deprecationCode(f.documentIndex),
  }));
}

/** Markers for what the server said about each document's fields, on the lines of those fields. */
export function problemMarkers(
  text: string,
  documents: readonly ManifestDocument[],
  problems: readonly { index: number; problems: readonly FieldProblem[] }[],
): EditorMarker[] {
  const lines = new LineIndex(text);
  const markers: EditorMarker[] = [];
  for (const { index, problems: list } of problems) {
    const document = documents.find((d) => d.index === index);
    if (!document) continue;
    for (const problem of list) {
      const { range } = fieldRange(document.doc, text, problem.field ?? [], lines);
      markers.push({ ...position(range), message: problem.message, severity: problem.severity });
    }
  }
  return markers;
}

function position(range: TextRange): Omit<EditorMarker, 'message' | 'severity'> {
  const { startLineNumber, startColumn, endLineNumber, endColumn } = range;
  // An empty range would be invisible: mark at least one character.
  const empty = startLineNumber === endLineNumber && endColumn <= startColumn;
  return { startLineNumber, startColumn, endLineNumber, endColumn: empty ? startColumn + 1 : endColumn };
}
