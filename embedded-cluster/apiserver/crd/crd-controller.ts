import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import type { ResourceType } from '../../api/catalog.js';
import type { KubeObject } from '../../api/object.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { collectionPrefix } from '../registry/keys.js';
import { decodeObject } from '../registry/object-codec.js';
import { timestamp } from '../registry/object-meta.js';
import type { Registry } from '../registry/registry.js';
import { startWatch } from '../registry/watch.js';
import type { ResourceCatalog } from '../resource-catalog.js';
import { crdResourceTypes } from '../../api/openapi/crd-schemas.js';
import { prefixEnd } from '../../store/store.js';

/** The finalizer the API server puts on every CRD so that deleting it first deletes its objects. */
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/**
 * Serves CustomResourceDefinitions, as the apiextensions-apiserver's
 * controllers do inside kube-apiserver: an established CRD's resources join
 * the catalog (so discovery, OpenAPI and routing see them), its status says
 * so, and a deleted CRD takes its objects with it before it goes.
 */
export class CrdController {
  private watch: { stop(): void } | undefined;

  constructor(
    private readonly deps: {
      registry: Registry;
      store: Store;
      catalog: ResourceCatalog;
      clock: Clock;
      logger: Logger;
      crdType: ResourceType;
      /** Called when a CRD's served resources change (for the OpenAPI cache). */
      onChange?: (crd: CustomResourceDefinition | undefined, name: string) => void;
    },
  ) {}

  async start(): Promise<void> {
    const { registry, crdType } = this.deps;
    const list = await registry.list(crdType, undefined);
    for (const crd of list.items) await this.sync(crd);
    this.watch = startWatch(
      registry,
      this.deps.store,
      crdType,
      undefined,
      { resourceVersion: list.resourceVersion },
      {
        event: (event) => {
          const crd = event.object as KubeObject;
          const work = event.type === 'DELETED' ? this.forget(crd.metadata.name!) : this.sync(crd);
          work.catch((error: unknown) =>
            this.deps.logger.error('custom resource definition sync failed', {
              crd: crd.metadata.name,
              error: String(error),
            }),
          );
        },
        end: () => {},
      },
      this.deps.clock,
    );
  }

  stop(): void {
    this.watch?.stop();
  }

  /** Bring one CRD's serving and status in line with its spec. */
  private async sync(obj: KubeObject): Promise<void> {
    const crd = obj as unknown as CustomResourceDefinition;
    const name = obj.metadata.name!;
    if (obj.metadata.deletionTimestamp) {
      await this.cleanUp(obj);
      return;
    }
    this.deps.catalog.setCustom(name, crdResourceTypes(crd));
    this.deps.onChange?.(crd, name);
    await this.markEstablished(obj);
  }

  private forget(name: string): Promise<void> {
    this.deps.catalog.removeCustom(name);
    this.deps.onChange?.(undefined, name);
    return Promise.resolve();
  }

  private async markEstablished(obj: KubeObject): Promise<void> {
    const { registry, crdType, clock } = this.deps;
    const crd = obj as unknown as CustomResourceDefinition;
    const now = timestamp(clock.now());
    const storage = (crd.spec.versions.find((v) => v.storage) ?? crd.spec.versions[0])!.name;
    const wanted = {
      acceptedNames: {
        ...crd.spec.names,
        singular: crd.spec.names.singular || crd.spec.names.kind.toLowerCase(),
      },
      storedVersions: [...new Set([...(crd.status?.storedVersions ?? []), storage])],
    };
    const conditions = crd.status?.conditions ?? [];
    const established = conditions.some((c) => c.type === 'Established' && c.status === 'True');
    if (
      established &&
      JSON.stringify(crd.status?.acceptedNames) === JSON.stringify(wanted.acceptedNames) &&
      JSON.stringify(crd.status?.storedVersions) === JSON.stringify(wanted.storedVersions)
    ) {
      return;
    }
    await registry.update(
      crdType,
      undefined,
      obj.metadata.name!,
      (current) => {
        if (!current) throw new Error('gone');
        current.status = {
          ...wanted,
          conditions: [
            {
              type: 'NamesAccepted',
              status: 'True',
              lastTransitionTime: now,
              reason: 'NoConflicts',
              message: 'no conflicts found',
            },
            {
              type: 'Established',
              status: 'True',
              lastTransitionTime: now,
              reason: 'InitialNamesAccepted',
              message: 'the initial names have been accepted',
            },
          ],
        };
        return current;
      },
      { dryRun: false },
    );
  }

  /** A CRD being deleted: delete every object of it, then release the CRD. */
  private async cleanUp(obj: KubeObject): Promise<void> {
    const { registry, store, crdType, catalog } = this.deps;
    const crd = obj as unknown as CustomResourceDefinition;
    const name = obj.metadata.name!;
    const resources = crdResourceTypes(crd);
    catalog.removeCustom(name);
    this.deps.onChange?.(undefined, name);
    if (resources[0]) {
      const prefix = collectionPrefix(resources[0], undefined);
      await store.delete(prefix, { end: prefixEnd(prefix) });
    }
    await registry.update(
      crdType,
      undefined,
      name,
      (current) => {
        if (!current) throw new Error('gone');
        current.metadata.finalizers = (current.metadata.finalizers ?? []).filter(
          (f) => f !== CLEANUP_FINALIZER,
        );
        if (current.metadata.finalizers.length === 0) delete current.metadata.finalizers;
        return current;
      },
      { dryRun: false },
    );
    const kv = await registry.current(crdType, undefined, name);
    if (kv) {
      const current = decodeObject(kv);
      if (!current.metadata.finalizers?.length) await registry.remove(crdType, current, kv.modRevision);
    }
  }
}
