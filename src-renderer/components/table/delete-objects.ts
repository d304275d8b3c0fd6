import type { KubeApi, ResourceType } from '../../kube/index.js';
import { StatusError } from '../../kube/index.js';

/** An object to delete. */
export interface DeleteTarget {
  name: string;
  namespace?: string | undefined;
}

/** How one delete went: `done`, or the server's Status as a StatusError. */
export interface DeleteResult {
  target: DeleteTarget;
  error?: StatusError | undefined;
}

/**
 * The grace period field's value as seconds: blank means the object's own default (undefined);
 * otherwise a whole number ≥ 0 (0 deletes at once, as `kubectl delete --grace-period=0`).
 */
export function parseGracePeriod(
  text: string,
): { ok: true; seconds: number | undefined } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, seconds: undefined };
  if (!/^\d+$/.test(trimmed))
    return { ok: false, error: 'The grace period is a whole number of seconds (0 or more).' };
  return { ok: true, seconds: Number(trimmed) };
}

/**
 * Delete each target (four at a time), with background propagation as `kubectl delete` does, so
 * owned objects go too. Every target gets a result; one failure does not stop the rest.
 */
export async function deleteObjects(
  api: KubeApi,
  type: ResourceType,
  targets: readonly DeleteTarget[],
  options: { gracePeriodSeconds?: number | undefined; concurrency?: number } = {},
): Promise<DeleteResult[]> {
  const results: DeleteResult[] = targets.map((target) => ({ target }));
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index]!;
      try {
        await api.delete(type, target.name, {
          namespace: type.namespaced ? target.namespace : undefined,
          gracePeriodSeconds: options.gracePeriodSeconds,
          propagationPolicy: 'Background',
        });
      } catch (error) {
        results[index] = {
          target,
          error:
            error instanceof StatusError
              ? error
              : new StatusError({
                  kind: 'Status',
                  code: 0,
                  message: error instanceof Error ? error.message : String(error),
                }),
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, targets.length) }, worker));
  return results;
}
