import { isMap, isScalar, isSeq, parseAllDocuments, type Node, type YAMLMap } from 'yaml';
import { deprecationMessage, deprecationOf, type Severity } from './deprecated-apis.js';
import { DEFAULT_SERVER_VERSION } from './kube-version.js';
import { LineIndex, type TextRange } from './text-range.js';
import { YAML_OPTIONS } from './yaml-options.js';

/** One deprecated `apiVersion` in an editor's text: where it is, and what to say about it. */
export interface DeprecationFinding {
  /** Which YAML document of the text (0-based). */
  documentIndex: number;
  /** For an item of a `List` document, its index in `items`. */
  itemIndex?: number;
  /** The `apiVersion` value, for the editor's marker. */
  range: TextRange;
  apiVersion: string;
  kind: string;
  /** The version to convert to; absent when Kubernetes has no replacement. */
  replacement?: string;
  severity: Severity;
  /** e.g. `apps/v1beta1 Deployment was removed in Kubernetes 1.16: use apps/v1`. */
  message: string;
  /** The migration guide's section. */
  guide: string;
}

export interface FindOptions {
  /** The release to judge against (default 1.32): its removed APIs are `removed`, the rest `deprecated`. */
  serverVersion?: string;
}

/**
 * Every manifest in a (multi-document) YAML text whose `apiVersion` Kubernetes has deprecated or
 * removed, items of `List` documents included. Documents that do not parse are skipped: the
 * editor's YAML validation reports them.
 */
export function findDeprecations(text: string, options: FindOptions = {}): DeprecationFinding[] {
  const serverVersion = options.serverVersion ?? DEFAULT_SERVER_VERSION;
  const lines = new LineIndex(text);
  const findings: DeprecationFinding[] = [];
  parseAllDocuments(text, YAML_OPTIONS).forEach((doc, documentIndex) => {
    if (doc.errors.length > 0 || !isMap(doc.contents)) return;
    const check = (map: YAMLMap, itemIndex?: number) => {
      const finding = findingFor(map, serverVersion, lines);
      if (finding)
        findings.push({ documentIndex, ...(itemIndex === undefined ? {} : { itemIndex }), ...finding });
    };
    check(doc.contents);
    const kind = scalarValue(doc.contents.get('kind', true) as Node | undefined);
    const items = doc.contents.get('items', true);
    if (kind?.endsWith('List') && isSeq(items)) {
      items.items.forEach((item, i) => {
        if (isMap(item)) check(item, i);
      });
    }
  });
  return findings;
}

function findingFor(
  map: YAMLMap,
  serverVersion: string,
  lines: LineIndex,
): Omit<DeprecationFinding, 'documentIndex' | 'itemIndex'> | undefined {
  const node = map.get('apiVersion', true) as Node | undefined;
  const apiVersion = scalarValue(node);
  const kind = scalarValue(map.get('kind', true) as Node | undefined);
  if (!apiVersion || !kind || !node?.range) return undefined;
  const deprecation = deprecationOf(apiVersion, kind, serverVersion);
  if (!deprecation) return undefined;
  return {
    range: lines.range(node.range[0], node.range[1]),
    apiVersion,
    kind,
    ...(deprecation.target ? { replacement: deprecation.target } : {}),
    severity: deprecation.severity,
    message: deprecationMessage(deprecation),
    guide: deprecation.api.guide,
  };
}

function scalarValue(node: Node | undefined): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}
