import type { StatusCause } from 'kubernetes-types/meta/v1.js';
import { status, type StatusError } from '../errors.js';

/**
 * The `Status` shapes of patch and apply failures that `errors.*` has no
 * builder for, each exactly as the upstream code builds it.
 */
const failure = status;

/**
 * `NewGenericServerResponse(422, "", GroupResource{}, "", msg, 0, false)`: what a
 * JSON patch that cannot be applied, or an SMP list of lists, becomes. The
 * underlying message is dropped (isUnexpectedResponse is false), so kubectl
 * prints "The request is invalid: the server rejected our request due to an
 * error in our request".
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/api/errors/errors.go (NewGenericServerResponse)
 */
export function unprocessablePatch(): StatusError {
  return failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/**
 * An error that is not a `Status` when it reaches the handler: apiserver's
 * `ErrorToAPIStatus` turns it into a 500 with an empty reason and the raw
 * text (e.g. `map: map[image:x] does not contain declared merge key: name`).
 * https://github.com/kubernetes/apiserver/blob/master/pkg/endpoints/handlers/responsewriters/status.go
 */
export function unknownServerError(message: string): StatusError {
  return failure(500, '', message);
}

/** Patch content types, in the order the apiserver lists them in a 415. */
export const builtinPatchTypes = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

/** Custom resources have no Go struct to read patch strategies from, so no strategic merge patch. */
export const customResourcePatchTypes = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
] as const;

/**
 * 415 for a patch content type the resource does not accept; for a custom
 * resource and `application/strategic-merge-patch+json` the message is
 * `the body of the request was in an unknown format - accepted media types
 * include: application/json-patch+json, application/merge-patch+json,
 * application/apply-patch+yaml`.
 * https://github.com/kubernetes/apiserver/blob/master/pkg/endpoints/handlers/negotiation/errors.go (errUnsupportedMediaType),
 * https://github.com/kubernetes/apiextensions-apiserver/blob/master/pkg/apiserver/customresource_handler.go (supportedTypes)
 */
export function unsupportedPatchType(customResource: boolean): StatusError {
  const accepted = customResource ? customResourcePatchTypes : builtinPatchTypes;
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** `errors.NewApplyConflict`: 409 Conflict whose details carry only the causes. */
export function applyConflict(message: string, causes: StatusCause[]): StatusError {
  return failure(409, 'Conflict', message, { causes });
}
