import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { YAML_OPTIONS } from '../../../../src-renderer/editor/deprecations/index.js';
import { insertTemplate, TEMPLATES } from '../../../../src-renderer/editor/templates.js';

describe('templates', () => {
  it('offers the common kinds', () => {
    expect(TEMPLATES.map((t) => t.kind)).toEqual([
      'Deployment',
      'Service',
      'ConfigMap',
      'Secret',
      'Job',
      'CronJob',
      'Ingress',
      'PersistentVolumeClaim',
      'StatefulSet',
      'Pod',
    ]);
  });

  it.each(TEMPLATES.map((t) => [t.kind, t] as const))(
    '%s parses, in the namespace given',
    (_kind, template) => {
      const docs = parseAllDocuments(template.render('team-a'), YAML_OPTIONS);
      expect(docs).toHaveLength(1);
      expect(docs[0]!.errors).toEqual([]);
      const object = docs[0]!.toJS() as { apiVersion: string; kind: string; metadata: { namespace: string } };
      expect(object).toMatchObject({
        apiVersion: template.apiVersion,
        kind: template.kind,
        metadata: { namespace: 'team-a' },
      });
    },
  );

  it('replaces a blank buffer, or adds a document after the text', () => {
    const deployment = TEMPLATES[0]!;
    expect(insertTemplate('  \n', deployment, 'ns')).toBe(deployment.render('ns'));
    const text = insertTemplate('kind: A', deployment, 'ns');
    expect(text.startsWith('kind: A\n---\napiVersion: apps/v1\n')).toBe(true);
    expect(parseAllDocuments(text, YAML_OPTIONS)).toHaveLength(2);
  });
});
