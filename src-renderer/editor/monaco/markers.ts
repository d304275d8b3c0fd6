import { deprecationIndex, type EditorMarker } from '../markers.js';
import { monaco } from './monaco.js';

/** The owner of the editor's own markers (monaco-yaml's are `yaml`). */
const OWNER = 'kubedesk';
const CONVERT_COMMAND = 'kubedesk.convertDeprecatedApi';

/** Put the editor's markers on a model, replacing the previous ones. */
export function setMarkers(model: monaco.editor.ITextModel, markers: readonly EditorMarker[]): void {
  monaco.editor.setModelMarkers(
    model,
    OWNER,
    markers.map((m) => ({
      startLineNumber: m.startLineNumber,
      startColumn: m.startColumn,
      endLineNumber: m.endLineNumber,
      endColumn: m.endColumn,
      message: m.message,
      severity: m.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      source: 'kubedesk',
      ...(m.code ? { code: m.code } : {}),
    })),
  );
}

/** Who converts a model's deprecated documents, by model URI. */
const converters = new Map<string, (documentIndex: number) => void>();
let registered = false;

/**
 * Offer "Convert to <version>" as a quick fix on each deprecated-apiVersion marker of `model`;
 * `convert` does it (and shows the conversion's notes). Returns the function that stops offering.
 */
export function offerDeprecationFixes(
  model: monaco.editor.ITextModel,
  convert: (documentIndex: number) => void,
): () => void {
  if (!registered) {
    registered = true;
    monaco.editor.registerCommand(CONVERT_COMMAND, (_accessor, uri: unknown, index: unknown) => {
      if (typeof uri === 'string' && typeof index === 'number') converters.get(uri)?.(index);
    });
    monaco.languages.registerCodeActionProvider('yaml', {
      provideCodeActions(target, _range, context) {
        const uri = target.uri.toString();
        if (!converters.has(uri)) return { actions: [], dispose() {} };
        const actions = context.markers.flatMap((marker) => {
          const code = typeof marker.code === 'string' ? marker.code : marker.code?.value;
          const index = deprecationIndex(code);
          if (index === undefined) return [];
          const to = /convert to ([^)\s]+)/.exec(marker.message)?.[1];
          if (!to) return [];
          return [
            {
              title: `Convert to ${to}`,
              kind: 'quickfix',
              diagnostics: [marker],
              isPreferred: true,
              command: { id: CONVERT_COMMAND, title: `Convert to ${to}`, arguments: [uri, index] },
            },
          ];
        });
        return { actions, dispose() {} };
      },
    });
  }
  const uri = model.uri.toString();
  converters.set(uri, convert);
  return () => converters.delete(uri);
}
