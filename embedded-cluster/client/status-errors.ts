import type { Status } from 'kubernetes-types/meta/v1.js';
import { status as statusError, StatusError } from '../api/errors.js';

/** The server's Status as a typed error; a body that is not a Status still gives the HTTP code. */
export function toStatusError(code: number, text: string): StatusError {
  try {
    const body = JSON.parse(text) as Partial<Status>;
    if (body.kind === 'Status') {
      return statusError(body.code ?? code, body.reason ?? 'Unknown', body.message ?? text, body.details);
    }
  } catch {
    // not JSON: fall through
  }
  return statusError(code, code === 404 ? 'NotFound' : 'Unknown', text.slice(0, 500) || `HTTP ${code}`);
}

/** Whether an error is the API's answer with this reason (`NotFound`, `Conflict`, `AlreadyExists` …). */
export function isStatus(error: unknown, reason: string): error is StatusError {
  return error instanceof StatusError && error.reason === reason;
}
