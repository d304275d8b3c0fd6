import type { Status, StatusCause } from 'kubernetes-types/meta/v1.js';

/**
 * A failure the API reports as a `metav1.Status`, with the reason and code
 * Kubernetes uses for it (k8s.io/apimachinery/pkg/api/errors/errors.go), so
 * that kubectl prints what it prints against a real cluster.
 */
export class StatusError extends Error {
  constructor(readonly status: Status & { code: number; reason: string }) {
    super(status.message);
    this.name = 'StatusError';
  }

  get code(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason;
  }
}

/** The group and plural name an error is about, e.g. `{ group: 'apps', resource: 'deployments' }`. */
export interface GroupResource {
  group: string;
  resource: string;
}

const qualified = (gr: GroupResource) => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

/** A failure Status of any code and reason; prefer the named builders in {@link errors}. */
export function status(
  code: number,
  reason: string,
  message: string,
  details?: Status['details'],
): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    ...(details ? { details } : {}),
  });
}

export const errors = {
  notFound: (gr: GroupResource, name: string) =>
    status(404, 'NotFound', `${qualified(gr)} "${name}" not found`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),

  alreadyExists: (gr: GroupResource, name: string) =>
    status(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),

  conflict: (gr: GroupResource, name: string, why: string) =>
    status(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),

  /** 422 with one cause per field, e.g. `{ reason: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' }`. */
  invalid: (group: string, kind: string, name: string, causes: StatusCause[]) => {
    const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : (c.message ?? ''))).join(', ');
    const summary = causes.length === 1 ? list : `[${list}]`;
    const gk = group ? `${kind}.${group}` : kind;
    return status(422, 'Invalid', `${gk} "${name}" is invalid: ${summary}`, { name, group, kind, causes });
  },

  badRequest: (message: string, causes?: StatusCause[]) =>
    status(400, 'BadRequest', message, causes ? { causes } : undefined),

  unauthorized: (message = 'Unauthorized') => status(401, 'Unauthorized', message),

  forbidden: (gr: GroupResource, name: string, why: string) =>
    status(403, 'Forbidden', `${qualified(gr)} "${name}" is forbidden: ${why}`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),

  methodNotSupported: (gr: GroupResource, verb: string) =>
    status(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified(gr)}"`, {
      group: gr.group,
      kind: gr.resource,
    }),

  notAcceptable: (message: string) => status(406, 'NotAcceptable', message),

  /** 410 for a resourceVersion that has been compacted away. */
  expired: (message: string) => status(410, 'Expired', message),

  gone: (message: string) => status(410, 'Gone', message),

  requestEntityTooLarge: (message: string) => status(413, 'RequestEntityTooLarge', message),

  unsupportedMediaType: (contentType: string) =>
    status(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got ${contentType}`,
    ),

  tooManyRequests: (message: string, retryAfterSeconds: number) =>
    status(429, 'TooManyRequests', message, { retryAfterSeconds }),

  internal: (message: string) => status(500, 'InternalError', `Internal error occurred: ${message}`),

  serviceUnavailable: (message: string) => status(503, 'ServiceUnavailable', message),

  timeout: (message: string) => status(504, 'Timeout', message),
};

/**
 * A field-level problem, as collected by validation before it becomes an
 * `invalid` error: `reason` is the field error type, `message` its text as
 * Kubernetes words it (`Required value`, `Invalid value: "Foo": …`).
 */
export interface FieldCause extends StatusCause {
  reason: FieldErrorType;
  field: string;
  message: string;
}

/** k8s.io/apimachinery/pkg/util/validation/field error types, as they appear in `Status.details.causes[].reason`. */
export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';
