import {
  StatusError,
  failureStatus,
  type KubeApi,
  type KubeObject,
  type ResourceType,
} from '../../kube/index.js';
import { deepEqual } from '../deprecations/objects.js';
import { describeManifest, type ManifestDocument } from '../manifests.js';
import type { ResourceResolver } from './resource-resolver.js';
import { conflictsOf, problemsOf, type FieldConflict, type FieldProblem } from './server-problems.js';

/** The field manager the app applies as (kubectl's is `kubectl`). */
export const FIELD_MANAGER = 'kubedesk';

/** What an apply did to one object, in kubectl's words. */
export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

export interface ApplyOptions {
  /** The namespace for documents that name none (the picked one). */
  namespace: string;
  /** Server dry run: validated, defaulted and admitted, never stored. */
  dryRun?: boolean;
  /** Take over fields other managers own instead of failing with 409. */
  force?: boolean;
  signal?: AbortSignal;
}

/** The result for one document. */
export interface DocumentResult {
  index: number;
  /** e.g. `Deployment web`. */
  description: string;
  /** kubectl's name for it, e.g. `deployment.apps/web`. */
  resourceName?: string;
  namespace?: string;
  dryRun: boolean;
  outcome?: ApplyOutcome;
  /** The object the server returned. */
  object?: KubeObject;
  error?: StatusError;
  /** What the server (or the document itself) said about its fields, for editor markers. */
  problems: FieldProblem[];
  /** The fields other managers own, on a 409 conflict: offer "Force apply". */
  conflicts: FieldConflict[];
}

/**
 * Server-side apply of each document in order (so a Namespace or CRD comes before what uses
 * it), as `kubectl apply --server-side --field-manager=kubedesk --validate=strict` does:
 * `PATCH` with `application/apply-patch+yaml`, `fieldManager=kubedesk`, `fieldValidation=Strict`,
 * and `dryRun=All` for a dry run. One failure does not stop the rest.
 */
export async function applyDocuments(
  api: KubeApi,
  resolver: ResourceResolver,
  documents: readonly ManifestDocument[],
  options: ApplyOptions,
): Promise<DocumentResult[]> {
  const results: DocumentResult[] = [];
  for (const document of documents) {
    if (document.empty) continue;
    results.push(await applyDocument(api, resolver, document, options));
  }
  return results;
}

/** Server-side apply of one document; never throws (the failure is in the result). */
export async function applyDocument(
  api: KubeApi,
  resolver: ResourceResolver,
  document: ManifestDocument,
  options: ApplyOptions,
): Promise<DocumentResult> {
  const dryRun = options.dryRun ?? false;
  const base: DocumentResult = {
    index: document.index,
    description: describeManifest(document),
    dryRun,
    problems: [],
    conflicts: [],
  };
  const local = localProblem(document);
  if (local) return { ...base, error: new StatusError(failureStatus(400, local.message)), problems: [local] };
  let type: ResourceType;
  try {
    type = await resolver.resolve(document.apiVersion!, document.kind!);
  } catch (error) {
    return failed(base, error, 'apiVersion');
  }
  const namespace = type.namespaced ? (document.namespace ?? options.namespace) : undefined;
  const named: DocumentResult = {
    ...base,
    // kubectl's words: the kind in lower case, then the group (`deployment.apps/web`).
    resourceName: `${type.kind.toLowerCase()}${type.group ? `.${type.group}` : ''}/${document.name!}`,
    ...(namespace ? { namespace } : {}),
  };
  try {
    const before = await getOrUndefined(api, type, document.name!, namespace, options.signal);
    const object = await api.patch(type, document.name!, JSON.stringify(document.object), {
      type: 'apply',
      fieldManager: FIELD_MANAGER,
      fieldValidation: 'Strict',
      namespace,
      dryRun,
      force: options.force,
      signal: options.signal,
    });
    return { ...named, outcome: classifyApply(before, object, dryRun, document.object), object };
  } catch (error) {
    return failed(named, error);
  }
}

/**
 * kubectl's verdict for an applied object: `created` when it did not exist; `unchanged` when
 * the server kept its resourceVersion (nothing was written), or when it did not but every field
 * the manifest sets reads the same before and after (a controller wrote meanwhile — status, an
 * annotation of its own — which is no change of ours); else `configured`. A dry run writes
 * nothing, so there the objects are compared without what the server alone sets
 * (resourceVersion, generation, managedFields, status).
 */
export function classifyApply(
  before: KubeObject | undefined,
  after: KubeObject,
  dryRun: boolean,
  manifest?: unknown,
): ApplyOutcome {
  if (!before) return 'created';
  if (!dryRun) {
    if (before.metadata.resourceVersion === after.metadata.resourceVersion) return 'unchanged';
    if (manifest === undefined) return 'configured';
    return deepEqual(projectOnto(before, manifest), projectOnto(after, manifest))
      ? 'unchanged'
      : 'configured';
  }
  return deepEqual(comparable(before), comparable(after)) ? 'unchanged' : 'configured';
}

/**
 * The parts of `value` at the paths `shape` (a manifest) sets: maps are followed key by key,
 * anything else (lists, scalars) is taken whole, as a list's items have no path of their own here.
 */
function projectOnto(value: unknown, shape: unknown): unknown {
  if (!isPlainObject(shape) || !isPlainObject(value)) return value;
  const projected: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) projected[key] = projectOnto(value[key], shape[key]);
  return projected;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `deployment.apps/web created (server dry run)`, as kubectl prints it. */
export function resultLine(result: DocumentResult): string {
  const name = result.resourceName ?? result.description;
  if (result.outcome) return `${name} ${result.outcome}${result.dryRun ? ' (server dry run)' : ''}`;
  return `${name}: ${result.error?.message ?? 'failed'}`;
}

function comparable(object: KubeObject): unknown {
  const { status: _status, ...rest } = object as KubeObject & { status?: unknown };
  const {
    resourceVersion: _rv,
    generation: _g,
    managedFields: _mf,
    ...metadata
  } = object.metadata as Record<string, unknown>;
  return { ...rest, metadata };
}

/** What the server would reject without being asked: no kind, no name, a document that does not parse. */
function localProblem(document: ManifestDocument): FieldProblem | undefined {
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    return { message: `line ${first.line}: ${first.message}`, severity: 'error' };
  }
  if (!document.object)
    return { message: 'the document is not a Kubernetes object (a mapping)', severity: 'error' };
  if (!document.apiVersion)
    return { field: 'apiVersion', message: 'apiVersion: Required value', severity: 'error' };
  if (!document.kind) return { field: 'kind', message: 'kind: Required value', severity: 'error' };
  if (!document.name) {
    return {
      field: 'metadata.name',
      message: 'metadata.name: Required value (apply needs a name)',
      severity: 'error',
    };
  }
  return undefined;
}

function failed(result: DocumentResult, error: unknown, field?: string): DocumentResult {
  const statusError =
    error instanceof StatusError
      ? error
      : new StatusError(failureStatus(0, error instanceof Error ? error.message : String(error)));
  const problems = problemsOf(statusError.status).map((p) => (p.field || !field ? p : { ...p, field }));
  return {
    ...result,
    error: statusError,
    problems,
    conflicts: statusError.code === 409 ? conflictsOf(statusError.status) : [],
  };
}

async function getOrUndefined(
  api: KubeApi,
  type: ResourceType,
  name: string,
  namespace: string | undefined,
  signal: AbortSignal | undefined,
): Promise<KubeObject | undefined> {
  try {
    return await api.get(type, name, { namespace, signal });
  } catch (error) {
    if (error instanceof StatusError && error.code === 404) return undefined;
    throw error;
  }
}
