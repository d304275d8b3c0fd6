/**
 * Drain a node as `kubectl drain --ignore-daemonsets` does: cordon it, list its pods, plan which
 * to evict (drain-plan.ts), then ask for each pod's eviction (`POST …/pods/<name>/eviction`, a
 * policy/v1 Eviction) so PodDisruptionBudgets are honoured. A 429 (a budget does not allow the
 * disruption now) is retried every 5 s, as kubectl does, until the pod goes or the user stops;
 * every other failure is reported with the server's Status message.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { CORE_TYPES, resourcePath, StatusError, type KubeApi } from '../../kube/index.js';
import { cordon } from './workload-actions.js';
import { planDrain, type DrainOptions, type DrainPlan } from './drain-plan.js';

export type EvictionPhase = 'pending' | 'evicting' | 'waiting-budget' | 'evicted' | 'failed';

export interface EvictionProgress {
  namespace: string;
  name: string;
  phase: EvictionPhase;
  /** The server's message for `failed` and `waiting-budget`. */
  message?: string;
}

export interface DrainRun extends DrainOptions {
  api: KubeApi;
  node: string;
  /** Called whenever a pod's progress changes (and once with the plan). */
  onProgress?: (progress: EvictionProgress[], plan: DrainPlan) => void;
  signal?: AbortSignal;
  /** Waits between 429 retries; tests replace it. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  retryMs?: number;
}

/** Cordon, then evict; resolves to the plan and each pod's outcome (blocked pods stop it before evicting). */
export async function drainNode(run: DrainRun): Promise<{ plan: DrainPlan; progress: EvictionProgress[] }> {
  const { api, node, signal } = run;
  const sleep = run.sleep ?? defaultSleep;
  await cordon(api, node, true);
  const list = await api.list(CORE_TYPES.pods, { fieldSelector: `spec.nodeName=${node}`, signal });
  const plan = planDrain(list.items as unknown as Pod[], run);
  const progress: EvictionProgress[] = plan.evict.map((pod) => ({
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    phase: 'pending',
  }));
  const report = () =>
    run.onProgress?.(
      progress.map((p) => ({ ...p })),
      plan,
    );
  report();
  if (plan.blocked.length) return { plan, progress };
  // One at a time per pod but all pods at once, as kubectl evicts in parallel.
  await Promise.all(
    progress.map(async (entry) => {
      for (;;) {
        if (signal?.aborted) {
          entry.phase = 'failed';
          entry.message = 'stopped';
          report();
          return;
        }
        entry.phase = 'evicting';
        report();
        try {
          await evictPod(api, entry.namespace, entry.name, signal);
          entry.phase = 'evicted';
          entry.message = undefined;
          report();
          return;
        } catch (error) {
          if (error instanceof StatusError && error.code === 404) {
            entry.phase = 'evicted';
            report();
            return;
          }
          if (error instanceof StatusError && error.code === 429) {
            entry.phase = 'waiting-budget';
            entry.message = error.message;
            report();
            try {
              await sleep(run.retryMs ?? 5000, signal);
            } catch {
              // aborted: the loop reports it
            }
            continue;
          }
          entry.phase = 'failed';
          entry.message = error instanceof Error ? error.message : String(error);
          report();
          return;
        }
      }
    }),
  );
  return { plan, progress };
}

/** Ask the API server to evict one pod (policy/v1 Eviction); PDB refusals come back as 429. */
export async function evictPod(
  api: KubeApi,
  namespace: string,
  name: string,
  signal?: AbortSignal,
): Promise<void> {
  const path = resourcePath(CORE_TYPES.pods, { namespace, name, subresource: 'eviction' });
  await api.raw(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } }),
    signal,
  });
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
