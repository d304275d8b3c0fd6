import { describe, expect, it } from 'vitest';
import { expand, invocation } from '../../../../embedded-cluster/kubelet/pods/container-spec.js';

describe('command and args → ENTRYPOINT and CMD', () => {
  const env = new Map([['GREETING', 'hello']]);
  // https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#notes
  it.each([
    ['neither: the image runs as built', {}, {}],
    [
      'command only: replaces ENTRYPOINT and drops the image CMD',
      { command: ['/bin/echo'] },
      { entrypoint: ['/bin/echo'], cmd: [] },
    ],
    ['args only: the image ENTRYPOINT runs with them', { args: ['hi'] }, { cmd: ['hi'] }],
    [
      'both: command and args replace both',
      { command: ['/bin/sh', '-c'], args: ['echo hi'] },
      { entrypoint: ['/bin/sh', '-c'], cmd: ['echo hi'] },
    ],
  ])('%s', (_name, spec, expected) => {
    expect(invocation({ name: 'c', ...spec }, env)).toEqual(expected);
  });

  it('expands $(VAR) in command and args from the env', () => {
    expect(
      invocation({ name: 'c', command: ['echo', '$(GREETING)'], args: ['$(GREETING) world'] }, env),
    ).toEqual({
      entrypoint: ['echo', 'hello'],
      cmd: ['hello world'],
    });
  });
});

describe('$(VAR) expansion', () => {
  const lookup = (name: string) => ({ A: 'a', B: 'b' })[name];
  it.each([
    ['$(A)', 'a'],
    ['x$(A)y$(B)z', 'xaybz'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$a'],
    ['$$', '$'],
    ['$A', '$A'],
    ['$(A', '$(A'],
    ['end$', 'end$'],
    ['$()', '$()'],
  ])('%s → %s', (input, output) => {
    expect(expand(input, lookup)).toBe(output);
  });
});
