import { describe, expect, it } from 'vitest';
import {
  matchesSelector,
  parseLabelSelector,
  type ParsedSelector,
} from '../../../../src-renderer/components/table/label-selector.js';

function ok(input: string) {
  const parsed: ParsedSelector = parseLabelSelector(input);
  if (!parsed.ok) throw new Error(`${input}: ${parsed.error}`);
  return parsed;
}

function error(input: string) {
  const parsed = parseLabelSelector(input);
  if (parsed.ok) throw new Error(`${input} parsed`);
  return parsed;
}

describe('label selector parser (apimachinery labels.Parse grammar)', () => {
  it('reads equality, inequality and existence requirements and prints them canonically', () => {
    const parsed = ok(' app = web , tier!=db,  canary, !legacy, env==prod ');
    expect(parsed.requirements).toEqual([
      { key: 'app', operator: '=', values: ['web'] },
      { key: 'tier', operator: '!=', values: ['db'] },
      { key: 'canary', operator: 'exists', values: [] },
      { key: 'legacy', operator: '!exists', values: [] },
      { key: 'env', operator: '=', values: ['prod'] },
    ]);
    expect(parsed.text).toBe('app=web,tier!=db,canary,!legacy,env=prod');
  });

  it('reads set-based requirements, sorting and deduplicating their values', () => {
    const parsed = ok('env in (prod, a,prod),tier notin (db)');
    expect(parsed.requirements).toEqual([
      { key: 'env', operator: 'in', values: ['a', 'prod'] },
      { key: 'tier', operator: 'notin', values: ['db'] },
    ]);
    expect(parsed.text).toBe('env in (a,prod),tier notin (db)');
  });

  it('reads prefixed keys, empty values and numeric comparisons', () => {
    expect(ok('app.kubernetes.io/name=web').requirements[0]!.key).toBe('app.kubernetes.io/name');
    expect(ok('app=').requirements).toEqual([{ key: 'app', operator: '=', values: [''] }]);
    expect(ok('replicas>2,weight<10').text).toBe('replicas>2,weight<10');
  });

  it('treats a blank selector as selecting everything', () => {
    expect(ok('   ')).toEqual({ ok: true, requirements: [], text: '' });
  });

  it('explains what is wrong and where', () => {
    expect(error('app=web,').error).toBe('a label key was expected');
    expect(error('app=web,').at).toBe(8);
    expect(error('app web').error).toMatch(/was expected/);
    expect(error('-app=web').error).toMatch(/not a valid label key/);
    expect(error('Example.com/app=x').error).toMatch(/DNS subdomain/);
    expect(error('app=we b').error).toMatch(/"," was expected/);
    expect(error('env in (a b)').error).toBe('"," or ")" was expected');
    expect(error('env in ()').error).toBe('"in" needs at least one value');
    expect(error('env in a').error).toBe('"(" was expected after "in"');
    expect(error('n>x').error).toBe('an integer was expected after ">"');
    expect(error(`app=${'x'.repeat(64)}`).error).toMatch(/not a valid label value/);
  });

  it('matches labels as the server does', () => {
    const { requirements } = ok('app=web,tier!=db,env in (a,b),!legacy');
    expect(matchesSelector(requirements, { app: 'web', env: 'a' })).toBe(true);
    expect(matchesSelector(requirements, { app: 'web', env: 'a', tier: 'db' })).toBe(false);
    expect(matchesSelector(requirements, { app: 'web', env: 'c' })).toBe(false);
    expect(matchesSelector(requirements, { app: 'web', env: 'b', legacy: '' })).toBe(false);
    expect(matchesSelector(ok('n>2').requirements, { n: '3' })).toBe(true);
    expect(matchesSelector(ok('n>2').requirements, { n: 'x' })).toBe(false);
  });
});
