import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  duplicate,
  forbidden,
  GoSyntax,
  index,
  invalid,
  isValidGroupID,
  isValidIP,
  isValidLabelValue,
  isValidUserID,
  key,
  nameIsDNSSubdomain,
  notSupported,
  num,
  obj,
  objs,
  required,
  str,
  validateAnnotations,
  validateLabelName,
  validateLabels,
  validateLabelSelector,
  validateNamespaceName,
  type Obj,
} from '../validation/index.js';
import {
  validateContainers,
  validateEphemeralContainers,
  validateInitContainers,
} from './container-validation.js';
import {
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateQualifiedName,
  validateVolumes,
} from './volume-validation.js';
import { validateResourceRequirements } from './resources.js';
import { validateAppArmorProfile, validateSeccompProfile } from './probe-validation.js';

/**
 * PodSpec and PodTemplateSpec validation (ValidatePodSpec,
 * ValidatePodTemplateSpec and their helpers in pkg/apis/core/validation, v1.32).
 */

export interface PodSpecOptions {
  /** The spec is a real Pod's (ResourceIsPod): host ports must equal container ports under hostNetwork. */
  isPod?: boolean;
  /** The Pod's name, for the PVC names of its ephemeral volumes. */
  podName?: string;
}

const MAX_INT32 = 2147483647;

function validateRestartPolicy(rp: string, fldPath: string): FieldProblem[] {
  if (rp === 'Always' || rp === 'OnFailure' || rp === 'Never') return [];
  if (!rp) return [required(fldPath)];
  return [notSupported(fldPath, rp, ['Always', 'OnFailure', 'Never'])];
}

function validateDNSPolicy(dp: string, fldPath: string): FieldProblem[] {
  const valid = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (valid.includes(dp)) return [];
  if (!dp) return [required(fldPath)];
  return [notSupported(fldPath, dp, valid)];
}

function validatePodSecurityContext(sc: unknown, fldPath: string): FieldProblem[] {
  const s = obj(sc);
  if (!s) return [];
  const out: FieldProblem[] = [];
  const fsGroup = num(s.fsGroup);
  if (fsGroup !== undefined)
    for (const m of isValidGroupID(fsGroup)) out.push(invalid(child(fldPath, 'fsGroup'), fsGroup, m));
  const runAsUser = num(s.runAsUser);
  if (runAsUser !== undefined)
    for (const m of isValidUserID(runAsUser)) out.push(invalid(child(fldPath, 'runAsUser'), runAsUser, m));
  const runAsGroup = num(s.runAsGroup);
  if (runAsGroup !== undefined)
    for (const m of isValidGroupID(runAsGroup))
      out.push(invalid(child(fldPath, 'runAsGroup'), runAsGroup, m));
  arr(s.supplementalGroups).forEach((g, i) => {
    const gid = num(g) ?? -1;
    for (const m of isValidGroupID(gid))
      out.push(invalid(index(child(fldPath, 'supplementalGroups'), i), gid, m));
  });
  const sysctls = objs(s.sysctls);
  const seen = new Set<string>();
  sysctls.forEach((sysctl, i) => {
    const name = str(sysctl.name);
    const p = child(index(child(fldPath, 'sysctls'), i), 'name');
    const re = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
    if (!name) out.push(required(p));
    else if (name.length > 253 || !re.test(name))
      out.push(invalid(p, name, `must have at most 253 characters and match regex ${re.source}`));
    else if (seen.has(name)) out.push(duplicate(p, name));
    seen.add(name);
  });
  if (s.fsGroupChangePolicy !== undefined && s.fsGroupChangePolicy !== null) {
    const v = str(s.fsGroupChangePolicy);
    if (v !== 'OnRootMismatch' && v !== 'Always')
      out.push(notSupported(child(fldPath, 'fsGroupChangePolicy'), v, ['Always', 'OnRootMismatch']));
  }
  out.push(...validateSeccompProfile(s.seccompProfile, child(fldPath, 'seccompProfile')));
  out.push(...validateAppArmorProfile(s.appArmorProfile, child(fldPath, 'appArmorProfile')));
  if (s.supplementalGroupsPolicy !== undefined && s.supplementalGroupsPolicy !== null) {
    const v = str(s.supplementalGroupsPolicy);
    if (v !== 'Merge' && v !== 'Strict')
      out.push(notSupported(child(fldPath, 'supplementalGroupsPolicy'), v, ['Merge', 'Strict']));
  }
  if (s.seLinuxChangePolicy !== undefined && s.seLinuxChangePolicy !== null) {
    const v = str(s.seLinuxChangePolicy);
    if (v !== 'Recursive') out.push(notSupported(child(fldPath, 'seLinuxChangePolicy'), v, ['Recursive']));
  }
  return out;
}

function validateNodeSelectorRequirement(rq: Obj, fldPath: string, checkValues: boolean): FieldProblem[] {
  const out: FieldProblem[] = [];
  const values = arr(rq.values);
  const op = str(rq.operator);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        out.push(required(child(fldPath, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0)
        out.push(
          forbidden(
            child(fldPath, 'values'),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1)
        out.push(
          required(
            child(fldPath, 'values'),
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
          ),
        );
      break;
    default:
      out.push(invalid(child(fldPath, 'operator'), op, 'not a valid selector operator'));
  }
  out.push(...validateLabelName(str(rq.key), child(fldPath, 'key')));
  if (checkValues)
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(str(v)))
        out.push(invalid(index(child(fldPath, 'values'), i), str(v), m));
    });
  return out;
}

function validateNodeSelectorTerm(term: Obj, fldPath: string, checkValues: boolean): FieldProblem[] {
  const out: FieldProblem[] = [];
  objs(term.matchExpressions).forEach((req, j) =>
    out.push(
      ...validateNodeSelectorRequirement(req, index(child(fldPath, 'matchExpressions'), j), checkValues),
    ),
  );
  objs(term.matchFields).forEach((req, j) => {
    const p = index(child(fldPath, 'matchFields'), j);
    const op = str(req.operator);
    if (op === 'In' || op === 'NotIn') {
      if (arr(req.values).length !== 1)
        out.push(
          required(
            child(p, 'values'),
            "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
          ),
        );
    } else out.push(invalid(child(p, 'operator'), op, 'not a valid selector operator'));
    if (str(req.key) !== 'metadata.name')
      out.push(invalid(child(p, 'key'), str(req.key), 'not a valid field selector key'));
    else
      arr(req.values).forEach((v, i) => {
        for (const m of nameIsDNSSubdomain(str(v), false))
          out.push(invalid(index(child(p, 'values'), i), str(v), m));
      });
  });
  return out;
}

/** ValidateNodeSelector (required node affinity). */
export function validateNodeSelector(ns: Obj, fldPath: string): FieldProblem[] {
  const terms = objs(ns.nodeSelectorTerms);
  const termPath = child(fldPath, 'nodeSelectorTerms');
  if (terms.length === 0) return [required(termPath, 'must have at least one node selector term')];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, index(termPath, i), true));
}

function validatePodAffinityTerm(term: Obj, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  out.push(...validateLabelSelector(term.labelSelector, child(fldPath, 'labelSelector')));
  out.push(...validateLabelSelector(term.namespaceSelector, child(fldPath, 'namespaceSelector')));
  for (const ns of arr(term.namespaces))
    for (const m of validateNamespaceName(str(ns), false))
      out.push(invalid(child(fldPath, 'namespace'), str(ns), m));
  const topologyKey = str(term.topologyKey);
  if (!topologyKey) out.push(required(child(fldPath, 'topologyKey'), 'can not be empty'));
  out.push(...validateLabelName(topologyKey, child(fldPath, 'topologyKey')));
  return out;
}

function validatePodAffinityKind(pa: Obj, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  objs(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
    out.push(
      ...validatePodAffinityTerm(
        t,
        index(child(fldPath, 'requiredDuringSchedulingIgnoredDuringExecution'), i),
      ),
    ),
  );
  objs(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((wt, i) => {
    const p = index(child(fldPath, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
    const weight = num(wt.weight) ?? 0;
    if (weight <= 0 || weight > 100)
      out.push(invalid(child(p, 'weight'), weight, 'must be in the range 1-100'));
    out.push(...validatePodAffinityTerm(obj(wt.podAffinityTerm) ?? {}, child(p, 'podAffinityTerm')));
  });
  return out;
}

function validateAffinity(affinity: unknown, fldPath: string): FieldProblem[] {
  const a = obj(affinity);
  if (!a) return [];
  const out: FieldProblem[] = [];
  const na = obj(a.nodeAffinity);
  if (na) {
    const p = child(fldPath, 'nodeAffinity');
    const req = obj(na.requiredDuringSchedulingIgnoredDuringExecution);
    if (req)
      out.push(...validateNodeSelector(req, child(p, 'requiredDuringSchedulingIgnoredDuringExecution')));
    objs(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((term, i) => {
      const tp = index(child(p, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
      const weight = num(term.weight) ?? 0;
      if (weight <= 0 || weight > 100)
        out.push(invalid(child(tp, 'weight'), weight, 'must be in the range 1-100'));
      out.push(...validateNodeSelectorTerm(obj(term.preference) ?? {}, child(tp, 'preference'), false));
    });
  }
  const pa = obj(a.podAffinity);
  if (pa) out.push(...validatePodAffinityKind(pa, child(fldPath, 'podAffinity')));
  const paa = obj(a.podAntiAffinity);
  if (paa) out.push(...validatePodAffinityKind(paa, child(fldPath, 'podAntiAffinity')));
  return out;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTaintEffect(effect: string, allowEmpty: boolean, fldPath: string): FieldProblem[] {
  if (!allowEmpty && !effect) return [required(fldPath)];
  return TAINT_EFFECTS.includes(effect) ? [] : [notSupported(fldPath, effect, TAINT_EFFECTS)];
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: unknown, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  objs(tolerations).forEach((t, i) => {
    const p = index(fldPath, i);
    const k = str(t.key);
    const op = str(t.operator);
    const effect = str(t.effect);
    if (k) out.push(...validateLabelName(k, child(p, 'key')));
    if (!k && op !== 'Exists')
      out.push(
        invalid(
          child(p, 'operator'),
          op,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute')
      out.push(
        invalid(child(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"),
      );
    switch (op) {
      case 'Equal':
      case '': {
        const errs = isValidLabelValue(str(t.value));
        if (errs.length) out.push(invalid(child(p, 'operator'), str(t.value), errs.join(';')));
        break;
      }
      case 'Exists':
        if (str(t.value))
          out.push(
            invalid(child(p, 'operator'), str(t.value), "value must be empty when `operator` is 'Exists'"),
          );
        break;
      default:
        out.push(notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    }
    if (effect) out.push(...validateTaintEffect(effect, true, child(p, 'effect')));
  });
  return out;
}

function validateDNSConfig(dnsConfig: unknown, dnsPolicy: string, fldPath: string): FieldProblem[] {
  const c = obj(dnsConfig);
  if (dnsPolicy === 'None') {
    if (!c) return [required(fldPath, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arr(c.nameservers).length === 0)
      return [
        required(
          child(fldPath, 'nameservers'),
          'must provide at least one DNS nameserver when `dnsPolicy` is None',
        ),
      ];
  }
  if (!c) return [];
  const out: FieldProblem[] = [];
  const nameservers = arr(c.nameservers).map(str);
  if (nameservers.length > 3)
    out.push(invalid(child(fldPath, 'nameservers'), nameservers, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => out.push(...isValidIP(index(child(fldPath, 'nameservers'), i), ns)));
  const searches = arr(c.searches).map(str);
  if (searches.length > 32)
    out.push(invalid(child(fldPath, 'searches'), searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048)
    out.push(
      invalid(
        child(fldPath, 'searches'),
        searches,
        'must not have more than 2048 characters (including spaces) in the search list',
      ),
    );
  searches.forEach((s, i) =>
    out.push(...validateDNS1123Subdomain(s.replace(/\.$/, ''), index(child(fldPath, 'searches'), i))),
  );
  objs(c.options).forEach((o, i) => {
    if (!str(o.name)) out.push(required(index(child(fldPath, 'options'), i), 'must not be empty'));
  });
  return out;
}

function validateTopologySpreadConstraints(constraints: unknown, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const list = objs(constraints);
  list.forEach((c, i) => {
    const p = index(fldPath, i);
    const maxSkew = num(c.maxSkew) ?? 0;
    if (maxSkew <= 0) out.push(invalid(child(p, 'maxSkew'), maxSkew, 'must be greater than zero'));
    if (!str(c.topologyKey)) out.push(required(child(p, 'topologyKey'), 'can not be empty'));
    const wu = str(c.whenUnsatisfiable);
    if (wu !== 'DoNotSchedule' && wu !== 'ScheduleAnyway')
      out.push(notSupported(child(p, 'whenUnsatisfiable'), wu, ['DoNotSchedule', 'ScheduleAnyway']));
    const dup = list
      .slice(i + 1)
      .some((o) => str(o.topologyKey) === str(c.topologyKey) && str(o.whenUnsatisfiable) === wu);
    if (dup)
      out.push(duplicate(child(p, '{topologyKey, whenUnsatisfiable}'), `{${str(c.topologyKey)}, ${wu}}`));
    const minDomains = num(c.minDomains);
    if (minDomains !== undefined) {
      if (minDomains <= 0) out.push(invalid(child(p, 'minDomains'), minDomains, 'must be greater than zero'));
      if (wu !== 'DoNotSchedule')
        out.push(
          invalid(
            child(p, 'minDomains'),
            minDomains,
            `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${wu}`,
          ),
        );
    }
    for (const pol of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (c[pol] === undefined || c[pol] === null) continue;
      const v = str(c[pol]);
      if (v !== 'Honor' && v !== 'Ignore') out.push(notSupported(child(p, pol), v, ['Honor', 'Ignore']));
    }
    out.push(...validateLabelSelector(c.labelSelector, child(p, 'labelSelector')));
  });
  return out;
}

/** ValidatePodSpec. */
export function validatePodSpec(spec: Obj, fldPath: string, opts: PodSpecOptions = {}): FieldProblem[] {
  const out: FieldProblem[] = [];
  const gp = spec.terminationGracePeriodSeconds;
  if (gp === undefined || gp === null) out.push(required(child(fldPath, 'terminationGracePeriodSeconds')));
  const gracePeriod = num(gp);
  const securityContext = obj(spec.securityContext);
  const hostUsers = !(securityContext && securityContext.hostUsers === false);
  const { volumes, problems } = validateVolumes(spec.volumes, child(fldPath, 'volumes'), opts.podName ?? '');
  out.push(...problems);
  out.push(
    ...validateContainers(spec.containers, volumes, gracePeriod, child(fldPath, 'containers'), hostUsers),
  );
  out.push(
    ...validateInitContainers(
      spec.initContainers,
      spec.containers,
      volumes,
      gracePeriod,
      child(fldPath, 'initContainers'),
      hostUsers,
    ),
  );
  out.push(
    ...validateEphemeralContainers(
      spec.ephemeralContainers,
      spec.containers,
      spec.initContainers,
      volumes,
      child(fldPath, 'ephemeralContainers'),
      hostUsers,
    ),
  );
  if (spec.hostNetwork === true) {
    objs(spec.containers).forEach((c, i) =>
      objs(c.ports).forEach((port, j) => {
        const hp = num(port.hostPort) ?? 0;
        const cp = num(port.containerPort) ?? 0;
        if ((opts.isPod || hp !== 0) && hp !== cp)
          out.push(
            invalid(
              child(index(child(index(child(fldPath, 'containers'), i), 'ports'), j), 'hostPort'),
              hp,
              'must match `containerPort` when `hostNetwork` is true',
            ),
          );
      }),
    );
  }
  out.push(...validateRestartPolicy(str(spec.restartPolicy), child(fldPath, 'restartPolicy')));
  out.push(...validateDNSPolicy(str(spec.dnsPolicy), child(fldPath, 'dnsPolicy')));
  out.push(...validateLabels(spec.nodeSelector, child(fldPath, 'nodeSelector')));
  out.push(...validatePodSecurityContext(spec.securityContext, child(fldPath, 'securityContext')));
  objs(spec.imagePullSecrets).forEach((s, i) => {
    if (Object.keys(s).some((k) => k !== 'name'))
      out.push(
        invalid(
          index(child(fldPath, 'imagePullSecrets'), i),
          new GoSyntax(`core.LocalObjectReference{Name:${JSON.stringify(str(s.name))}}`),
          'only name may be set',
        ),
      );
  });
  out.push(...validateAffinity(spec.affinity, child(fldPath, 'affinity')));
  out.push(...validateDNSConfig(spec.dnsConfig, str(spec.dnsPolicy), child(fldPath, 'dnsConfig')));
  objs(spec.readinessGates).forEach((g, i) =>
    out.push(
      ...validateQualifiedName(
        str(g.conditionType),
        child(index(child(fldPath, 'readinessGates'), i), 'conditionType'),
      ),
    ),
  );
  const gates = new Set<string>();
  objs(spec.schedulingGates).forEach((g, i) => {
    const p = index(child(fldPath, 'schedulingGates'), i);
    out.push(...validateQualifiedName(str(g.name), p));
    if (gates.has(str(g.name))) out.push(duplicate(p, str(g.name)));
    gates.add(str(g.name));
  });
  out.push(
    ...validateTopologySpreadConstraints(
      spec.topologySpreadConstraints,
      child(fldPath, 'topologySpreadConstraints'),
    ),
  );
  if (securityContext && securityContext.hostUsers === false) {
    if (spec.hostNetwork === true)
      out.push(forbidden(child(fldPath, 'hostNetwork'), 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostPID === true)
      out.push(forbidden(child(fldPath, 'HostPID'), 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostIPC === true)
      out.push(forbidden(child(fldPath, 'HostIPC'), 'when `pod.Spec.HostUsers` is false'));
  }
  const sa = str(spec.serviceAccountName);
  if (sa)
    for (const m of nameIsDNSSubdomain(sa, false))
      out.push(invalid(child(fldPath, 'serviceAccountName'), sa, m));
  const nodeName = str(spec.nodeName);
  if (nodeName)
    for (const m of nameIsDNSSubdomain(nodeName, false))
      out.push(invalid(child(fldPath, 'nodeName'), nodeName, m));
  const ads = num(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32))
    out.push(
      invalid(child(fldPath, 'activeDeadlineSeconds'), ads, `must be between 1 and ${MAX_INT32}, inclusive`),
    );
  if (str(spec.hostname)) out.push(...validateDNS1123Label(str(spec.hostname), child(fldPath, 'hostname')));
  if (str(spec.subdomain))
    out.push(...validateDNS1123Label(str(spec.subdomain), child(fldPath, 'subdomain')));
  out.push(...validateTolerations(spec.tolerations, child(fldPath, 'tolerations')));
  objs(spec.hostAliases).forEach((ha, i) => {
    const p = index(child(fldPath, 'hostAliases'), i);
    out.push(...isValidIP(child(p, 'ip'), str(ha.ip)));
    arr(ha.hostnames).forEach((h, j) =>
      out.push(...validateDNS1123Subdomain(str(h), index(child(p, 'hostnames'), j))),
    );
  });
  const pc = str(spec.priorityClassName);
  if (pc)
    for (const m of nameIsDNSSubdomain(pc, false))
      out.push(invalid(child(fldPath, 'priorityClassName'), pc, m));
  if (typeof spec.runtimeClassName === 'string')
    for (const m of nameIsDNSSubdomain(spec.runtimeClassName, false))
      out.push(invalid(child(fldPath, 'runtimeClassName'), spec.runtimeClassName, m));
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null) {
    const pp = str(spec.preemptionPolicy);
    if (!pp) out.push(required(child(fldPath, 'preemptionPolicy')));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never')
      out.push(notSupported(child(fldPath, 'preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']));
  }
  if (obj(spec.overhead))
    out.push(...validateResourceRequirements({ limits: spec.overhead }, child(fldPath, 'overhead')));
  const os = obj(spec.os);
  if (os) {
    const name = str(os.name);
    if (!name) out.push(required(child(fldPath, 'os', 'name')));
    else if (name !== 'linux' && name !== 'windows')
      out.push(notSupported(child(fldPath, 'os', 'name'), name, ['linux', 'windows']));
  }
  return out;
}

/** ValidatePodSpecificAnnotations: the pod deletion cost and the mirror-pod annotation. */
export function validatePodSpecificAnnotations(
  annotations: unknown,
  spec: Obj,
  fldPath: string,
): FieldProblem[] {
  const a = obj(annotations);
  if (!a) return [];
  const out: FieldProblem[] = [];
  const mirror = 'kubernetes.io/config.mirror';
  if (mirror in a && !str(spec.nodeName))
    out.push(
      invalid(key(fldPath, mirror), str(a[mirror]), 'must set spec.nodeName if mirror pod annotation is set'),
    );
  const cost = 'controller.kubernetes.io/pod-deletion-cost';
  if (cost in a) {
    const v = str(a[cost]);
    const n = /^[+-]?[0-9]+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < -MAX_INT32 - 1 || n > MAX_INT32)
      out.push(invalid(key(fldPath, cost), v, 'must be a 32bit integer'));
  }
  return out;
}

/** ValidatePodTemplateSpec (for workloads): labels, annotations, the spec, no ephemeral containers. */
export function validatePodTemplateSpec(template: unknown, fldPath: string): FieldProblem[] {
  const t = obj(template) ?? {};
  const meta = obj(t.metadata) ?? {};
  const spec = obj(t.spec) ?? {};
  const out: FieldProblem[] = [];
  out.push(...validateLabels(meta.labels, child(fldPath, 'labels')));
  out.push(...validateAnnotations(meta.annotations, child(fldPath, 'annotations')));
  out.push(...validatePodSpecificAnnotations(meta.annotations, spec, child(fldPath, 'annotations')));
  out.push(...validatePodSpec(spec, child(fldPath, 'spec')));
  if (arr(spec.ephemeralContainers).length > 0)
    out.push(
      forbidden(
        child(fldPath, 'spec', 'ephemeralContainers'),
        'ephemeral containers not allowed in pod template',
      ),
    );
  return out;
}
