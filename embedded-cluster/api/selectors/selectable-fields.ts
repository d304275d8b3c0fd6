import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import type { ResourceType } from '../catalog.js';
import { errors } from '../errors.js';
import { isPlainObject, type KubeObject } from '../object.js';
import { compileJsonPath } from '../tables/jsonpath.js';
import { FieldSelector, parseFieldSelector, type FieldSet } from './field-selector.js';
import { goQuote } from './go-format.js';
import { SelectorError } from './label-requirement.js';

/**
 * Which fields each resource can be selected by, and the values an object has
 * for them, as Kubernetes v1.32 defines them: the field label conversion
 * functions registered per kind (pkg/apis/core/v1/conversion.go,
 * pkg/apis/batch/v1/conversion.go, pkg/apis/events/v1/conversion.go,
 * `runtime.DefaultMetaV1FieldSelectorConversion` for every other kind,
 * apiextensions' `crConverter`) and the registries' `ToSelectableFields`.
 *
 * Quirks kept on purpose: apps/v1 ReplicaSets and StatefulSets have no
 * conversion function, so `status.replicas` is rejected there; cluster-scoped
 * built-ins accept `metadata.namespace` (which then matches only `""`);
 * `status.podIPs` is accepted for pods but has no value.
 */

/** A CRD version's `selectableFields` entry. */
export interface SelectableFieldSpec {
  jsonPath: string;
}

export interface FieldSelectorOptions {
  /** For custom resources: the served version's `selectableFields`. */
  selectableFields?: readonly SelectableFieldSpec[];
}

interface Conversion {
  /** Accepted labels, mapped to the field name in the object's field set. */
  labels: Readonly<Record<string, string>>;
  reject(label: string): string;
}

const notSupported = (label: string) => `field label not supported: ${label}`;
const same = (...labels: string[]) => Object.fromEntries(labels.map((l) => [l, l]));

const CONVERSIONS: Readonly<Record<string, Conversion>> = {
  '/pods': {
    labels: {
      ...same(
        'metadata.name',
        'metadata.namespace',
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'spec.hostNetwork',
        'status.phase',
        'status.podIP',
        'status.podIPs',
        'status.nominatedNodeName',
      ),
      // Old v1 clients send spec.host.
      'spec.host': 'spec.nodeName',
    },
    reject: notSupported,
  },
  '/nodes': { labels: same('metadata.name', 'spec.unschedulable'), reject: notSupported },
  '/replicationcontrollers': {
    labels: same('metadata.name', 'metadata.namespace', 'status.replicas'),
    reject: notSupported,
  },
  '/events': {
    labels: same(
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
      'metadata.namespace',
      'metadata.name',
    ),
    reject: notSupported,
  },
  '/namespaces': { labels: same('status.phase', 'metadata.name'), reject: notSupported },
  '/secrets': { labels: same('type', 'metadata.namespace', 'metadata.name'), reject: notSupported },
  '/services': {
    labels: same('metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'),
    reject: notSupported,
  },
  'batch/jobs': {
    labels: same('metadata.name', 'metadata.namespace', 'status.successful'),
    reject: (label) => `field label ${goQuote(label)} not supported for batchv1.Job`,
  },
  'events.k8s.io/events': {
    labels: {
      reason: 'reason',
      'regarding.kind': 'involvedObject.kind',
      'regarding.namespace': 'involvedObject.namespace',
      'regarding.name': 'involvedObject.name',
      'regarding.uid': 'involvedObject.uid',
      'regarding.apiVersion': 'involvedObject.apiVersion',
      'regarding.resourceVersion': 'involvedObject.resourceVersion',
      'regarding.fieldPath': 'involvedObject.fieldPath',
      reportingController: 'reportingComponent',
      type: 'type',
      'metadata.namespace': 'metadata.namespace',
      'metadata.name': 'metadata.name',
    },
    reject: notSupported,
  },
};

const DEFAULT_CONVERSION: Conversion = {
  labels: same('metadata.name', 'metadata.namespace'),
  reject: (label) =>
    `${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

/** The selectable fields a CRD declares for `version`. */
export function crdSelectableFields(crd: CustomResourceDefinition, version: string): SelectableFieldSpec[] {
  const served = crd.spec.versions.find((v) => v.name === version);
  return (served?.selectableFields ?? []).map((f) => ({ jsonPath: f.jsonPath }));
}

/** The name a CRD selectable field is selected by: its path without the leading dot. */
export const selectableFieldName = (spec: SelectableFieldSpec) => spec.jsonPath.replace(/^\./, '');

function conversionFor(type: ResourceType, options: FieldSelectorOptions): Conversion {
  if (type.crd !== undefined) {
    const labels = same('metadata.name', ...(type.namespaced ? ['metadata.namespace'] : []));
    for (const spec of options.selectableFields ?? []) {
      const name = selectableFieldName(spec);
      labels[name] = name;
    }
    return { labels, reject: notSupported };
  }
  return CONVERSIONS[`${type.group}/${type.resource}`] ?? DEFAULT_CONVERSION;
}

/**
 * Check every term's field against what `type` supports and rename aliases
 * (`spec.host`, `regarding.name`...) to the fields {@link fieldsOf} reports.
 * Throws a 400 BadRequest with Kubernetes' message for an unsupported field.
 */
export function convertFieldSelector(
  type: ResourceType,
  selector: FieldSelector,
  options: FieldSelectorOptions = {},
): FieldSelector {
  const conversion = conversionFor(type, options);
  try {
    return selector.transform((field, value) => {
      const mapped = Object.prototype.hasOwnProperty.call(conversion.labels, field)
        ? conversion.labels[field]
        : undefined;
      if (mapped === undefined) throw new SelectorError(conversion.reject(field));
      return { field: mapped, value };
    });
  } catch (e) {
    if (e instanceof SelectorError) throw errors.badRequest(e.message);
    throw e;
  }
}

/** Parse `?fieldSelector=` for a resource: syntax, then supported fields; 400 on either failing. */
export function fieldSelectorFor(
  type: ResourceType,
  text: string,
  options: FieldSelectorOptions = {},
): FieldSelector {
  return convertFieldSelector(type, parseFieldSelector(text), options);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? v : {});
const int = (v: unknown): string => String(typeof v === 'number' ? Math.trunc(v) : 0);

/** `generic.ObjectMetaFieldsSet`: the name, and the namespace for namespaced kinds. */
function metaFields(type: ResourceType, o: KubeObject): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': o.metadata?.name ?? '' };
  if (type.namespaced) fields['metadata.namespace'] = o.metadata?.namespace ?? '';
  return fields;
}

function podFields(o: KubeObject): Record<string, string> {
  const spec = obj(o.spec);
  const status = obj(o.status);
  const podIPs = Array.isArray(status.podIPs) ? status.podIPs : [];
  return {
    'spec.nodeName': str(spec.nodeName),
    'spec.restartPolicy': str(spec.restartPolicy),
    'spec.schedulerName': str(spec.schedulerName),
    'spec.serviceAccountName': str(spec.serviceAccountName),
    'spec.hostNetwork': String(spec.hostNetwork === true),
    'status.phase': str(status.phase),
    'status.podIP': podIPs.length ? str(obj(podIPs[0]).ip) : str(status.podIP),
    'status.nominatedNodeName': str(status.nominatedNodeName),
  };
}

/** Event fields from a core/v1 Event or (mapped as the registry stores it) an events.k8s.io/v1 one. */
function eventFields(o: KubeObject, eventsV1: boolean): Record<string, string> {
  const ref = obj(eventsV1 ? o.regarding : o.involvedObject);
  return {
    'involvedObject.kind': str(ref.kind),
    'involvedObject.namespace': str(ref.namespace),
    'involvedObject.name': str(ref.name),
    'involvedObject.uid': str(ref.uid),
    'involvedObject.apiVersion': str(ref.apiVersion),
    'involvedObject.resourceVersion': str(ref.resourceVersion),
    'involvedObject.fieldPath': str(ref.fieldPath),
    reason: str(o.reason),
    reportingComponent: str(eventsV1 ? o.reportingController : o.reportingComponent),
    source: str(obj(eventsV1 ? o.deprecatedSource : o.source).component),
    type: str(o.type),
  };
}

/** A CR's selectable field value as apiextensions formats it (strings, booleans, integers, floats). */
function selectableValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return String(value);
  return '';
}

/**
 * The selectable fields of `o` and their values (`GetAttrs` /
 * `ToSelectableFields`), named as {@link convertFieldSelector} leaves them.
 */
export function fieldsOf(type: ResourceType, o: KubeObject, options: FieldSelectorOptions = {}): FieldSet {
  const meta = metaFields(type, o);
  if (type.crd !== undefined) {
    const fields: Record<string, string> = { ...meta };
    for (const spec of options.selectableFields ?? []) {
      const found = compileJsonPath(spec.jsonPath).find(o);
      fields[selectableFieldName(spec)] = found.length === 1 ? selectableValue(found[0]) : '';
    }
    return fields;
  }
  const spec = obj(o.spec);
  const status = obj(o.status);
  switch (`${type.group}/${type.resource}`) {
    case '/pods':
      return { ...podFields(o), ...meta };
    case '/nodes':
      return { ...meta, 'spec.unschedulable': String(spec.unschedulable === true) };
    case '/namespaces':
      return { ...meta, 'status.phase': str(status.phase) };
    case '/secrets':
      return { ...meta, type: str(o.type) };
    case '/services':
      return { ...meta, 'spec.clusterIP': str(spec.clusterIP), 'spec.type': str(spec.type) };
    case '/replicationcontrollers':
    case 'apps/replicasets':
      return { ...meta, 'status.replicas': int(status.replicas) };
    case 'batch/jobs':
      return { ...meta, 'status.successful': int(status.succeeded) };
    case '/events':
      return { ...meta, ...eventFields(o, false) };
    case 'events.k8s.io/events':
      return { ...meta, ...eventFields(o, true) };
    default:
      return meta;
  }
}
