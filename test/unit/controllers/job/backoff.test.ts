import { describe, expect, it } from 'vitest';
import type { CoreV1 } from '../../../../embedded-cluster/client/index.js';
import {
  nextBackoffRecord,
  remainingBackoffMs,
} from '../../../../embedded-cluster/controllers/job/backoff.js';

function finishedAt(ms: number, phase: 'Succeeded' | 'Failed'): CoreV1.Pod {
  return {
    status: {
      phase,
      containerStatuses: [
        {
          name: 'c',
          image: 'x',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: {
            terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: new Date(ms).toISOString() },
          },
        },
      ],
    },
  };
}

describe('pod failure backoff', () => {
  it('waits 10 s after one failure, doubling per failure up to 6 minutes', () => {
    let record = nextBackoffRecord(undefined, [], [finishedAt(1_000, 'Failed')], 1_000);
    expect(remainingBackoffMs(record, 1_000)).toBe(10_000);
    expect(remainingBackoffMs(record, 8_000)).toBe(3_000);
    expect(remainingBackoffMs(record, 11_001)).toBe(0);
    record = nextBackoffRecord(record, [], [finishedAt(20_000, 'Failed')], 20_000);
    expect(remainingBackoffMs(record, 20_000)).toBe(20_000);
    for (let i = 0; i < 10; i++)
      record = nextBackoffRecord(record, [], [finishedAt(30_000, 'Failed')], 30_000);
    expect(remainingBackoffMs(record, 30_000)).toBe(360_000);
  });

  it('starts afresh after a success, counting only later failures', () => {
    let record = nextBackoffRecord(
      undefined,
      [],
      [finishedAt(1_000, 'Failed'), finishedAt(2_000, 'Failed')],
      2_000,
    );
    record = nextBackoffRecord(record, [finishedAt(5_000, 'Succeeded')], [], 5_000);
    expect(remainingBackoffMs(record, 5_000)).toBe(0);
    record = nextBackoffRecord(
      record,
      [finishedAt(6_000, 'Succeeded')],
      [finishedAt(4_000, 'Failed'), finishedAt(7_000, 'Failed')],
      7_000,
    );
    expect(record).toEqual({ failuresAfterLastSuccess: 1, lastFailureTime: 7_000 });
  });
});
