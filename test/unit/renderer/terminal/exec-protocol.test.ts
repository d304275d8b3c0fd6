import { describe, expect, it } from 'vitest';
import {
  decodeExit,
  decodeFrame,
  encodeClose,
  encodeResize,
  encodeStdin,
  EXEC_PROTOCOLS,
} from '../../../../src-renderer/streams/exec-protocol.js';
import { describeExit } from '../../../../src-renderer/components/terminal/exit-text.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('exec frame codec', () => {
  it('offers v5, then v4', () => {
    expect(EXEC_PROTOCOLS).toEqual(['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  });

  it('puts stdin on channel 0, as UTF-8', () => {
    const frame = encodeStdin('ls ✓\r');
    expect(frame[0]).toBe(0);
    expect(text(frame.subarray(1))).toBe('ls ✓\r');
    expect([...encodeStdin(new Uint8Array([1, 2]))]).toEqual([0, 1, 2]);
  });

  it('puts the terminal size on channel 4 as {"Width","Height"}', () => {
    const frame = encodeResize(120, 40);
    expect(frame[0]).toBe(4);
    expect(JSON.parse(text(frame.subarray(1)))).toEqual({ Width: 120, Height: 40 });
  });

  it('closes stdin with [255, 0] in v5 only', () => {
    expect([...encodeClose('v5.channel.k8s.io')!]).toEqual([255, 0]);
    expect(encodeClose('v4.channel.k8s.io')).toBeUndefined();
  });

  it('decodes the channel and data of server frames (ArrayBuffer or bytes); empty is nothing', () => {
    const buffer = new Uint8Array([1, 104, 105]).buffer;
    const frame = decodeFrame(buffer)!;
    expect(frame.channel).toBe(1);
    expect(text(frame.data)).toBe('hi');
    expect(decodeFrame(new Uint8Array([2, 33]))!.channel).toBe(2);
    expect(decodeFrame(new Uint8Array([]))).toBeUndefined();
  });
});

describe('the end of a command (channel 3)', () => {
  it('Success is exit code 0 (v4 and v5 send the same Status)', () => {
    expect(decodeExit('{"metadata":{},"status":"Success"}')).toEqual({ status: 'Success', code: 0 });
  });

  it('a non-zero exit carries the code in details.causes', () => {
    const status = {
      metadata: {},
      status: 'Failure',
      message:
        'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    };
    const exit = decodeExit(new TextEncoder().encode(JSON.stringify(status)));
    expect(exit).toMatchObject({ status: 'Failure', code: 3, reason: 'NonZeroExitCode' });
    expect(describeExit(exit)).toBe('exited with code 3');
  });

  it('a failure without a code keeps the message; plain text (older servers) too', () => {
    const exit = decodeExit(
      '{"status":"Failure","message":"container not found (\\"x\\")","reason":"InternalError"}',
    );
    expect(exit).toEqual({
      status: 'Failure',
      code: undefined,
      message: 'container not found ("x")',
      reason: 'InternalError',
    });
    expect(describeExit(exit)).toBe('container not found ("x")');
    expect(decodeExit('exec failed: no such file')).toEqual({
      status: 'Failure',
      message: 'exec failed: no such file',
    });
  });

  it('explains codes above 128 as signals', () => {
    expect(describeExit({ status: 'Failure', code: 137 })).toBe('exited with code 137 (128 + 9: SIGKILL)');
    expect(describeExit({ status: 'Failure', code: 143 })).toBe('exited with code 143 (128 + 15: SIGTERM)');
    expect(describeExit({ status: 'Success', code: 0 })).toBe('exited with code 0');
  });
});
