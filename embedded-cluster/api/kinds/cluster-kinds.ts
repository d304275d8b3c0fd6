import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  deepEqual,
  duplicate,
  ensureObj,
  forbidden,
  index,
  invalid,
  isQualifiedName,
  isValidCIDR,
  isValidLabelValue,
  nameIsDNSSubdomain,
  notSupported,
  num,
  obj,
  objs,
  pathSegmentName,
  required,
  str,
  validateImmutable,
  validateLabelName,
  validateLabelSelector,
  type Obj,
} from '../validation/index.js';
import { defineKind } from './common.js';
import { defaultResourceList } from './pod-spec-defaults.js';
import { validateTaintEffect } from './pod-spec-validation.js';
import { validateResourceQuantityValue } from './resources.js';
import {
  goIntOrString,
  isNotMoreThan100Percent,
  validatePositiveIntOrPercent,
} from './workload-validation.js';

/**
 * Nodes, StorageClasses, PriorityClasses, HorizontalPodAutoscalers and
 * PodDisruptionBudgets: the cluster-level and policy kinds.
 */

// Nodes ---------------------------------------------------------------------

function validateTaints(taints: unknown, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const seen = new Map<string, Set<string>>();
  objs(taints).forEach((t, i) => {
    const p = index(fldPath, i);
    out.push(...validateLabelName(str(t.key), child(p, 'key')));
    const errs = isValidLabelValue(str(t.value));
    if (errs.length) out.push(invalid(child(p, 'value'), str(t.value), errs.join(';')));
    out.push(...validateTaintEffect(str(t.effect), false, child(p, 'effect')));
    const effect = str(t.effect);
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(str(t.key))) {
      out.push({ ...duplicate(p, t), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    keys.add(str(t.key));
    seen.set(effect, keys);
  });
  return out;
}

function validateNodeResources(node: Obj): FieldProblem[] {
  const out: FieldProblem[] = [];
  const status = obj(node.status) ?? {};
  for (const f of ['capacity', 'allocatable'])
    for (const [k, v] of Object.entries(obj(status[f]) ?? {}))
      out.push(...validateResourceQuantityValue(k, v, `status.${f}.${k}`));
  return out;
}

function validateNode(node: Obj): FieldProblem[] {
  const spec = obj(node.spec) ?? {};
  const out = [...validateTaints(spec.taints, 'metadata.taints'), ...validateNodeResources(node)];
  arr(spec.podCIDRs).forEach((c, i) => out.push(...isValidCIDR(index('spec.podCIDRs', i), str(c))));
  return out;
}

export const nodeStrategy = defineKind({
  namespaced: false,
  nameFn: nameIsDNSSubdomain,
  hasStatus: true,
  // A node registers with its status; only later updates of the main resource keep the old one.
  initialStatus: (node) => node.status ?? {},
  default: (node) => {
    const status = obj(node.status);
    if (status) {
      if (status.allocatable == null && status.capacity != null)
        status.allocatable = structuredClone(status.capacity);
      defaultResourceList(status.capacity);
      defaultResourceList(status.allocatable);
    }
  },
  validate: validateNode,
  revalidateOnUpdate: false,
  validateUpdate: (node, old) => {
    const spec = obj(node.spec) ?? {};
    const oldSpec = obj(old.spec) ?? {};
    const out = [...validateNodeResources(node), ...validateTaints(spec.taints, 'metadata.taints')];
    const oldCIDRs = arr(oldSpec.podCIDRs);
    if (oldCIDRs.length && !deepEqual(oldCIDRs, spec.podCIDRs))
      out.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
    if (str(oldSpec.providerID) && oldSpec.providerID !== spec.providerID)
      out.push(
        forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'),
      );
    if (str(spec.externalID) !== str(oldSpec.externalID))
      out.push(forbidden('spec.externalID', 'may not be updated'));
    return out;
  },
});

// StorageClasses ------------------------------------------------------------

function validateStorageClass(sc: Obj): FieldProblem[] {
  const out: FieldProblem[] = [];
  const provisioner = str(sc.provisioner);
  if (!provisioner) out.push(required('provisioner', provisioner));
  else
    for (const m of isQualifiedName(provisioner.toLowerCase()))
      out.push(invalid('provisioner', provisioner.toLowerCase(), m));
  const params = obj(sc.parameters) ?? {};
  let total = 0;
  for (const [k, v] of Object.entries(params)) {
    if (!k) out.push(invalid('parameters', k, 'field can not be empty.'));
    total += k.length + str(v).length;
  }
  if (Object.keys(params).length > 512)
    out.push({ type: 'TooLong', field: 'parameters', detail: 'must have at most 512 bytes' });
  if (total > 256 * 1024)
    out.push({ type: 'TooLong', field: 'parameters', detail: `must have at most ${256 * 1024} bytes` });
  const reclaim = str(sc.reclaimPolicy);
  if (reclaim && reclaim !== 'Delete' && reclaim !== 'Retain')
    out.push(notSupported('reclaimPolicy', reclaim, ['Delete', 'Retain']));
  const mode = str(sc.volumeBindingMode);
  if (sc.volumeBindingMode == null) out.push(required('volumeBindingMode'));
  else if (mode !== 'Immediate' && mode !== 'WaitForFirstConsumer')
    out.push(notSupported('volumeBindingMode', mode, ['Immediate', 'WaitForFirstConsumer']));
  return out;
}

export const storageClassStrategy = defineKind({
  namespaced: false,
  nameFn: nameIsDNSSubdomain,
  default: (sc) => {
    if (!str(sc.reclaimPolicy)) sc.reclaimPolicy = 'Delete';
    if (!str(sc.volumeBindingMode)) sc.volumeBindingMode = 'Immediate';
  },
  validate: validateStorageClass,
  validateUpdate: (sc, old) => {
    const out: FieldProblem[] = [];
    if (!deepEqual(obj(sc.parameters) ?? {}, obj(old.parameters) ?? {}))
      out.push(forbidden('parameters', 'updates to parameters are forbidden.'));
    if (str(sc.provisioner) !== str(old.provisioner))
      out.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (str(sc.reclaimPolicy) !== str(old.reclaimPolicy))
      out.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    out.push(
      ...validateImmutable(str(sc.volumeBindingMode), str(old.volumeBindingMode), 'volumeBindingMode'),
    );
    return out;
  },
});

// PriorityClasses -------------------------------------------------------------

const HIGHEST_USER_PRIORITY = 1_000_000_000;

export const priorityClassStrategy = defineKind({
  namespaced: false,
  nameFn: nameIsDNSSubdomain,
  default: (pc) => {
    if (!str(pc.preemptionPolicy)) pc.preemptionPolicy = 'PreemptLowerPriority';
  },
  validate: (pc) => {
    const out: FieldProblem[] = [];
    const name = str(obj(pc.metadata)?.name);
    const value = num(pc.value) ?? 0;
    const system = name === 'system-node-critical' || name === 'system-cluster-critical';
    if (!system) {
      if (name.startsWith('system-'))
        out.push(forbidden('metadata.name', "priority class names with 'system-' prefix are reserved"));
      if (value > HIGHEST_USER_PRIORITY)
        out.push(
          forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`),
        );
    }
    const pp = str(pc.preemptionPolicy);
    if (pp !== 'PreemptLowerPriority' && pp !== 'Never')
      out.push(notSupported('preemptionPolicy', pp, ['PreemptLowerPriority', 'Never']));
    return out;
  },
  validateUpdate: (pc, old) => [
    ...(num(pc.value) !== num(old.value) ? [forbidden('value', 'may not be changed in an update.')] : []),
    ...validateImmutable(str(pc.preemptionPolicy), str(old.preemptionPolicy), 'preemptionPolicy'),
  ],
});

// HorizontalPodAutoscalers (autoscaling/v2) -----------------------------------

function scalingRules(rules: unknown, up: boolean): Obj {
  const r: Obj = obj(rules) ?? {};
  if (r.stabilizationWindowSeconds == null) r.stabilizationWindowSeconds = up ? 0 : 300;
  if (r.selectPolicy == null) r.selectPolicy = 'Max';
  if (r.policies == null)
    r.policies = up
      ? [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ]
      : [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  return r;
}

function defaultHPA(hpa: Obj): void {
  const spec = ensureObj(hpa, 'spec');
  if (spec.minReplicas == null) spec.minReplicas = 1;
  if (arr(spec.metrics).length === 0)
    spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ];
  const behavior = obj(spec.behavior);
  if (behavior) {
    behavior.scaleUp = scalingRules(behavior.scaleUp, true);
    behavior.scaleDown = scalingRules(behavior.scaleDown, false);
  }
}

function validateHPA(hpa: Obj): FieldProblem[] {
  const spec = obj(hpa.spec) ?? {};
  const out: FieldProblem[] = [];
  const ref = obj(spec.scaleTargetRef) ?? {};
  const kind = str(ref.kind);
  const name = str(ref.name);
  if (!kind) out.push(required('spec.scaleTargetRef.kind'));
  else for (const m of pathSegmentName(kind, false)) out.push(invalid('spec.scaleTargetRef.kind', kind, m));
  if (!name) out.push(required('spec.scaleTargetRef.name'));
  else for (const m of pathSegmentName(name, false)) out.push(invalid('spec.scaleTargetRef.name', name, m));
  const min = num(spec.minReplicas);
  const max = num(spec.maxReplicas) ?? 0;
  if (min !== undefined && min < 1)
    out.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (max < 1) out.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min !== undefined && max < min)
    out.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  const types = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
  objs(spec.metrics).forEach((m, i) => {
    const p = index('spec.metrics', i);
    const type = str(m.type);
    if (!type) out.push(required(child(p, 'type'), 'must specify a metric source type'));
    else if (!types.includes(type)) out.push(notSupported(child(p, 'type'), type, types));
    if (type === 'Resource') {
      const r = obj(m.resource);
      if (!r)
        out.push(required(child(p, 'resource'), 'must populate information for the given metric source'));
      else {
        if (!str(r.name)) out.push(required(child(p, 'resource', 'name'), 'must specify a resource name'));
        const target = obj(r.target) ?? {};
        const tt = str(target.type);
        if (!tt)
          out.push(required(child(p, 'resource', 'target', 'type'), 'must specify a metric target type'));
        else if (!['Utilization', 'Value', 'AverageValue'].includes(tt))
          out.push(
            notSupported(child(p, 'resource', 'target', 'type'), tt, [
              'AverageValue',
              'Utilization',
              'Value',
            ]),
          );
        const au = num(target.averageUtilization);
        if (au !== undefined && au < 1)
          out.push(
            invalid(child(p, 'resource', 'target', 'averageUtilization'), au, 'must be greater than 0'),
          );
      }
    }
  });
  return out;
}

export const horizontalPodAutoscalerStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasStatus: true,
  default: defaultHPA,
  validate: validateHPA,
});

// PodDisruptionBudgets (policy/v1) -------------------------------------------

function validatePDB(pdb: Obj): FieldProblem[] {
  const spec = obj(pdb.spec) ?? {};
  const out: FieldProblem[] = [];
  if (spec.minAvailable != null && spec.maxUnavailable != null)
    out.push(
      invalid('spec', goIntOrString(spec.minAvailable), 'minAvailable and maxUnavailable cannot be both set'),
    );
  for (const f of ['minAvailable', 'maxUnavailable'])
    if (spec[f] != null) {
      out.push(...validatePositiveIntOrPercent(spec[f], `spec.${f}`));
      out.push(...isNotMoreThan100Percent(spec[f], `spec.${f}`));
    }
  if (spec.selector != null) out.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy != null && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow')
    out.push(
      notSupported('spec.unhealthyPodEvictionPolicy', str(policy), ['AlwaysAllow', 'IfHealthyBudget']),
    );
  return out;
}

export const podDisruptionBudgetStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasGeneration: true,
  hasStatus: true,
  validate: validatePDB,
});
