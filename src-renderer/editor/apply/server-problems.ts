import type { Status } from '../../kube/index.js';

/** Something the server said about one field of a document (or the whole document, without `field`). */
export interface FieldProblem {
  /** The field path as the server wrote it, e.g. `spec.replicas` or `.spec.containers[name="web"].image`. */
  field?: string;
  message: string;
  severity: 'error' | 'warning';
}

/** One field another manager owns, from a server-side apply conflict (409). */
export interface FieldConflict {
  field: string;
  /** e.g. `"kubectl-client-side-apply" using apps/v1`, as the server describes the manager. */
  manager: string;
}

/**
 * Strict field validation reports unknown and duplicate fields in the message of a 400
 * (`…strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`), not as causes
 * (k8s.io/apimachinery/pkg/runtime/serializer/json: strict decoding errors).
 */
const STRICT_FIELD = /(unknown|duplicate) field "([^"]+)"/g;

/**
 * Server-side apply reports fields its schema lacks or types it cannot take in the message of a
 * 400 too: `failed to create typed patch object (/web; apps/v1, Kind=Deployment):
 * .spec.template.spec.containers[name="web"].imagePolicy: field not declared in schema`.
 */
const TYPED_PATCH = /failed to create typed (?:patch|live) object \([^)]*\): (\.\S+?): ([^\n]+)/g;

/**
 * What a failed write said about the document's fields: each cause with a field (422 Invalid's
 * `spec.replicas: Invalid value…`), each unknown field of strict validation, each conflicting
 * field of an apply conflict; a failure naming no field becomes one problem for the document.
 */
export function problemsOf(status: Status): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const cause of status.details?.causes ?? []) {
    if (!cause.field) continue;
    const message =
      cause.reason === 'FieldManagerConflict'
        ? `${cause.field}: ${cause.message ?? 'conflict'} (apply with force to take it over)`
        : `${cause.field}: ${cause.message ?? cause.reason ?? 'invalid'}`;
    problems.push({ field: stripDot(cause.field), message, severity: 'error' });
  }
  for (const match of (status.message ?? '').matchAll(STRICT_FIELD)) {
    const field = match[2]!;
    if (problems.some((p) => p.field === field)) continue;
    problems.push({ field, message: `${match[1]} field "${field}"`, severity: 'error' });
  }
  for (const match of (status.message ?? '').matchAll(TYPED_PATCH)) {
    const field = stripDot(match[1]!);
    if (problems.some((p) => p.field === field)) continue;
    problems.push({ field, message: `${field}: ${match[2]!}`, severity: 'error' });
  }
  if (problems.length === 0) {
    problems.push({ message: status.message || status.reason || 'the server refused it', severity: 'error' });
  }
  return problems;
}

/** The fields and managers of a 409 apply conflict (its `FieldManagerConflict` causes). */
export function conflictsOf(status: Status): FieldConflict[] {
  return (status.details?.causes ?? [])
    .filter((c) => c.reason === 'FieldManagerConflict' && c.field)
    .map((c) => ({
      field: c.field!,
      manager: (c.message ?? '').replace(/^conflict with /, '') || 'another manager',
    }));
}

/** Server-side apply paths start with a dot; validation paths do not. Both resolve the same. */
function stripDot(field: string): string {
  return field.startsWith('.') ? field.slice(1) : field;
}
