/**
 * The manifests of "Kubernetes in Action" (../shared/conformance), applied
 * with the real kubectl 1.32 in the book's order, each first with
 * `--dry-run=server` and then for real, each in a namespace of its own (so
 * that one chapter's pod does not collide with another's of the same name;
 * cluster-scoped objects still meet, as they would on a real cluster). Each
 * must get the verdict Kubernetes 1.32 gives it, recorded with its reason in
 * verdicts.json: accepted, or rejected with the same message (removed API
 * versions are not served, so kubectl reports no matches for the kind).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ApiClient } from '../support/api-client.js';
import { kubectl } from '../support/kubectl.js';
import { startTestCluster, type TestCluster } from '../support/test-cluster.js';

const corpus = fileURLToPath(new URL('../../../shared/conformance/kubernetes-in-action/', import.meta.url));
const verdicts = JSON.parse(readFileSync(new URL('./verdicts.json', import.meta.url), 'utf8')) as Record<
  string,
  { verdict: 'accepted' | 'rejected'; reason: string }
>;

/** `-n kia-<i>` unless the manifest names its namespaces itself (then kubectl refuses a different one). */
function namespaceArgs(file: string, i: number): string[] {
  const named = parseAllDocuments(readFileSync(file, 'utf8')).some(
    (doc) => (doc.toJS() as { metadata?: { namespace?: string } } | null)?.metadata?.namespace !== undefined,
  );
  return named ? [] : ['-n', `kia-${i}`];
}

function manifests(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return manifests(path);
      return /\.(ya?ml|json)$/.test(name) ? [path] : [];
    });
}

const files = existsSync(corpus) ? manifests(corpus) : [];

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
  const api = new ApiClient(cluster.url, cluster.token, cluster.caCert);
  for (let i = 0; i < files.length; i++) {
    await api.post('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `kia-${i}` },
    });
  }
  api.close();
});
afterAll(async () => cluster?.destroy());

describe('Kubernetes in Action manifests get Kubernetes 1.32 verdicts', () => {
  it('has a recorded verdict for every manifest of the corpus', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.map((f) => relative(corpus, f)).filter((f) => !(f in verdicts))).toEqual([]);
  });

  for (const [i, file] of files.entries()) {
    const name = relative(corpus, file);
    it(name, async () => {
      const expected = verdicts[name]!;
      for (const dryRun of [true, false]) {
        const args = [
          'apply',
          ...namespaceArgs(file, i),
          ...(dryRun ? ['--dry-run=server'] : []),
          '-f',
          file,
        ];
        const result = await kubectl(cluster.kubeconfigPath, args);
        const output = (result.stdout + result.stderr).trim();
        if (expected.verdict === 'accepted') {
          expect(result.code, output).toBe(0);
          expect(result.stderr, output).toBe('');
        } else {
          expect(result.code, output).not.toBe(0);
          expect(output).toContain(expected.reason);
        }
      }
    });
  }
});
