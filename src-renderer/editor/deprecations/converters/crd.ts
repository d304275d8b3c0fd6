import { isRecord, list, nonEmpty, record, renameKey, setBefore, type JsonRecord } from '../objects.js';
import type { KindConverter } from './types.js';

/**
 * CustomResourceDefinition from `apiextensions.k8s.io/v1beta1` to `v1`, per the guide's v1.22
 * notes and kubernetes/staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1/conversion.go:
 *
 * - `spec.scope` is no longer defaulted: the old default, `Namespaced`, is written out.
 * - `spec.version` becomes a `spec.versions` entry (served, storage) when there is no list.
 * - The top-level `validation`, `subresources` and `additionalPrinterColumns` move into every
 *   version that has none of its own; printer columns' `JSONPath` becomes `jsonPath`.
 * - `spec.conversion.webhookClientConfig` / `conversionReviewVersions` move under
 *   `spec.conversion.webhook` (`conversionReviewVersions` defaulted to `[v1beta1]` before).
 * - v1 requires a structural schema per version and `preserveUnknownFields: false`. A version
 *   without a schema gets `{type: object, x-kubernetes-preserve-unknown-fields: true}` (accept
 *   anything, as v1beta1 did); a schema that did not opt into pruning keeps its behaviour with
 *   `x-kubernetes-preserve-unknown-fields: true` at its root. Both are noted, since a real schema
 *   is better. Whether an existing schema is structural is left to the server to say.
 */
export const convertCrd: KindConverter = (object, _from, _to, notes) => {
  const spec = record(object.spec);
  if (!spec) return;

  if (spec.scope === undefined) {
    setBefore(spec, 'names', 'scope', 'Namespaced');
    notes.push('set spec.scope: Namespaced, the v1beta1 default (v1 requires it)');
  }

  const preserveUnknown = spec.preserveUnknownFields !== false;
  delete spec.preserveUnknownFields;

  const shared = {
    schema: record(record(spec.validation)?.openAPIV3Schema),
    subresources: record(spec.subresources),
    columns: Array.isArray(spec.additionalPrinterColumns) ? spec.additionalPrinterColumns : undefined,
  };
  delete spec.validation;
  delete spec.subresources;
  delete spec.additionalPrinterColumns;

  let versions = list(spec.versions).filter(isRecord);
  if (versions.length === 0) {
    versions = [{ name: spec.version, served: true, storage: true }];
    notes.push(`moved spec.version ${String(spec.version)} to spec.versions`);
    if ('version' in spec) renameKey(spec, 'version', 'versions', versions);
  }
  delete spec.version;

  let permissive = 0;
  for (const version of versions) {
    if (!('schema' in version) && shared.schema)
      version.schema = { openAPIV3Schema: structuredClone(shared.schema) };
    if (!('subresources' in version) && shared.subresources)
      version.subresources = structuredClone(shared.subresources);
    if (!('additionalPrinterColumns' in version) && shared.columns) {
      version.additionalPrinterColumns = structuredClone(shared.columns);
    }
    for (const column of list(version.additionalPrinterColumns)) {
      if (isRecord(column) && 'JSONPath' in column) renameKey(column, 'JSONPath', 'jsonPath');
    }
    const schema = record(record(version.schema)?.openAPIV3Schema);
    if (!schema) {
      version.schema = { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
      permissive++;
    } else {
      if (schema.type === undefined) schema.type = 'object';
      if (preserveUnknown && schema['x-kubernetes-preserve-unknown-fields'] === undefined) {
        schema['x-kubernetes-preserve-unknown-fields'] = true;
        notes.push(
          `version ${String(version.name)}: kept unknown fields as v1beta1 did (x-kubernetes-preserve-unknown-fields: true at the schema root); remove it to have the server prune them`,
        );
      }
    }
  }
  if (permissive > 0) {
    notes.push(
      'v1 requires an openAPIV3Schema per version and there was none: added one that accepts any object (x-kubernetes-preserve-unknown-fields: true); write a real schema to get validation',
    );
  }
  if (shared.schema || shared.subresources || shared.columns) {
    notes.push(
      'moved spec.validation, spec.subresources and spec.additionalPrinterColumns into each version',
    );
  }
  spec.versions = versions;

  const conversion = record(spec.conversion);
  if (conversion && ('webhookClientConfig' in conversion || conversion.strategy === 'Webhook')) {
    const webhook: JsonRecord = { ...record(conversion.webhook) };
    if ('webhookClientConfig' in conversion) webhook.clientConfig = conversion.webhookClientConfig;
    webhook.conversionReviewVersions = conversion.conversionReviewVersions ??
      webhook.conversionReviewVersions ?? ['v1beta1'];
    delete conversion.webhookClientConfig;
    delete conversion.conversionReviewVersions;
    conversion.webhook = webhook;
    notes.push(
      'moved spec.conversion.webhookClientConfig and conversionReviewVersions under spec.conversion.webhook',
    );
  }
  if (nonEmpty(spec) && versions.length > 0 && !versions.some((v) => v.storage === true)) {
    notes.push('no version is marked storage: true; v1 requires exactly one');
  }
};
