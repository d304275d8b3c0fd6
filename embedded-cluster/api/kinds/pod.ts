import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  compareQuantities,
  deepEqual,
  ensureObj,
  forbidden,
  index,
  invalid,
  nameIsDNSSubdomain,
  obj,
  objs,
  required,
  str,
  tryParseQuantity,
  num,
  type Obj,
  type Quantity,
} from '../validation/index.js';
import { defineKind } from './common.js';
import { defaultPod, defaultPodTemplateSpec } from './pod-spec-defaults.js';
import {
  validatePodSpec,
  validatePodSpecificAnnotations,
  validatePodTemplateSpec,
  validateTolerations,
} from './pod-spec-validation.js';

/**
 * Pods and PodTemplates: defaulting, the registry strategy (pkg/registry/core/pod)
 * and ValidatePodCreate / ValidatePodUpdate.
 */

/** The QoS class of a pod (pkg/apis/core/helper/qos ComputePodQOS). */
export function computePodQOS(pod: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = obj(pod.spec) ?? {};
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const add = (m: Map<string, Quantity>, name: string, q: Quantity) => {
    const cur = m.get(name);
    m.set(name, cur ? { nanos: cur.nanos + q.nanos, format: q.format } : q);
  };
  for (const c of [...objs(spec.containers), ...objs(spec.initContainers)]) {
    const resources = obj(c.resources) ?? {};
    for (const [name, v] of Object.entries(obj(resources.requests) ?? {})) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = tryParseQuantity(v);
      if (q && q.nanos > 0n) add(requests, name, q);
    }
    const found = new Set<string>();
    for (const [name, v] of Object.entries(obj(resources.limits) ?? {})) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = tryParseQuantity(v);
      if (q && q.nanos > 0n) {
        found.add(name);
        add(limits, name, q);
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || compareQuantities(lim, req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

const UPDATABLE_POD_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** validatePodMetadataAndSpec minus ObjectMeta (done generically): annotations, spec, pod-only checks. */
function validatePod(pod: Obj): FieldProblem[] {
  const spec = obj(pod.spec) ?? {};
  const meta = obj(pod.metadata) ?? {};
  const out: FieldProblem[] = [];
  out.push(...validatePodSpecificAnnotations(meta.annotations, spec, 'metadata.annotations'));
  out.push(...validatePodSpec(spec, 'spec', { isPod: true, podName: str(meta.name) }));
  if (!str(spec.serviceAccountName)) {
    objs(spec.volumes).forEach((v, vi) => {
      objs(obj(v.projected)?.sources).forEach((s, si) => {
        if (obj(s.serviceAccountToken))
          out.push(
            forbidden(
              `spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`,
              'must not be specified when serviceAccountName is not set',
            ),
          );
      });
    });
  }
  for (const list of ['containers', 'initContainers'])
    objs(spec[list]).forEach((c, i) => {
      const image = str(c.image);
      if (image.length !== image.trim().length)
        out.push(
          invalid(
            child(index(`spec.${list}`, i), 'image'),
            image,
            'must not have leading or trailing whitespace',
          ),
        );
    });
  return out;
}

function validatePodCreate(pod: Obj): FieldProblem[] {
  const spec = obj(pod.spec) ?? {};
  const out = validatePod(pod);
  if (arr(spec.ephemeralContainers).length > 0)
    out.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (str(spec.nodeName) && arr(spec.schedulingGates).length > 0)
    out.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  return out;
}

function validateContainerUpdates(
  newList: unknown,
  oldList: unknown,
  fldPath: string,
): { problems: FieldProblem[]; stop: boolean } {
  const n = objs(newList);
  const o = objs(oldList);
  if (n.length !== o.length)
    return { problems: [forbidden(fldPath, 'pod updates may not add or remove containers')], stop: true };
  const problems: FieldProblem[] = [];
  n.forEach((c, i) => {
    const image = str(c.image);
    if (!image) problems.push(required(child(index(fldPath, i), 'image')));
    if (image.trim().length !== image.length)
      problems.push(
        invalid(child(index(fldPath, i), 'image'), image, 'must not have leading or trailing whitespace'),
      );
  });
  return { problems, stop: false };
}

/** The spec fields that differ, in the style of the `cmp.Diff` Kubernetes appends (an approximation). */
function specDiff(oldSpec: Obj, newSpec: Obj): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort();
  const lines = ['  core.PodSpec{'];
  for (const k of keys) {
    if (deepEqual(oldSpec[k], newSpec[k])) continue;
    const field = k.charAt(0).toUpperCase() + k.slice(1);
    lines.push(`- \t${field}: ${JSON.stringify(oldSpec[k] ?? null)},`);
    lines.push(`+ \t${field}: ${JSON.stringify(newSpec[k] ?? null)},`);
  }
  lines.push('  }');
  return lines.join('\n') + '\n';
}

/** ValidatePodUpdate's spec rules: only images, activeDeadlineSeconds, added tolerations and a fixed grace period may change. */
export function validatePodUpdate(pod: Obj, old: Obj): FieldProblem[] {
  const out: FieldProblem[] = [];
  const spec = obj(pod.spec) ?? {};
  const oldSpec = obj(old.spec) ?? {};
  const oldAnn = obj(obj(old.metadata)?.annotations) ?? {};
  const newAnn = obj(obj(pod.metadata)?.annotations) ?? {};
  const mirror = 'kubernetes.io/config.mirror';
  if (mirror in oldAnn && newAnn[mirror] !== oldAnn[mirror])
    out.push(forbidden(`metadata.annotations[${mirror}]`, 'may not remove or update mirror pod annotation'));
  if (mirror in newAnn && !(mirror in oldAnn))
    out.push(forbidden(`metadata.annotations[${mirror}]`, 'may not add mirror pod annotation'));
  for (const list of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(spec[list], oldSpec[list], `spec.${list}`);
    out.push(...r.problems);
    if (r.stop) return out;
  }
  const ads = num(spec.activeDeadlineSeconds);
  const oldAds = num(oldSpec.activeDeadlineSeconds);
  if (ads !== undefined) {
    if (ads < 0 || ads > 2147483647) {
      out.push(invalid('spec.activeDeadlineSeconds', ads, 'must be between 0 and 2147483647, inclusive'));
      return out;
    }
    if (oldAds !== undefined && oldAds < ads) {
      out.push(invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value'));
      return out;
    }
  } else if (oldAds !== undefined) {
    out.push(
      invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'),
    );
  }
  // Only additions to tolerations (tolerationSeconds of existing ones may change).
  const newTols = objs(spec.tolerations);
  for (const oldTol of objs(oldSpec.tolerations)) {
    const found = newTols.some((t) => deepEqual({ ...oldTol, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) {
      out.push(
        forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'),
      );
      break;
    }
  }
  if (out.every((p) => p.field !== 'spec.tolerations'))
    out.push(...validateTolerations(spec.tolerations, 'spec.tolerations'));
  // Scheduling gates: only deletions.
  const oldGates = new Set(objs(oldSpec.schedulingGates).map((g) => str(g.name)));
  objs(spec.schedulingGates).forEach((g, i) => {
    if (!oldGates.has(str(g.name)))
      out.push(
        forbidden(
          `spec.schedulingGates[${i}].name`,
          `only deletion is allowed, but found new scheduling gate '${str(g.name)}'`,
        ),
      );
  });
  if (deepEqual(spec, oldSpec)) return out;
  const munged: Obj = structuredClone(spec);
  for (const list of ['containers', 'initContainers']) {
    const olds = objs(oldSpec[list]);
    objs(munged[list]).forEach((c, i) => {
      if (olds[i] && 'image' in olds[i]!) c.image = olds[i]!.image;
      else delete c.image;
    });
  }
  if (oldAds === undefined) delete munged.activeDeadlineSeconds;
  else munged.activeDeadlineSeconds = oldAds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldGrace = num(oldSpec.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && num(munged.terminationGracePeriodSeconds) === 1)
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  if (arr(oldSpec.schedulingGates).length > 0) {
    munged.nodeSelector = oldSpec.nodeSelector;
    const oldAff = obj(oldSpec.affinity);
    const newAff = obj(munged.affinity);
    if (newAff) {
      if (oldAff?.nodeAffinity !== undefined) newAff.nodeAffinity = oldAff.nodeAffinity;
      else delete newAff.nodeAffinity;
      if (!oldAff && Object.keys(newAff).length === 0) delete munged.affinity;
    }
  }
  if (!deepEqual(munged, oldSpec))
    out.push(
      forbidden(
        'spec',
        `pod updates may not change fields other than ${UPDATABLE_POD_FIELDS.join(',')}\n${specDiff(oldSpec, munged)}`,
      ),
    );
  return out;
}

export const podStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasStatus: true,
  initialStatus: (pod) => ({ phase: 'Pending', qosClass: computePodQOS(pod) }),
  default: defaultPod,
  validate: validatePodCreate,
  revalidate: validatePod,
  validateUpdate: validatePodUpdate,
});

export const podTemplateStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  generationFields: ['template'],
  default: (o) => {
    defaultPodTemplateSpec(ensureObj(o, 'template'));
  },
  validate: (o) => validatePodTemplateSpec(o.template, 'template'),
});
