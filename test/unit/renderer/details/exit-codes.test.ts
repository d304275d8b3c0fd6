import { describe, expect, it } from 'vitest';
import { explainExitCode } from '../../../../src-renderer/components/details/exit-codes.js';

describe('exit codes: 128 + signal explained', () => {
  it('explains the signals containers die of', () => {
    expect(explainExitCode(137)).toBe('SIGKILL (128+9): killed, e.g. OOM or grace period over');
    expect(explainExitCode(143)).toMatch(/^SIGTERM \(128\+15\)/);
    expect(explainExitCode(130)).toMatch(/^SIGINT \(128\+2\)/);
    expect(explainExitCode(139)).toMatch(/^SIGSEGV \(128\+11\)/);
    expect(explainExitCode(134)).toMatch(/^SIGABRT \(128\+6\)/);
  });

  it('says OOM when the runtime reports OOMKilled with 137', () => {
    expect(explainExitCode(137, 'OOMKilled')).toBe('SIGKILL (128+9): killed: out of memory (OOM)');
  });

  it('names signals it has no words for by number', () => {
    expect(explainExitCode(128 + 30)).toBe('signal 30 (128+30): killed by a signal');
  });

  it('explains plain codes', () => {
    expect(explainExitCode(0)).toBe('success');
    expect(explainExitCode(1)).toBe('error');
    expect(explainExitCode(127)).toBe('command not found');
    expect(explainExitCode(126)).toBe('command not executable');
    expect(explainExitCode(3)).toBe('error');
    expect(explainExitCode(undefined)).toBe('');
  });
});
