import { describe, expect, it } from 'vitest';
import {
  decodeKubernetesProtobuf,
  ProtobufDecodeError,
} from '../../../embedded-cluster/api/protobuf/index.js';
import { cat, entry, int, k8s, msg, objectMeta, str } from './protobuf-writer.js';

describe('decodeKubernetesProtobuf refuses what is not a decodable Kubernetes protobuf object', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['JSON', Buffer.from('{"kind":"ConfigMap"}'), /does not start with the "k8s\\0" prefix/],
    ['an empty body', new Uint8Array(), /prefix/],
    [
      'a kind with no schema',
      k8s('example.com/v1', 'Widget', objectMeta('w')),
      /no protobuf schema for example.com\/v1, Kind=Widget/,
    ],
    ['a body without a kind', k8s('v1', '', objectMeta('w')), /has no kind/],
    ['a truncated object', k8s('v1', 'ConfigMap', Uint8Array.of(0x0a, 0x10, 0x0a)), /runs past the end/],
    [
      'a string sent as a varint',
      k8s('v1', 'ConfigMap', msg(1, int(1, 5))),
      /meta\/v1\.ObjectMeta\.name \(field 1\): wire type 0/,
    ],
    ['a gzip content encoding', cat(k8s('v1', 'ConfigMap'), str(3, 'gzip')), /content encoding "gzip"/],
    [
      'raw JSON that is not JSON',
      k8s('apps/v1', 'ControllerRevision', msg(2, str(1, '{nope'))),
      /neither JSON nor/,
    ],
  ];
  it.each(cases)('%s', (_, body, message) => {
    expect(() => decodeKubernetesProtobuf(body)).toThrow(ProtobufDecodeError);
    expect(() => decodeKubernetesProtobuf(body)).toThrow(message);
  });

  it('refuses nesting deeper than 100 levels', () => {
    let props = msg(2, str(5, 'string'));
    for (let i = 0; i < 120; i++) props = msg(2, entry(29, 'p', props));
    const body = k8s(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      msg(2, msg(7, msg(4, msg(1, entry(29, 'p', props))))),
    );
    expect(() => decodeKubernetesProtobuf(body)).toThrow(/nest deeper than 100/);
  });
});
