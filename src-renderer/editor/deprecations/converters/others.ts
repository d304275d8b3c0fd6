import { isRecord, list, nonEmpty, record, renameKey, replaceKey, type JsonRecord } from '../objects.js';
import type { KindConverter } from './types.js';

/**
 * The kinds whose replacement changed a field or two, per the guide's notes. Kinds not here (RBAC,
 * PriorityClass, storage, Lease, CronJob, NetworkPolicy, IngressClass, RuntimeClass …) have the
 * same shape in both versions: only `apiVersion` changes.
 */

/** PodDisruptionBudget `policy/v1beta1` → `policy/v1`: same fields, but an empty selector flipped meaning. */
export const convertPdb: KindConverter = (object, _from, _to, notes) => {
  const selector = record(object.spec)?.selector;
  if (
    !nonEmpty(selector) ||
    Object.values(selector).every((v) => !nonEmpty(v) && !(Array.isArray(v) && v.length))
  ) {
    notes.push(
      'an empty spec.selector matched no pods in policy/v1beta1 and matches every pod of the namespace in policy/v1',
    );
  }
};

/** EndpointSlice `discovery.k8s.io/v1beta1` → `v1`: topology's hostname and zone become fields. */
export const convertEndpointSlice: KindConverter = (object, _from, _to, notes) => {
  for (const endpoint of list(object.endpoints)) {
    if (!isRecord(endpoint)) continue;
    const topology = record(endpoint.topology);
    if (!topology) continue;
    const { 'kubernetes.io/hostname': host, 'topology.kubernetes.io/zone': zone, ...rest } = topology;
    const replacement: JsonRecord = {};
    if (host !== undefined && endpoint.nodeName === undefined) replacement.nodeName = host;
    if (zone !== undefined && endpoint.zone === undefined) replacement.zone = zone;
    replaceKey(endpoint, 'topology', replacement);
    if (Object.keys(rest).length > 0) {
      notes.push(`dropped topology keys ${Object.keys(rest).join(', ')}: v1 has no writable topology`);
    }
  }
  notes.push('endpoints[*].topology became nodeName and zone');
};

/** SubjectAccessReview and friends `authorization.k8s.io/v1beta1` → `v1`: `spec.group` is `spec.groups`. */
export const convertAccessReview: KindConverter = (object, _from, _to, notes) => {
  const spec = record(object.spec);
  if (spec && 'group' in spec) {
    renameKey(spec, 'group', 'groups');
    notes.push('renamed spec.group to spec.groups');
  }
};

/** CertificateSigningRequest `certificates.k8s.io/v1beta1` → `v1`: `usages` and `signerName` are required. */
export const convertCsr: KindConverter = (object, _from, _to, notes) => {
  const spec = record(object.spec);
  if (!spec) return;
  if (spec.usages === undefined) {
    spec.usages = ['digital signature', 'key encipherment'];
    notes.push('set spec.usages to the v1beta1 default (digital signature, key encipherment)');
  }
  if (spec.signerName === undefined) {
    notes.push(
      'spec.signerName is required in v1 and the v1beta1 default (kubernetes.io/legacy-unknown) is not allowed: choose a signer',
    );
  }
};

/**
 * Mutating/ValidatingWebhookConfiguration `admissionregistration.k8s.io/v1beta1` → `v1`: the old
 * defaults are written out where v1's differ (failurePolicy Ignore, matchPolicy Exact,
 * timeoutSeconds 30, admissionReviewVersions [v1beta1]) so the webhook behaves as before.
 */
export const convertWebhooks: KindConverter = (object, _from, _to, notes) => {
  let defaults = 0;
  for (const webhook of list(object.webhooks)) {
    if (!isRecord(webhook)) continue;
    const old: JsonRecord = {
      failurePolicy: 'Ignore',
      matchPolicy: 'Exact',
      timeoutSeconds: 30,
      admissionReviewVersions: ['v1beta1'],
    };
    for (const [key, value] of Object.entries(old)) {
      if (webhook[key] === undefined) {
        webhook[key] = value;
        defaults++;
      }
    }
    if (webhook.sideEffects !== 'None' && webhook.sideEffects !== 'NoneOnDryRun') {
      notes.push(
        `webhook ${String(webhook.name)}: sideEffects must be None or NoneOnDryRun in v1 (was ${String(webhook.sideEffects ?? 'unset: Unknown')})`,
      );
    }
  }
  if (defaults > 0) {
    notes.push(
      'wrote out the v1beta1 defaults that v1 changed (failurePolicy, matchPolicy, timeoutSeconds, admissionReviewVersions)',
    );
  }
};

/** PriorityLevelConfiguration `v1beta1`/`v1beta2` → later: `assuredConcurrencyShares` is `nominalConcurrencyShares`. */
export const convertPriorityLevel: KindConverter = (object, from, _to, notes) => {
  if (from.endsWith('/v1beta3')) return;
  const limited = record(record(object.spec)?.limited);
  if (limited && 'assuredConcurrencyShares' in limited) {
    renameKey(limited, 'assuredConcurrencyShares', 'nominalConcurrencyShares');
    notes.push('renamed spec.limited.assuredConcurrencyShares to nominalConcurrencyShares');
  }
};

/** Event `events.k8s.io/v1beta1` → `v1`: same fields, but creating one with the deprecated* fields is refused. */
export const convertEvent: KindConverter = (object, _from, _to, notes) => {
  const deprecated = Object.keys(object).filter((k) => k.startsWith('deprecated'));
  if (deprecated.length > 0) {
    notes.push(`${deprecated.join(', ')} may not be set when creating an events.k8s.io/v1 Event`);
  }
};
