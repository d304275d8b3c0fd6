import { describe, expect, it } from 'vitest';
import {
  duplicate,
  errorBody,
  forbidden,
  formatProblem,
  goQuote,
  goStringMap,
  invalid,
  invalidError,
  notFound,
  notSupported,
  required,
  tooLong,
  tooMany,
} from '../../../../embedded-cluster/api/validation/index.js';

describe('the problem formatter', () => {
  it('words each error type as field.Error.ErrorBody does', () => {
    expect(errorBody(required('spec.containers'))).toBe('Required value');
    expect(errorBody(required('metadata.name', 'name or generateName is required'))).toBe(
      'Required value: name or generateName is required',
    );
    expect(errorBody(invalid('metadata.name', 'Foo', 'bad'))).toBe('Invalid value: "Foo": bad');
    expect(errorBody(notSupported('spec.type', 'x', ['a', 'b']))).toBe(
      'Unsupported value: "x": supported values: "a", "b"',
    );
    expect(errorBody(forbidden('spec', 'nope'))).toBe('Forbidden: nope');
    expect(errorBody(duplicate('spec.containers[1].name', 'web'))).toBe('Duplicate value: "web"');
    expect(errorBody(notFound('spec.containers[0].volumeMounts[0].name', 'data'))).toBe('Not found: "data"');
    expect(errorBody(tooLong('metadata.annotations', 262144))).toBe(
      'Too long: must have at most 262144 bytes',
    );
    expect(errorBody(tooMany('spec.x', 5, 4))).toBe('Too many: 5: must have at most 4 items');
  });

  it('prints numbers and booleans bare, nil as null, maps in Go syntax', () => {
    expect(errorBody(invalid('spec.replicas', -1, 'must be greater than or equal to 0'))).toBe(
      'Invalid value: -1: must be greater than or equal to 0',
    );
    expect(errorBody(invalid('f', true, 'x'))).toBe('Invalid value: true: x');
    expect(errorBody(invalid('f', null, 'x'))).toBe('Invalid value: null: x');
    expect(errorBody(invalid('f', goStringMap({ b: '2', a: '1' }), 'x'))).toBe(
      'Invalid value: map[string]string{"a":"1", "b":"2"}: x',
    );
    expect(errorBody(invalid('f', ['a', 'b'], 'x'))).toBe('Invalid value: []string{"a", "b"}: x');
  });

  it('quotes strings as Go %q does', () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('tab\there\n')).toBe('"tab\\there\\n"');
    expect(goQuote('\x01é')).toBe('"\\x01é"');
  });

  it('turns problems into Status causes with the field error reason', () => {
    expect(formatProblem(required('spec.containers'))).toEqual({
      reason: 'FieldValueRequired',
      field: 'spec.containers',
      message: 'Required value',
    });
    expect(formatProblem(notSupported('spec.type', 'x', ['a'])).reason).toBe('FieldValueNotSupported');
  });

  it('builds the 422 message as apierrors.NewInvalid: one problem bare, several bracketed, repeats once', () => {
    const one = invalidError('', 'Pod', 'p', [required('spec.containers')]);
    expect(one.code).toBe(422);
    expect(one.reason).toBe('Invalid');
    expect(one.status.message).toBe('Pod "p" is invalid: spec.containers: Required value');
    const many = invalidError('apps', 'Deployment', 'd', [
      required('spec.selector'),
      required('spec.selector'),
      invalid('spec.replicas', -1, 'must be greater than or equal to 0'),
    ]);
    expect(many.status.message).toBe(
      'Deployment.apps "d" is invalid: [spec.selector: Required value, spec.replicas: Invalid value: -1: must be greater than or equal to 0]',
    );
    expect(many.status.details?.causes).toHaveLength(3);
  });
});
