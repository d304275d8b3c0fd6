import { describe, expect, it } from 'vitest';
import { findDeprecations } from '../../../../src-renderer/editor/deprecations/index.js';

const TEXT = `# a comment
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
---
apiVersion: v1
kind: Service
metadata: {name: web}
---
kind: List
apiVersion: v1
items:
- apiVersion: apps/v1
  kind: Deployment
- kind: CronJob
  apiVersion: "batch/v1beta1"
---
apiVersion: extensions.example.com/v1
kind: Website
`;

describe('findDeprecations', () => {
  it('marks the apiVersion value of each deprecated document, List items included', () => {
    const findings = findDeprecations(TEXT);
    expect(findings).toHaveLength(2);
    expect(findings[0]).toEqual({
      documentIndex: 0,
      range: {
        startLineNumber: 2,
        startColumn: 13,
        endLineNumber: 2,
        endColumn: 31,
        startOffset: 24,
        endOffset: 42,
      },
      apiVersion: 'extensions/v1beta1',
      kind: 'Ingress',
      replacement: 'networking.k8s.io/v1',
      severity: 'removed',
      message: 'extensions/v1beta1 Ingress was removed in Kubernetes 1.22: use networking.k8s.io/v1',
      guide: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/#ingress-v122',
    });
    expect(TEXT.slice(findings[0]!.range.startOffset, findings[0]!.range.endOffset)).toBe(
      'extensions/v1beta1',
    );
    expect(findings[1]).toMatchObject({
      documentIndex: 2,
      itemIndex: 1,
      kind: 'CronJob',
      apiVersion: 'batch/v1beta1',
      // The quotes are part of the marked value.
      range: { startLineNumber: 16, startColumn: 15, endLineNumber: 16, endColumn: 30 },
    });
  });

  it('says deprecated, not removed, for an older server', () => {
    const findings = findDeprecations(TEXT, { serverVersion: '1.21' });
    expect(findings.map((f) => [f.kind, f.severity])).toEqual([
      ['Ingress', 'deprecated'],
      ['CronJob', 'deprecated'],
    ]);
    expect(findDeprecations(TEXT, { serverVersion: '1.13' })).toEqual([]);
  });

  it('skips documents that do not parse and keeps going', () => {
    const text =
      'apiVersion: apps/v1beta1\nkind: [unclosed\n---\napiVersion: apps/v1beta2\nkind: DaemonSet\n';
    expect(findDeprecations(text).map((f) => [f.documentIndex, f.apiVersion])).toEqual([[1, 'apps/v1beta2']]);
    expect(findDeprecations('')).toEqual([]);
  });
});
