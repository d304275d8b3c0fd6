import { isStatus, type Status, type StatusCause } from './types.js';

/**
 * An API call that failed, carrying the server's `metav1.Status` so views can show its message
 * and the editor can put each `details.causes[].field` on the right line. Failures the API
 * server never answered (the network, the gateway's 502/503, a body that is not a Status) get
 * a synthesized Status with a message a user can act on, so every error has the same shape.
 */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  readonly status: Status;

  constructor(status: Status, options?: { cause?: unknown }) {
    super(status.message || status.reason || `request failed with code ${status.code ?? 'unknown'}`, options);
    this.status = status;
  }

  /** The HTTP code (0 when no response arrived). */
  get code(): number {
    return this.status.code ?? 0;
  }

  /** The machine-readable reason, e.g. `NotFound`, `Conflict`, `Expired`, `Invalid`. */
  get reason(): string {
    return this.status.reason ?? '';
  }

  /** The causes, e.g. each invalid field of an `Invalid` (422) error. */
  get causes(): StatusCause[] {
    return this.status.details?.causes ?? [];
  }

  /** Whether the server said the resourceVersion asked for is too old (410 Gone / Expired). */
  get isExpired(): boolean {
    return this.code === 410 || this.reason === 'Expired' || this.reason === 'Gone';
  }
}

/** The reasons Kubernetes gives for each code when a response has no Status body. */
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A Status for a failure that came without one. */
export function failureStatus(code: number, message: string, reason = REASONS[code] ?? 'Unknown'): Status {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

/**
 * The error for a non-2xx response: the server's Status when the body is one, else a Status
 * built from the code and whatever text came back (a gateway's error page, a proxy's message).
 */
export async function responseError(response: Response, what: string): Promise<StatusError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isStatus(body)) return new StatusError({ ...body, code: body.code ?? response.status });
  const detail = text.trim().slice(0, 300);
  const gateway =
    response.status === 502 || response.status === 503 || response.status === 504
      ? ' (the cluster could not be reached through the gateway)'
      : '';
  const message =
    `${what}: ${response.status} ${response.statusText || REASONS[response.status] || ''}`.trim();
  return new StatusError(
    failureStatus(response.status, `${message}${gateway}${detail ? `: ${detail}` : ''}`),
  );
}

/** The error for a request that got no response at all (refused, reset, offline). */
export function networkError(error: unknown, what: string): StatusError {
  if (error instanceof StatusError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StatusError(
    failureStatus(0, `${what}: the cluster could not be reached (${reason})`, 'NetworkError'),
    {
      cause: error,
    },
  );
}

/** Whether an error is the one an `AbortSignal` raises, which callers treat as "stopped", not failed. */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}
