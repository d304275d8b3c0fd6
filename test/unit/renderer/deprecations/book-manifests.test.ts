import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { discoverResources, refOf, ResourceMapper } from '../../../../embedded-cluster/client/discovery.js';
import type { KubeObjectLike } from '../../../../embedded-cluster/client/resources.js';
import {
  convertText,
  findDeprecations,
  YAML_OPTIONS,
} from '../../../../src-renderer/editor/deprecations/index.js';
import { startTestCluster, type TestCluster } from '../../../support/test-cluster.js';

/**
 * The promise: every manifest of "Kubernetes in Action" (../shared/conformance/
 * kubernetes-in-action, next to the repository) converts into one a real API server accepts.
 * Each converted document is created with `dryRun=All` on an in-process cluster; CRDs are
 * created for real first so their custom resources can be checked too.
 */
const BOOK = fileURLToPath(
  new URL('../../../../../shared/conformance/kubernetes-in-action/', import.meta.url),
);
const present = existsSync(BOOK);

/** What the book has that no converter can or should make acceptable, by file. */
const NOT_CONVERTIBLE = {
  /** PodSecurityPolicy: removed in 1.25 with no replacement; reported, not converted. */
  podSecurityPolicy: [
    'Chapter13/pod-security-policy.yaml',
    'Chapter13/psp-capabilities.yaml',
    'Chapter13/psp-must-run-as.yaml',
    'Chapter13/psp-privileged.yaml',
    'Chapter13/psp-volumes.yaml',
  ],
  /** The Service Catalog's external API (servicecatalog.k8s.io): not a deprecated built-in, not served here. */
  notServed: [
    'Chapter18/database-broker.yaml',
    'Chapter18/database-instance.yaml',
    'Chapter18/my-postgres-db-binding.yaml',
  ],
  /** The book's deliberately incomplete example: a Website with no apiVersion. */
  notAManifest: ['Chapter18/imaginary-kubia-website.yaml'],
};

/**
 * Book manifests every real API server rejects, with the part of kube-apiserver's message that says
 * why: not the converter's doing, and kept here so the rejection stays the expected one.
 */
const INVALID_IN_BOOK = [
  {
    // Extended resources cannot be overcommitted: a request needs an equal limit
    // (pkg/apis/core/validation/validation.go, validateResourceRequirements).
    origin: 'Chapter14/custom-resource-request-pod.yaml',
    kind: 'Pod',
    message: expect.stringContaining('Limit must be set for non overcommitable resources'),
  },
];

/** What the book creates with kubectl commands before applying these manifests. */
const BOOK_PREREQUISITES = {
  /** `kubectl create serviceaccount foo` (chapter 12), for curl-custom-sa.yaml. */
  serviceAccounts: [{ namespace: 'default', name: 'foo' }],
};

interface Manifest {
  /** `file`, `file#doc`, or `file#doc.items[i]`. */
  origin: string;
  file: string;
  object: KubeObjectLike & Record<string, unknown>;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(full);
      return /\.(ya?ml|json)$/.test(entry.name) ? [full] : [];
    })
    .sort();
}

describe.skipIf(!present)(
  present
    ? 'the Kubernetes in Action manifests'
    : `the Kubernetes in Action manifests (skipped: ${BOOK} is absent)`,
  () => {
    let cluster: TestCluster;
    const manifests: Manifest[] = [];
    const converted = new Map<string, string>();
    const originals = new Map<string, string>();
    const rewritten: string[] = [];

    beforeAll(async () => {
      for (const full of yamlFiles(BOOK)) {
        const file = path.relative(BOOK, full).split(path.sep).join('/');
        const original = readFileSync(full, 'utf8');
        const result = convertText(original);
        originals.set(file, original);
        converted.set(file, result.text);
        rewritten.push(...result.documents.filter((d) => d.rewritten).map((d) => `${file}#${d.index}`));
        const docs = parseAllDocuments(result.text, YAML_OPTIONS);
        docs.forEach((doc, d) => {
          const origin = docs.length > 1 ? `${file}#${d}` : file;
          const object = doc.toJS() as Manifest['object'] | null;
          if (!object) return;
          if (object.kind === 'List' && Array.isArray(object.items)) {
            (object.items as Manifest['object'][]).forEach((item, i) =>
              manifests.push({ origin: `${origin}.items[${i}]`, file, object: item }),
            );
          } else manifests.push({ origin, file, object });
        });
      }
      cluster = await startTestCluster();
    });

    afterAll(async () => {
      await cluster?.destroy();
    });

    it('leaves no convertible deprecated apiVersion behind', () => {
      expect(converted.size).toBeGreaterThan(100);
      const left = [...converted].flatMap(([file, text]) =>
        findDeprecations(text).map((f) => ({
          file,
          message: f.message,
          convertible: f.replacement !== undefined,
        })),
      );
      expect(left.filter((f) => f.convertible)).toEqual([]);
      expect([...new Set(left.map((f) => f.file))].sort()).toEqual(NOT_CONVERTIBLE.podSecurityPolicy);
    });

    it('edits converted documents in place and leaves the rest byte for byte', () => {
      expect(rewritten).toEqual([]);
      const untouched = [...originals].filter(([, text]) => findDeprecations(text).length === 0);
      expect(untouched.length).toBeGreaterThan(100);
      for (const [file, text] of untouched) expect(converted.get(file), file).toBe(text);
      // Only the lines a conversion is about change: the Deployment keeps every other line.
      const before = originals.get('Chapter09/kubia-deployment-v3-with-readinesscheck.yaml')!.split('\n');
      const after = converted.get('Chapter09/kubia-deployment-v3-with-readinesscheck.yaml')!.split('\n');
      expect(after.filter((line) => !before.includes(line))).toEqual([
        'apiVersion: apps/v1',
        '  selector:',
        '    matchLabels:',
        '      app: kubia',
      ]);
    });

    it('converts every manifest into one the API server accepts (server-side dry run)', async () => {
      const client = cluster.client;
      const skipped: Record<keyof typeof NOT_CONVERTIBLE, string[]> = {
        podSecurityPolicy: [],
        notServed: [],
        notAManifest: [],
      };
      const rejected: { origin: string; kind: string; message: string }[] = [];
      let accepted = 0;
      let mapper = new ResourceMapper((await discoverResources(client)).resources);

      const create = async (manifest: Manifest, dryRun: boolean) => {
        const { object } = manifest;
        const resource = mapper.forKind(String(object.apiVersion), String(object.kind))!;
        const namespace = resource.namespaced ? (object.metadata?.namespace ?? 'default') : undefined;
        try {
          await client
            .resource(refOf(resource))
            .create(object, { dryRun, ...(namespace ? { namespace } : {}) });
          accepted++;
        } catch (error) {
          rejected.push({
            origin: manifest.origin,
            kind: String(object.kind),
            message: String((error as Error).message),
          });
        }
      };

      // Namespaces the book's manifests are created in: from the book's own Namespace manifest
      // where it has one (created for real, which is its check), else made here.
      const namespaceManifests = manifests.filter((m) => m.object.kind === 'Namespace');
      for (const manifest of namespaceManifests) await create(manifest, false);
      const namespaces = new Set(
        manifests.map((m) => m.object.metadata?.namespace).filter((n): n is string => !!n),
      );
      for (const name of namespaces) {
        if (namespaceManifests.some((m) => m.object.metadata?.name === name)) continue;
        await client.resource(refOf(mapper.forKind('v1', 'Namespace')!)).create({ metadata: { name } });
      }
      for (const { namespace, name } of BOOK_PREREQUISITES.serviceAccounts) {
        await client
          .resource(refOf(mapper.forKind('v1', 'ServiceAccount')!))
          .create({ metadata: { name } }, { namespace });
      }

      // CRDs for real, then wait for their kinds to be served.
      const crds = manifests.filter((m) => m.object.kind === 'CustomResourceDefinition');
      for (const crd of crds) await create(crd, false);
      for (let i = 0; i < 100 && crds.some((c) => !servedKind(mapper, c.object)); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        mapper = new ResourceMapper((await discoverResources(client)).resources);
      }

      for (const manifest of manifests) {
        const { object, file } = manifest;
        if (object.kind === 'CustomResourceDefinition' || object.kind === 'Namespace') continue;
        if (!object.apiVersion || !object.kind) skipped.notAManifest.push(file);
        else if (object.kind === 'PodSecurityPolicy') skipped.podSecurityPolicy.push(file);
        else if (!mapper.forKind(String(object.apiVersion), String(object.kind)))
          skipped.notServed.push(file);
        else await create(manifest, true);
      }

      expect(rejected).toEqual(INVALID_IN_BOOK);
      expect(skipped).toEqual(NOT_CONVERTIBLE);
      expect(accepted).toBe(manifests.length - Object.values(skipped).flat().length - INVALID_IN_BOOK.length);
    });
  },
);

function servedKind(mapper: ResourceMapper, crd: KubeObjectLike & Record<string, unknown>): boolean {
  const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string }[] };
  return spec.versions.every((v) => mapper.forKind(`${spec.group}/${v.name}`, spec.names.kind) !== undefined);
}
