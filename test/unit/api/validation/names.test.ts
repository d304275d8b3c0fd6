import { describe, expect, it } from 'vitest';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
  pathSegmentName,
} from '../../../../embedded-cluster/api/validation/index.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('DNS names', () => {
  it('rejects a subdomain with Kubernetes exact message', () => {
    expect(isDNS1123Subdomain('my.name')).toEqual([]);
    expect(isDNS1123Subdomain('Foo')).toEqual([SUBDOMAIN_MSG]);
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
  });

  it('tells a label with dots that it must not contain them', () => {
    expect(isDNS1123Label('my-name')).toEqual([]);
    expect(isDNS1123Label('my.name')).toEqual(['must not contain dots']);
    expect(isDNS1123Label('-x')).toEqual([LABEL_MSG]);
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });

  it('requires a DNS-1035 label to start with a letter', () => {
    expect(isDNS1035Label('1abc')).toEqual([
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('allows a generateName its trailing dash', () => {
    expect(nameIsDNSSubdomain('web-', true)).toEqual([]);
    expect(nameIsDNSSubdomain('web-', false)).toEqual([SUBDOMAIN_MSG]);
  });

  it('keeps names usable as URL path segments', () => {
    expect(pathSegmentName('..', false)).toEqual(["may not be '..'"]);
    expect(pathSegmentName('a/b%c', false)).toEqual(["may not contain '/'", "may not contain '%'"]);
  });
});

describe('qualified names and label values', () => {
  it('checks prefix and name parts', () => {
    expect(isQualifiedName('example.com/MyName')).toEqual([]);
    expect(isQualifiedName('/x')).toEqual(['prefix part must be non-empty']);
    expect(isQualifiedName('a/')).toContain('name part must be non-empty');
    expect(isQualifiedName('Bad_/x')[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain/);
    expect(isQualifiedName('a/b/c')[0]).toBe(
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    );
    expect(isQualifiedName('x'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
  });

  it('accepts empty label values and rejects bad ones', () => {
    expect(isValidLabelValue('')).toEqual([]);
    expect(isValidLabelValue('-bad')).toEqual([
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
  });
});

describe('ports, environment variables and config keys', () => {
  it('checks port numbers and IANA service names', () => {
    expect(isValidPortNum(0)).toEqual(['must be between 1 and 65535, inclusive']);
    expect(isValidPortName('http')).toEqual([]);
    expect(isValidPortName('logical-publisher-tcp')).toEqual(['must be no more than 15 characters']);
    expect(isValidPortName('8080')).toEqual(['must contain at least one letter (a-z)']);
    expect(isValidPortName('a--b')).toEqual(['must not contain consecutive hyphens']);
  });

  it('has the strict and the relaxed (v1.32 default) env var rules', () => {
    expect(isEnvVarName('1X')[0]).toMatch(
      /^a valid environment variable name must consist of alphabetic characters/,
    );
    expect(isRelaxedEnvVarName('1X')).toEqual([]);
    expect(isRelaxedEnvVarName('A=B')).toEqual([
      "a valid environment variable name must consist only of printable ASCII characters other than '='",
    ]);
  });

  it('checks config keys', () => {
    expect(isConfigMapKey('sleep-interval')).toEqual([]);
    expect(isConfigMapKey('a b')[0]).toMatch(
      /^a valid config key must consist of alphanumeric characters, '-', '_' or '.'/,
    );
    expect(isConfigMapKey('..x')).toEqual(["must not start with '..'"]);
  });
});
