import { isStatus } from '../../client/index.js';

/**
 * Whether a create failed because its namespace is being deleted: Kubernetes answers 403 Forbidden
 * with the cause `NamespaceTerminating` (`v1.NamespaceTerminatingCause`). Controllers drop such
 * work instead of retrying it. The message is checked too, for servers that send no cause.
 */
export function isNamespaceTerminating(error: unknown): boolean {
  if (!isStatus(error, 'Forbidden')) return false;
  const causes = error.status.details?.causes ?? [];
  return (
    causes.some((cause) => cause.reason === 'NamespaceTerminating') ||
    /because it is being terminated/.test(error.message)
  );
}
