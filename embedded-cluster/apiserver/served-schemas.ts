import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import { crdDefinitions } from '../api/openapi/crd-schemas.js';
import type { Definitions } from '../api/openapi/schema.js';
import { definitionsV132 } from '../api/openapi/v1.32-additions.js';

/**
 * The OpenAPI definitions (and CRDs) served right now: Kubernetes v1.32's built-ins plus
 * those of every established CRD. One object while nothing changes, so that
 * the OpenAPI caches (which compare by identity) serialise only on change.
 */
export class ServedSchemas {
  private readonly builtin = definitionsV132();
  private readonly custom = new Map<string, Definitions>();
  private readonly crds = new Map<string, CustomResourceDefinition>();
  private merged: Definitions = this.builtin;

  get definitions(): Definitions {
    return this.merged;
  }

  /** The CustomResourceDefinition behind a custom resource type (its printer columns, selectable fields, schema). */
  crd(name: string): CustomResourceDefinition | undefined {
    return this.crds.get(name);
  }

  setCrd(name: string, crd: CustomResourceDefinition): void {
    this.crds.set(name, crd);
    this.custom.set(name, crdDefinitions(crd));
    this.merge();
  }

  removeCrd(name: string): void {
    this.crds.delete(name);
    if (this.custom.delete(name)) this.merge();
  }

  private merge(): void {
    this.merged = Object.assign({}, this.builtin, ...this.custom.values()) as Definitions;
  }
}
