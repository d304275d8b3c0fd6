import { convertHpa } from './converters/autoscaling.js';
import { convertCrd } from './converters/crd.js';
import { convertIngress } from './converters/ingress.js';
import {
  convertAccessReview,
  convertCsr,
  convertEndpointSlice,
  convertEvent,
  convertPdb,
  convertPriorityLevel,
  convertWebhooks,
} from './converters/others.js';
import type { KindConverter } from './converters/types.js';
import { convertWorkload } from './converters/workloads.js';
import { deprecationMessage, deprecationOf } from './deprecated-apis.js';
import { isRecord, type JsonRecord } from './objects.js';

/** Options of the conversion. */
export interface ConvertOptions {
  /** The release to convert for (default `1.32`): what it deprecates is converted, nothing else. */
  serverVersion?: string;
}

/**
 * What {@link convertDocument} made of one manifest:
 * - `converted`: `object` is the manifest in `to`, with `notes` saying what changed beyond
 *   `apiVersion` and what still needs a person's decision;
 * - `unconvertible`: the version is deprecated but Kubernetes has no replacement
 *   (PodSecurityPolicy); `message` says so and what to do instead;
 * - `current`: nothing to do (current, custom or unknown apiVersion, or not a manifest).
 */
export type Conversion =
  | { status: 'converted'; object: JsonRecord; from: string; to: string; notes: string[] }
  | { status: 'unconvertible'; from: string; message: string }
  | { status: 'current' };

/** Field changes per kind; kinds not listed only change `apiVersion`. */
const CONVERTERS: Record<string, KindConverter> = {
  Deployment: convertWorkload,
  DaemonSet: convertWorkload,
  ReplicaSet: convertWorkload,
  StatefulSet: convertWorkload,
  Ingress: convertIngress,
  CustomResourceDefinition: convertCrd,
  HorizontalPodAutoscaler: convertHpa,
  PodDisruptionBudget: convertPdb,
  EndpointSlice: convertEndpointSlice,
  SubjectAccessReview: convertAccessReview,
  LocalSubjectAccessReview: convertAccessReview,
  SelfSubjectAccessReview: convertAccessReview,
  CertificateSigningRequest: convertCsr,
  MutatingWebhookConfiguration: convertWebhooks,
  ValidatingWebhookConfiguration: convertWebhooks,
  PriorityLevelConfiguration: convertPriorityLevel,
  Event: convertEvent,
};

/**
 * A manifest in the version its deprecated `apiVersion` was replaced by, with what that version
 * requires added, as `kubectl convert` did. A `List` (`kind: List` or `…List` with `items`) has
 * each item converted. The input is never modified.
 */
export function convertDocument(object: unknown, options: ConvertOptions = {}): Conversion {
  if (!isRecord(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
    return { status: 'current' };
  }
  if (object.kind.endsWith('List') && Array.isArray(object.items)) return convertList(object, options);
  const from = object.apiVersion;
  const deprecation = deprecationOf(from, object.kind, options.serverVersion);
  if (!deprecation) return { status: 'current' };
  if (!deprecation.target) return { status: 'unconvertible', from, message: deprecationMessage(deprecation) };
  const to = deprecation.target;
  const converted = structuredClone(object);
  converted.apiVersion = to;
  const notes: string[] = [];
  CONVERTERS[object.kind]?.(converted, from, to, notes);
  return { status: 'converted', object: converted, from, to, notes };
}

function convertList(object: JsonRecord, options: ConvertOptions): Conversion {
  const items = object.items as unknown[];
  const notes: string[] = [];
  let changed = false;
  const converted = items.map((item, i) => {
    const result = convertDocument(item, options);
    if (result.status === 'converted') {
      changed = true;
      notes.push(
        `items[${i}]: ${result.from} → ${result.to}`,
        ...result.notes.map((n) => `items[${i}]: ${n}`),
      );
      return result.object;
    }
    if (result.status === 'unconvertible') notes.push(`items[${i}]: ${result.message}`);
    return structuredClone(item);
  });
  if (!changed) return { status: 'current' };
  const apiVersion = String(object.apiVersion);
  return {
    status: 'converted',
    object: { ...structuredClone(object), items: converted },
    from: apiVersion,
    to: apiVersion,
    notes,
  };
}
