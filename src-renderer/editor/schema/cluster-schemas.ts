import { StatusError, type KubeApi } from '../../kube/index.js';
import { combinedSchema, type UsedKind } from './combined-schema.js';
import {
  kindSchema,
  kindsOf,
  openApiPathOf,
  type JsonSchema,
  type KindSchema,
  type OpenApiDocument,
} from './openapi-schema.js';

/** `/openapi/v3`: each group-version's document, at a URL whose `hash` changes with its content. */
interface OpenApiIndex {
  paths?: Record<string, { serverRelativeURL?: string }>;
}

interface LoadedDocument {
  document: OpenApiDocument;
  kinds: Map<string, string>;
  /** Converted kinds, by `apiVersion/kind`. */
  schemas: Map<string, KindSchema | undefined>;
}

/**
 * One cluster's schemas, from its own `/openapi/v3`: the index once (again after `refresh()`),
 * then each group-version's document the first time a manifest uses that apiVersion. Documents
 * are kept by their `serverRelativeURL`, which carries a content hash, so after a refresh a
 * group whose CRDs changed is fetched anew and the others are not.
 */
export class ClusterSchemas {
  private index: Promise<OpenApiIndex> | undefined;
  private readonly documents = new Map<string, Promise<LoadedDocument | undefined>>();

  constructor(private readonly api: KubeApi) {}

  /** The schema of one kind, or undefined when the cluster does not serve it. */
  async kindSchema(apiVersion: string, kind: string): Promise<KindSchema | undefined> {
    const loaded = await this.load(apiVersion);
    if (!loaded) return undefined;
    const key = `${apiVersion}/${kind}`;
    if (!loaded.schemas.has(key)) {
      loaded.schemas.set(key, kindSchema(loaded.document, apiVersion, kind, loaded.kinds));
    }
    return loaded.schemas.get(key);
  }

  /**
   * The schema for an editor holding these kinds (see {@link combinedSchema}); kinds the cluster
   * does not serve are left out. Rejects only when the cluster cannot be reached.
   */
  async schemaFor(kinds: readonly { apiVersion: string; kind: string }[]): Promise<JsonSchema> {
    const found = await Promise.all(
      kinds.map(async ({ apiVersion, kind }) => {
        const schema = await this.kindSchema(apiVersion, kind);
        return schema ? { apiVersion, kind, schema } : undefined;
      }),
    );
    return combinedSchema(
      found.filter((u): u is UsedKind => u !== undefined),
      { apiVersions: await this.apiVersions() },
    );
  }

  /** Every group-version the cluster publishes a document for, e.g. `v1`, `apps/v1`. */
  async apiVersions(): Promise<string[]> {
    const index = await this.loadIndex();
    return Object.keys(index.paths ?? {})
      .map((path) => /^api\/([^/]+)$/.exec(path)?.[1] ?? /^apis\/([^/]+\/[^/]+)$/.exec(path)?.[1])
      .filter((v): v is string => v !== undefined)
      .sort();
  }

  /** Forget the index (a CustomResourceDefinition changed); documents whose hash changed go too. */
  refresh(): void {
    this.index = undefined;
  }

  private loadIndex(): Promise<OpenApiIndex> {
    if (!this.index) {
      const index = this.getJson<OpenApiIndex>('/openapi/v3').then((loaded) => {
        // Documents the new index no longer points at (a CRD changed their hash) are dropped.
        const current = new Set(Object.values(loaded.paths ?? {}).map((p) => p.serverRelativeURL));
        for (const url of this.documents.keys()) if (!current.has(url)) this.documents.delete(url);
        return loaded;
      });
      index.catch(() => {
        if (this.index === index) this.index = undefined;
      });
      this.index = index;
    }
    return this.index;
  }

  private async load(apiVersion: string): Promise<LoadedDocument | undefined> {
    const index = await this.loadIndex();
    const url = index.paths?.[openApiPathOf(apiVersion)]?.serverRelativeURL;
    if (!url) return undefined;
    let loaded = this.documents.get(url);
    if (!loaded) {
      loaded = this.getJson<OpenApiDocument>(url).then((document) => ({
        document,
        kinds: kindsOf(document),
        schemas: new Map(),
      }));
      loaded.catch(() => this.documents.delete(url));
      this.documents.set(url, loaded);
    }
    return loaded;
  }

  private async getJson<T>(path: string): Promise<T> {
    const response = await this.api.raw(path, { headers: { Accept: 'application/json' } });
    try {
      return (await response.json()) as T;
    } catch {
      throw new StatusError({
        kind: 'Status',
        status: 'Failure',
        code: 500,
        reason: 'InternalError',
        message: `GET ${path.split('?')[0]}: the response is not JSON`,
      });
    }
  }
}

const byApi = new WeakMap<KubeApi, ClusterSchemas>();

/** The schemas of the cluster an API client talks to, shared by every editor of that cluster. */
export function clusterSchemas(api: KubeApi): ClusterSchemas {
  let schemas = byApi.get(api);
  if (!schemas) {
    schemas = new ClusterSchemas(api);
    byApi.set(api, schemas);
  }
  return schemas;
}
