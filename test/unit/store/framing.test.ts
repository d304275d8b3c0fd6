import { describe, expect, it } from 'vitest';
import { frame, HEADER_BYTES, readFrames } from '../../../embedded-cluster/store/embedded/wal/framing.js';

const records = ['first', 'second record', 'third'].map((s) => frame(Buffer.from(s)));
const log = Buffer.concat(records);
const secondAt = records[0]!.length;
const thirdAt = secondAt + records[1]!.length;

describe('record framing', () => {
  it('reads back every record of an intact log', () => {
    const scan = readFrames(log, 0);
    expect(scan.payloads.map(String)).toEqual(['first', 'second record', 'third']);
    expect(scan.damage).toBeUndefined();
    expect(scan.validEnd).toBe(log.length);
  });

  it('calls a log cut anywhere inside its last record torn, and stops before it', () => {
    for (let cut = thirdAt + 1; cut < log.length; cut++) {
      const scan = readFrames(log.subarray(0, cut), 0);
      expect(scan.damage?.kind).toBe('torn');
      expect(scan.validEnd).toBe(thirdAt);
      expect(scan.payloads).toHaveLength(2);
    }
  });

  it('calls a zero-filled tail torn', () => {
    const scan = readFrames(Buffer.concat([log, Buffer.alloc(64)]), 0);
    expect(scan.damage).toMatchObject({ kind: 'torn', offset: log.length });
  });

  it('calls a flipped bit with valid records after it corruption, at the damaged record', () => {
    for (const at of [2, 5, 9, HEADER_BYTES + 1]) {
      const damaged = Buffer.from(log);
      damaged[secondAt + at]! ^= 0x10;
      const scan = readFrames(damaged, 0);
      expect(scan.damage).toMatchObject({ kind: 'corrupt', offset: secondAt });
    }
  });
});
