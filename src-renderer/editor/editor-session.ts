import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue';
import {
  StatusError,
  failureStatus,
  type KubeApi,
  type KubeObject,
  type ResourceType,
} from '../kube/index.js';
import { applyDocument, applyDocuments, FIELD_MANAGER, type DocumentResult } from './apply/apply.js';
import { ResourceResolver } from './apply/resource-resolver.js';
import { problemsOf, type FieldProblem } from './apply/server-problems.js';
import { convertText, findDeprecations } from './deprecations/index.js';
import { comparableYaml, editableYaml, parseDetailsPath, toYaml, type LiveRef } from './live-object.js';
import { manifestsToApply, parseManifests, usedKinds, type ManifestDocument } from './manifests.js';
import { deprecationMarkers, problemMarkers, type EditorMarker } from './markers.js';
import { clusterSchemas } from './schema/cluster-schemas.js';
import type { JsonSchema } from './schema/openapi-schema.js';
import { insertTemplate, type ManifestTemplate } from './templates.js';

/** What the session needs from the app: the cluster's API client and the namespace to default to. */
export interface EditorSessionOptions {
  api: () => KubeApi | undefined;
  namespace: () => string;
  /** `?from=<details path>`: the live object to edit. */
  from: () => string | undefined;
  /** Milliseconds between the last keystroke and re-reading the text (tests pass 0). */
  parseDelay?: number;
}

/** The two texts of Monaco's diff editor. */
export interface DiffView {
  title: string;
  original: string;
  modified: string;
  /** For a save conflict: the server's version on the left, the buffer on the right. */
  conflict?: boolean;
}

/** The live object being edited (`?from=`). */
export interface LiveEdit {
  ref: LiveRef;
  type: ResourceType;
  resourceVersion: string;
  /** Set when a save hit 409: the server's current object. */
  theirs?: KubeObject;
}

const STARTER = `# Type or paste manifests (several, separated by ---), or insert a template.
`;

/**
 * The manifest editor's state and actions, free of Monaco: the buffer's text and documents, the
 * markers (deprecated APIs, and the server's errors of the last apply/dry run/save, which hold
 * until the text changes), the schema for the kinds the text uses, results, diff and live
 * editing. EditorView wires it to Monaco.
 */
export function useEditorSession(options: EditorSessionOptions) {
  const text = ref(STARTER);
  const documents = shallowRef<ManifestDocument[]>(parseManifests(text.value));
  const busy = ref<'apply' | 'dry-run' | 'diff' | 'load' | 'save' | undefined>(undefined);
  const results = shallowRef<DocumentResult[]>([]);
  /** The last error not tied to a document (loading, saving a file, the schema), as the server said it. */
  const error = ref<string | undefined>(undefined);
  const notice = ref<string | undefined>(undefined);
  const notes = ref<string[]>([]);
  const diff = shallowRef<DiffView | undefined>(undefined);
  const live = shallowRef<LiveEdit | undefined>(undefined);
  const schema = shallowRef<JsonSchema | undefined>(undefined);
  const fileName = ref('manifest.yaml');
  /** Server problems, with the exact text they were about: they disappear once it changes. */
  const serverProblems = shallowRef<{
    text: string;
    documents: ManifestDocument[];
    items: { index: number; problems: FieldProblem[] }[];
  }>();
  let resolverOf: { api: KubeApi; resolver: ResourceResolver } | undefined;

  const deprecations = computed(() => findDeprecations(documentsText()));
  const markers = computed<EditorMarker[]>(() => {
    const list = deprecationMarkers(deprecations.value);
    const server = serverProblems.value;
    if (server && server.text === text.value) {
      list.push(...problemMarkers(server.text, server.documents, server.items));
    }
    return list;
  });

  // Re-read the text a moment after typing stops, not on every keystroke.
  let parseTimer: ReturnType<typeof setTimeout> | undefined;
  let parsedText = text.value;
  watch(text, (value) => {
    clearTimeout(parseTimer);
    parseTimer = setTimeout(() => {
      parsedText = value;
      documents.value = parseManifests(value);
    }, options.parseDelay ?? 250);
  });
  onScopeDispose(() => clearTimeout(parseTimer));
  /** The text `documents` were read from (deprecation markers must match their ranges). */
  function documentsText(): string {
    void documents.value;
    return parsedText;
  }

  // The schema follows the kinds in the text; it is fetched per group-version as they appear.
  const kindsKey = computed(() =>
    usedKinds(documents.value)
      .map((k) => `${k.apiVersion}/${k.kind}`)
      .sort()
      .join(','),
  );
  let schemaRequest = 0;
  async function refreshSchema(): Promise<void> {
    const api = options.api();
    if (!api) return;
    const request = ++schemaRequest;
    try {
      const next = await clusterSchemas(api).schemaFor(usedKinds(documents.value));
      if (request === schemaRequest) schema.value = next;
    } catch (e) {
      if (request === schemaRequest) error.value = `Could not load the cluster's schemas: ${messageOf(e)}`;
    }
  }
  watch([kindsKey, options.api], () => void refreshSchema(), { immediate: true });

  /** A CustomResourceDefinition changed: schemas and resource mappings are read again. */
  function crdsChanged(): void {
    const api = options.api();
    if (!api) return;
    clusterSchemas(api).refresh();
    resolver()?.reset();
    void refreshSchema();
  }

  function resolver(): ResourceResolver | undefined {
    const api = options.api();
    if (!api) return undefined;
    if (resolverOf?.api !== api) resolverOf = { api, resolver: new ResourceResolver(api) };
    return resolverOf.resolver;
  }

  /** The documents of the text as it is now (not waiting for the typing pause). */
  function current(): ManifestDocument[] {
    if (parsedText !== text.value) {
      parsedText = text.value;
      documents.value = parseManifests(text.value);
    }
    return documents.value;
  }

  function remember(
    textNow: string,
    docs: ManifestDocument[],
    items: { index: number; problems: FieldProblem[] }[],
  ) {
    serverProblems.value = items.length > 0 ? { text: textNow, documents: docs, items } : undefined;
  }

  /** Server-side apply (or its dry run) of every document; results and markers follow. */
  async function apply(mode: { dryRun?: boolean; force?: boolean } = {}): Promise<void> {
    const api = options.api();
    const r = resolver();
    if (!api || !r || busy.value) return;
    const textNow = text.value;
    const docs = current();
    busy.value = mode.dryRun ? 'dry-run' : 'apply';
    error.value = undefined;
    notice.value = undefined;
    try {
      const out = await applyDocuments(api, r, docs, { namespace: options.namespace(), ...mode });
      results.value = out;
      remember(
        textNow,
        docs,
        out.filter((x) => x.problems.length > 0).map((x) => ({ index: x.index, problems: x.problems })),
      );
      if (out.length === 0) notice.value = 'Nothing to apply: the editor has no manifest.';
      if (out.some((x) => x.outcome && x.object?.kind === 'CustomResourceDefinition')) crdsChanged();
    } finally {
      busy.value = undefined;
    }
  }

  /** Monaco's diff of the live objects (as the server has them) against the buffer's documents. */
  /**
   * Diff as `kubectl diff` does: each live object against what the server would make of the
   * manifest (a server-side apply dry run), so both sides are defaulted and in the server's field
   * order, and only real changes show. Where the dry run fails, the manifest as written stands in,
   * under the server's message.
   */
  async function showDiff(): Promise<void> {
    const api = options.api();
    const r = resolver();
    if (!api || !r || busy.value) return;
    busy.value = 'diff';
    error.value = undefined;
    try {
      const left: string[] = [];
      const right: string[] = [];
      for (const doc of manifestsToApply(current())) {
        if (!doc.object || !doc.apiVersion || !doc.kind || !doc.name) continue;
        const type = await r.resolve(doc.apiVersion, doc.kind);
        const namespace = type.namespaced ? (doc.namespace ?? options.namespace()) : undefined;
        const [liveObject, planned] = await Promise.all([
          getOrUndefined(api, type, doc.name, namespace),
          applyDocument(api, r, doc, { namespace: options.namespace(), dryRun: true }),
        ]);
        const header = `# ${doc.kind} ${namespace ? `${namespace}/` : ''}${doc.name}`;
        left.push(
          `${header}${liveObject ? '' : ' (does not exist yet)'}\n${liveObject ? comparableYaml(liveObject) : ''}`,
        );
        if (planned.object) {
          right.push(`${header}\n${comparableYaml(planned.object)}`);
        } else {
          const mine = {
            ...doc.object,
            metadata: { ...(doc.object.metadata as object), ...(namespace ? { namespace } : {}) },
          };
          const why = planned.error?.message ?? 'the server dry run failed';
          right.push(`${header} (as written: ${why.replace(/\s+/g, ' ')})\n${toYaml(mine)}`);
        }
      }
      if (left.length === 0) {
        notice.value = 'Nothing to compare: no document has an apiVersion, a kind and a name.';
        return;
      }
      diff.value = {
        title: 'Live objects ↔ after apply (server dry run)',
        original: left.join('---\n'),
        modified: right.join('---\n'),
      };
    } catch (e) {
      error.value = messageOf(e);
    } finally {
      busy.value = undefined;
    }
  }

  /** Convert a deprecated manifest (or all of them) to its current apiVersion; the notes say what changed. */
  function convert(index?: number): void {
    const result = convertText(text.value, index === undefined ? {} : { documents: [index] });
    text.value = result.text;
    notes.value = result.documents.flatMap((d) =>
      d.conversion.status === 'converted'
        ? [`${d.conversion.from} → ${d.conversion.to}`, ...d.conversion.notes]
        : [d.conversion.message],
    );
  }

  function insert(template: ManifestTemplate): void {
    const base = text.value === STARTER ? '' : text.value;
    text.value = insertTemplate(base, template, options.namespace());
  }

  /** Replace the buffer with a file's text. */
  function openText(name: string, content: string): void {
    text.value = content;
    fileName.value = name;
    live.value = undefined;
    results.value = [];
  }

  /** Load the live object `?from=` names, for editing with Save (PUT). */
  async function loadLive(): Promise<void> {
    const from = options.from();
    const api = options.api();
    const r = resolver();
    if (!from || !api || !r) return;
    const liveRef = parseDetailsPath(from);
    if (!liveRef) {
      error.value = `Not an object's address: ${from}`;
      return;
    }
    busy.value = 'load';
    try {
      const type = await r.resolveResource(liveRef.apiVersion, liveRef.resource);
      const object = await api.get(type, liveRef.name, { namespace: liveRef.namespace });
      text.value = editableYaml(object);
      fileName.value = `${liveRef.name}.yaml`;
      live.value = { ref: liveRef, type, resourceVersion: object.metadata.resourceVersion ?? '' };
    } catch (e) {
      error.value = messageOf(e);
    } finally {
      busy.value = undefined;
    }
  }

  /**
   * Save the live object with PUT, so a change made meanwhile by anyone else fails with 409
   * rather than being overwritten; `overwrite` takes the server's resourceVersion and writes anyway.
   */
  async function saveLive(overwrite = false): Promise<void> {
    const edit = live.value;
    const api = options.api();
    if (!edit || !api || busy.value) return;
    const textNow = text.value;
    const docs = manifestsToApply(current());
    const doc = docs[0];
    if (docs.length !== 1 || !doc?.object) {
      error.value = 'Saving a live object needs exactly one document in the editor.';
      return;
    }
    const body = structuredClone(doc.object) as KubeObject;
    body.metadata = { ...body.metadata };
    body.metadata.resourceVersion =
      overwrite && edit.theirs
        ? edit.theirs.metadata.resourceVersion
        : (body.metadata.resourceVersion ?? edit.resourceVersion);
    busy.value = 'save';
    error.value = undefined;
    try {
      const saved = await api.replace(edit.type, body, {
        namespace: edit.ref.namespace,
        fieldManager: FIELD_MANAGER,
        fieldValidation: 'Strict',
      });
      text.value = editableYaml(saved);
      live.value = { ...edit, resourceVersion: saved.metadata.resourceVersion ?? '', theirs: undefined };
      diff.value = undefined;
      notice.value = `Saved (resourceVersion ${saved.metadata.resourceVersion ?? '?'}).`;
      serverProblems.value = undefined;
    } catch (e) {
      const statusError = asStatusError(e);
      if (statusError.code === 409) {
        const theirs = await api
          .get(edit.type, edit.ref.name, { namespace: edit.ref.namespace })
          .catch(() => undefined);
        live.value = { ...edit, ...(theirs ? { theirs } : {}) };
        if (theirs) {
          diff.value = {
            title: 'Changed on the server: theirs ↔ yours',
            original: editableYaml(theirs),
            modified: textNow,
            conflict: true,
          };
        }
      }
      error.value = statusError.message;
      remember(textNow, current(), [{ index: doc.index, problems: problemsOf(statusError.status) }]);
    } finally {
      busy.value = undefined;
    }
  }

  /** After a save conflict: take the server's object into the buffer. */
  function reloadTheirs(): void {
    const edit = live.value;
    if (!edit?.theirs) return;
    text.value = editableYaml(edit.theirs);
    live.value = { ...edit, resourceVersion: edit.theirs.metadata.resourceVersion ?? '', theirs: undefined };
    diff.value = undefined;
    error.value = undefined;
  }

  return {
    text,
    fileName,
    documents,
    deprecations,
    markers,
    schema,
    busy,
    results,
    error,
    notice,
    notes,
    diff,
    live,
    apply,
    showDiff,
    convert,
    insert,
    openText,
    loadLive,
    saveLive,
    reloadTheirs,
    crdsChanged,
  };
}

export type EditorSession = ReturnType<typeof useEditorSession>;

async function getOrUndefined(
  api: KubeApi,
  type: ResourceType,
  name: string,
  namespace: string | undefined,
): Promise<KubeObject | undefined> {
  try {
    return await api.get(type, name, { namespace });
  } catch (e) {
    if (e instanceof StatusError && e.code === 404) return undefined;
    throw e;
  }
}

function asStatusError(e: unknown): StatusError {
  return e instanceof StatusError ? e : new StatusError(failureStatus(0, messageOf(e)));
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
