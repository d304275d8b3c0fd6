import type { AppsV1 } from '../../client/index.js';

/**
 * `maxSurge` and `maxUnavailable` resolved against the replica count, as kube's
 * `ResolveFenceposts` (pkg/controller/deployment/util/deployment_util.go): a surge percentage
 * rounds up, an unavailability percentage rounds down, and if both come to 0, one pod may be
 * unavailable (else a rollout could never start).
 */
export function resolveFenceposts(
  surge: number | string | undefined,
  unavailable: number | string | undefined,
  desired: number,
): { maxSurge: number; maxUnavailable: number } {
  let maxSurgeValue = scaledValue(surge ?? '25%', desired, true);
  let maxUnavailableValue = scaledValue(unavailable ?? '25%', desired, false);
  if (maxSurgeValue === 0 && maxUnavailableValue === 0) maxUnavailableValue = 1;
  maxSurgeValue = Math.max(0, maxSurgeValue);
  return { maxSurge: maxSurgeValue, maxUnavailable: Math.max(0, maxUnavailableValue) };
}

/** `intstr.GetScaledValueFromIntOrPercent`. */
export function scaledValue(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const match = /^(-?\d+)%$/.exec(value);
  if (!match) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

export function isRollingUpdate(deployment: AppsV1.Deployment): boolean {
  return (deployment.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** How many pods above `replicas` a rolling update may run (0 for Recreate). */
export function maxSurge(deployment: AppsV1.Deployment): number {
  if (!isRollingUpdate(deployment)) return 0;
  const rolling = deployment.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(rolling?.maxSurge, rolling?.maxUnavailable, deployment.spec?.replicas ?? 1)
    .maxSurge;
}

/** How many of `replicas` may be unavailable during a rolling update (0 for Recreate). */
export function maxUnavailable(deployment: AppsV1.Deployment): number {
  const replicas = deployment.spec?.replicas ?? 1;
  if (!isRollingUpdate(deployment) || replicas === 0) return 0;
  const rolling = deployment.spec?.strategy?.rollingUpdate;
  const { maxUnavailable: value } = resolveFenceposts(rolling?.maxSurge, rolling?.maxUnavailable, replicas);
  return Math.min(value, replicas);
}
