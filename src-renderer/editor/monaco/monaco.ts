/**
 * Monaco, loaded with only what the manifest editor uses: the editor API, the YAML language,
 * monaco-yaml for schemas, and the features the editor shows (hover, completion, code actions,
 * find, folding, the diff editor…), rather than `monaco-editor`'s entry with its 80 languages.
 * Workers are Vite `?worker` imports, so they are files of the build (the CSP allows
 * `worker-src 'self' blob:`), and no build configuration is needed.
 *
 * The only module that imports monaco-editor or monaco-yaml; everything else takes the
 * `monaco` exported here.
 */
import * as monaco from 'monaco-editor/editor/editor.api.js';
import 'monaco-editor/features/bracketMatching/register.js';
import 'monaco-editor/features/clipboard/register.js';
import 'monaco-editor/features/codeAction/register.js';
import 'monaco-editor/features/codicon/register.js';
import 'monaco-editor/features/comment/register.js';
import 'monaco-editor/features/contextmenu/register.js';
import 'monaco-editor/features/cursorUndo/register.js';
import 'monaco-editor/features/diffEditor/register.js';
import 'monaco-editor/features/documentSymbols/register.js';
import 'monaco-editor/features/find/register.js';
import 'monaco-editor/features/folding/register.js';
import 'monaco-editor/features/format/register.js';
import 'monaco-editor/features/gotoError/register.js';
import 'monaco-editor/features/hover/register.js';
import 'monaco-editor/features/indentation/register.js';
import 'monaco-editor/features/linesOperations/register.js';
import 'monaco-editor/features/links/register.js';
import 'monaco-editor/features/multicursor/register.js';
import 'monaco-editor/features/quickCommand/register.js';
import 'monaco-editor/features/snippet/register.js';
import 'monaco-editor/features/suggest/register.js';
import 'monaco-editor/features/wordHighlighter/register.js';
import 'monaco-editor/features/wordOperations/register.js';
import 'monaco-editor/languages/definitions/yaml/register.js';
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';
import { configureMonacoYaml, type MonacoYaml, type SchemasSettings } from 'monaco-yaml';
import YamlWorker from './yaml.worker.js?worker';

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_moduleId: string, label: string): Worker {
    return label === 'yaml' ? new YamlWorker() : new EditorWorker();
  },
};

let yaml: MonacoYaml | undefined;

/** The options monaco-yaml (through monaco-worker-manager) passes to `createWebWorker`: Monaco's old API. */
interface LegacyWorkerOptions {
  label?: string;
  moduleId?: string;
  createData?: unknown;
  host?: monaco.editor.IInternalWebWorkerOptions['host'];
  keepIdleModels?: boolean;
}

/**
 * Monaco as monaco-yaml gets it. monaco-yaml 5.5 creates its worker with Monaco's old
 * `createWebWorker({ label, moduleId, createData })`; Monaco 0.57's takes `{ worker }`, so this
 * adapter starts the worker itself and hands over `createData` the way Monaco's own language
 * workers do (monaco-editor `internal/common/workers.js`): one message to start the worker's
 * `initialize`, then the data.
 */
const monacoForYaml = {
  ...monaco,
  editor: {
    ...monaco.editor,
    createWebWorker<T extends object>(
      options: LegacyWorkerOptions | monaco.editor.IInternalWebWorkerOptions,
    ) {
      if ('worker' in options) return monaco.editor.createWebWorker<T>(options);
      const worker = options.label === 'yaml' ? new YamlWorker() : new EditorWorker();
      worker.postMessage('ignore');
      worker.postMessage(options.createData);
      return monaco.editor.createWebWorker<T>({
        worker,
        ...(options.host ? { host: options.host } : {}),
        ...(options.keepIdleModels !== undefined ? { keepIdleModels: options.keepIdleModels } : {}),
      });
    },
  },
};

/**
 * Set the schemas monaco-yaml validates with (there is one monaco-yaml per page, so editors
 * share this list: each passes all of its own, matched to its models' URIs).
 */
export function setYamlSchemas(schemas: SchemasSettings[]): void {
  const options = {
    // kubectl reads YAML 1.1 (see deprecations/yaml-options.ts): `on` is a boolean there.
    yamlVersion: '1.1' as const,
    completion: true,
    hover: true,
    validate: true,
    format: { enable: true, singleQuote: false, proseWrap: 'preserve' as const },
    schemas,
  };
  if (yaml) void yaml.update(options);
  else yaml = configureMonacoYaml(monacoForYaml as unknown as typeof monaco, options);
}

export { monaco };
export type { SchemasSettings };
