import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  deepEqual,
  ensureObj,
  GoSyntax,
  index,
  invalid,
  nameIsDNSSubdomain,
  notSupported,
  obj,
  objs,
  pathSegmentName,
  required,
  str,
  type Obj,
} from '../validation/index.js';
import { defineKind } from './common.js';

/** Roles, ClusterRoles and their bindings (rbac.authorization.k8s.io/v1, pkg/apis/rbac/validation). */

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validatePolicyRule(rule: Obj, namespaced: boolean, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (arr(rule.verbs).length === 0)
    out.push(required(child(fldPath, 'verbs'), 'verbs must contain at least one value'));
  const urls = arr(rule.nonResourceURLs).map(str);
  if (urls.length) {
    if (namespaced)
      out.push(
        invalid(
          child(fldPath, 'nonResourceURLs'),
          urls,
          'namespaced rules cannot apply to non-resource URLs',
        ),
      );
    if (arr(rule.apiGroups).length || arr(rule.resources).length || arr(rule.resourceNames).length)
      out.push(
        invalid(
          child(fldPath, 'nonResourceURLs'),
          urls,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    return out;
  }
  if (arr(rule.apiGroups).length === 0)
    out.push(required(child(fldPath, 'apiGroups'), 'resource rules must supply at least one api group'));
  if (arr(rule.resources).length === 0)
    out.push(required(child(fldPath, 'resources'), 'resource rules must supply at least one resource'));
  return out;
}

function validateRules(o: Obj, namespaced: boolean): FieldProblem[] {
  return objs(o.rules).flatMap((r, i) => validatePolicyRule(r, namespaced, index('rules', i)));
}

function validateAggregation(o: Obj): FieldProblem[] {
  const ar = obj(o.aggregationRule);
  if (!ar) return [];
  if (arr(ar.clusterRoleSelectors).length === 0)
    return [
      required(
        'aggregationRule.clusterRoleSelectors',
        'at least one clusterRoleSelector required if aggregationRule is non-nil',
      ),
    ];
  return [];
}

export const roleStrategy = defineKind({
  namespaced: true,
  nameFn: pathSegmentName,
  validate: (r) => validateRules(r, true),
});

export const clusterRoleStrategy = defineKind({
  namespaced: false,
  nameFn: pathSegmentName,
  validate: (r) => [...validateRules(r, false), ...validateAggregation(r)],
});

function defaultBinding(b: Obj): void {
  const roleRef = ensureObj(b, 'roleRef');
  if (!str(roleRef.apiGroup)) roleRef.apiGroup = RBAC_GROUP;
  for (const s of objs(b.subjects)) {
    if (str(s.apiGroup)) continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
    else if (s.kind === 'ServiceAccount') s.apiGroup = '';
  }
}

function validateSubject(s: Obj, namespaced: boolean, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const name = str(s.name);
  if (!name) out.push(required(child(fldPath, 'name')));
  switch (str(s.kind)) {
    case 'ServiceAccount':
      if (name)
        for (const m of nameIsDNSSubdomain(name, false)) out.push(invalid(child(fldPath, 'name'), name, m));
      if (str(s.apiGroup)) out.push(notSupported(child(fldPath, 'apiGroup'), str(s.apiGroup), ['']));
      if (!namespaced && !str(s.namespace)) out.push(required(child(fldPath, 'namespace')));
      break;
    case 'User':
    case 'Group':
      if (str(s.apiGroup) !== RBAC_GROUP)
        out.push(notSupported(child(fldPath, 'apiGroup'), str(s.apiGroup), [RBAC_GROUP]));
      break;
    default:
      out.push(notSupported(child(fldPath, 'kind'), str(s.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return out;
}

function validateBinding(b: Obj, namespaced: boolean): FieldProblem[] {
  const out: FieldProblem[] = [];
  const roleRef = obj(b.roleRef) ?? {};
  if (str(roleRef.apiGroup) !== RBAC_GROUP)
    out.push(notSupported('roleRef.apiGroup', str(roleRef.apiGroup), [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(roleRef.kind))) out.push(notSupported('roleRef.kind', str(roleRef.kind), kinds));
  const name = str(roleRef.name);
  if (!name) out.push(required('roleRef.name'));
  else for (const m of pathSegmentName(name, false)) out.push(invalid('roleRef.name', name, m));
  objs(b.subjects).forEach((s, i) => out.push(...validateSubject(s, namespaced, index('subjects', i))));
  return out;
}

function validateRoleRefUnchanged(b: Obj, old: Obj): FieldProblem[] {
  if (deepEqual(b.roleRef, old.roleRef)) return [];
  const r = obj(b.roleRef) ?? {};
  return [
    invalid(
      'roleRef',
      new GoSyntax(
        `rbac.RoleRef{APIGroup:${JSON.stringify(str(r.apiGroup))}, Kind:${JSON.stringify(str(r.kind))}, Name:${JSON.stringify(str(r.name))}}`,
      ),
      'cannot change roleRef',
    ),
  ];
}

export const roleBindingStrategy = defineKind({
  namespaced: true,
  nameFn: pathSegmentName,
  default: defaultBinding,
  validate: (b) => validateBinding(b, true),
  validateUpdate: validateRoleRefUnchanged,
});

export const clusterRoleBindingStrategy = defineKind({
  namespaced: false,
  nameFn: pathSegmentName,
  default: defaultBinding,
  validate: (b) => validateBinding(b, false),
  validateUpdate: validateRoleRefUnchanged,
});
