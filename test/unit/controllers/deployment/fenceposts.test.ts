import { describe, expect, it } from 'vitest';
import type { AppsV1 } from '../../../../embedded-cluster/client/index.js';
import {
  maxSurge,
  maxUnavailable,
  resolveFenceposts,
} from '../../../../embedded-cluster/controllers/deployment/fenceposts.js';

const rolling = (
  replicas: number,
  surge: number | string,
  unavailable: number | string,
): AppsV1.Deployment => ({
  spec: {
    replicas,
    selector: {},
    template: {},
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
  },
});

describe('maxSurge and maxUnavailable', () => {
  it('round a surge percentage up and an unavailability percentage down', () => {
    expect(resolveFenceposts('25%', '25%', 3)).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(resolveFenceposts('25%', '25%', 10)).toEqual({ maxSurge: 3, maxUnavailable: 2 });
    expect(resolveFenceposts(2, '50%', 5)).toEqual({ maxSurge: 2, maxUnavailable: 2 });
  });

  it('let one pod be unavailable when both come to 0', () => {
    expect(resolveFenceposts(0, '10%', 5)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });

  it('are 0 for Recreate, and maxUnavailable never exceeds replicas', () => {
    const recreate: AppsV1.Deployment = {
      spec: { replicas: 3, selector: {}, template: {}, strategy: { type: 'Recreate' } },
    };
    expect(maxSurge(recreate)).toBe(0);
    expect(maxUnavailable(recreate)).toBe(0);
    expect(maxUnavailable(rolling(2, 0, 5))).toBe(2);
    expect(maxUnavailable(rolling(0, 1, 1))).toBe(0);
    expect(maxSurge(rolling(4, 1, 0))).toBe(1);
  });
});
