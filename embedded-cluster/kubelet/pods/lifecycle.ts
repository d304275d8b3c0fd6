import type { CoreV1 } from '../../client/index.js';
import { runAction, type ActionTarget } from './actions.js';

/** The least time a container gets to stop, whatever the grace (kuberuntime `minimumGracePeriodInSeconds`). */
export const MIN_GRACE_SECONDS = 2;
/** The default `terminationGracePeriodSeconds`. */
export const DEFAULT_GRACE_SECONDS = 30;

/**
 * The grace period a pod's containers get to stop: the delete request's (`deletionGracePeriodSeconds`),
 * else the pod's `terminationGracePeriodSeconds`, else 30 s.
 */
export function gracePeriodSeconds(pod: CoreV1.Pod): number {
  return (
    pod.metadata?.deletionGracePeriodSeconds ??
    pod.spec?.terminationGracePeriodSeconds ??
    DEFAULT_GRACE_SECONDS
  );
}

/** Why a hook failed, in the words of the kubelet's `FailedPostStartHook`/`FailedPreStopHook` events. */
export interface HookFailure {
  message: string;
}

/**
 * Run a lifecycle hook (postStart or preStop) — exec, httpGet or sleep — giving up after
 * `timeoutMs` (kuberuntime/lifecycle handler `Run`). Resolves to a failure description, or
 * undefined when the hook succeeded.
 */
export async function runHook(
  handler: CoreV1.LifecycleHandler,
  target: ActionTarget,
  timeoutMs: number,
): Promise<HookFailure | undefined> {
  const result = await runAction(handler, target, timeoutMs);
  if (result.ok) return undefined;
  if (handler.exec) {
    return {
      message: `Exec lifecycle hook (${JSON.stringify(handler.exec.command ?? [])
        .slice(1, -1)
        .replace(/","/g, ' ')}) for Container "${target.container.name}" failed - error: ${result.output}`,
    };
  }
  if (handler.httpGet) {
    return {
      message: `HTTP lifecycle hook (${handler.httpGet.path ?? '/'}) for Container "${target.container.name}" failed - error: ${result.output}`,
    };
  }
  return { message: result.output };
}
