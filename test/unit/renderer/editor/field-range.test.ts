import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { YAML_OPTIONS } from '../../../../src-renderer/editor/deprecations/index.js';
import { fieldRange, parseFieldPath } from '../../../../src-renderer/editor/field-range.js';

const TEXT = `# a comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: "three"
  template:
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - containerPort: 80
              protocol: TCP
        - name: sidecar
          image: busybox
      finalizers: [a.example.com/x]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: second
data:
  key: value
`;

const docs = parseAllDocuments(TEXT, YAML_OPTIONS);
const at = (doc: number, path: string) => {
  const { range, exact } = fieldRange(docs[doc]!, TEXT, path);
  return {
    line: range.startLineNumber,
    text: TEXT.slice(range.startOffset, range.endOffset),
    exact,
  };
};

describe('parseFieldPath', () => {
  it('reads validation paths with indexes and map keys that contain dots', () => {
    expect(parseFieldPath('spec.template.spec.containers[0].image')).toEqual([
      { key: 'spec' },
      { key: 'template' },
      { key: 'spec' },
      { key: 'containers' },
      { index: 0 },
      { key: 'image' },
    ]);
    expect(parseFieldPath('metadata.labels[app.kubernetes.io/name]')).toEqual([
      { key: 'metadata' },
      { key: 'labels' },
      { key: 'app.kubernetes.io/name' },
    ]);
  });

  it('reads server-side apply paths with key matches and set values', () => {
    expect(parseFieldPath('.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]')).toEqual([
      { key: 'spec' },
      { key: 'containers' },
      { match: { name: 'web' } },
      { key: 'ports' },
      { match: { containerPort: 80, protocol: 'TCP' } },
    ]);
    expect(parseFieldPath('.metadata.finalizers[="a.example.com/x"]')).toEqual([
      { key: 'metadata' },
      { key: 'finalizers' },
      { value: 'a.example.com/x' },
    ]);
  });
});

describe('fieldRange', () => {
  it('marks a scalar field from its key through its value', () => {
    expect(at(0, 'spec.replicas')).toEqual({ line: 9, text: 'replicas: "three"', exact: true });
  });

  it('follows list indexes, and marks only the key of a block value', () => {
    expect(at(0, 'spec.template.spec.containers[1].image')).toMatchObject({
      line: 19,
      text: 'image: busybox',
    });
    expect(at(0, 'spec.template.spec.containers')).toMatchObject({ line: 12, text: 'containers' });
  });

  it('marks a block list item on its first line', () => {
    expect(at(0, 'spec.template.spec.containers[0]')).toMatchObject({
      line: 13,
      text: '- name: web'.slice(2),
    });
  });

  it('follows server-side apply key matches, with or without the leading dot', () => {
    expect(at(0, '.spec.template.spec.containers[name="web"].image')).toMatchObject({
      line: 14,
      text: 'image: nginx',
    });
    expect(
      at(0, 'spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]'),
    ).toMatchObject({ line: 16 });
  });

  it('finds map keys with dots in either spelling', () => {
    expect(at(0, 'metadata.labels[app.kubernetes.io/name]')).toMatchObject({ line: 7, exact: true });
    expect(at(0, '.metadata.labels.app.kubernetes.io/name')).toMatchObject({ line: 7, exact: true });
  });

  it('finds set items by value', () => {
    expect(at(0, 'spec.template.spec.finalizers[="a.example.com/x"]')).toMatchObject({
      line: 20,
      text: 'a.example.com/x',
    });
  });

  it('stops at the deepest field present when the rest is missing', () => {
    expect(at(0, 'spec.selector')).toEqual({ line: 8, text: 'spec', exact: false });
    expect(at(0, 'spec.template.spec.containers[5].image')).toMatchObject({ line: 12, exact: false });
  });

  it("falls back to the document's first line for a path it cannot follow at all", () => {
    expect(at(0, 'nothing.here')).toEqual({ line: 2, text: 'apiVersion: apps/v1', exact: false });
    expect(at(1, 'status.phase')).toEqual({ line: 22, text: 'apiVersion: v1', exact: false });
  });

  it('maps paths in later documents to their own lines', () => {
    expect(at(1, 'metadata.name')).toMatchObject({ line: 25, text: 'name: second' });
    expect(at(1, 'data[key]')).toMatchObject({ line: 27, text: 'key: value' });
  });
});
