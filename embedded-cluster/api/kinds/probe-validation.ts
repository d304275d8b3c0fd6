import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  forbidden,
  GoSyntax,
  invalid,
  isHTTPHeaderName,
  isValidGroupID,
  isValidUserID,
  notSupported,
  num,
  obj,
  objs,
  required,
  str,
  validateNonnegative,
  type Obj,
} from '../validation/index.js';
import { validatePortNumOrName } from './ports.js';
import { validateLocalDescendingPath } from './volume-validation.js';

/**
 * Container probes, lifecycle hooks and security contexts, after
 * pkg/apis/core/validation/validation.go (v1.32).
 */

function validateHTTPGet(h: Obj, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!str(h.path)) out.push(required(child(fldPath, 'path')));
  out.push(...validatePortNumOrName(h.port, child(fldPath, 'port')));
  const scheme = str(h.scheme);
  if (scheme !== 'HTTP' && scheme !== 'HTTPS')
    out.push(notSupported(child(fldPath, 'scheme'), scheme, ['HTTP', 'HTTPS']));
  for (const header of objs(h.httpHeaders))
    for (const m of isHTTPHeaderName(str(header.name)))
      out.push(invalid(child(fldPath, 'httpHeaders'), str(header.name), m));
  return out;
}

/** validateHandler over a probe's or a lifecycle hook's actions. */
function validateHandler(
  h: Obj,
  gracePeriod: number | undefined,
  fldPath: string,
  allowSleep: boolean,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  let handlers = 0;
  const kinds = allowSleep
    ? ['exec', 'httpGet', 'tcpSocket', 'sleep']
    : ['exec', 'httpGet', 'tcpSocket', 'grpc'];
  for (const kind of kinds) {
    const action = obj(h[kind]);
    if (!action) continue;
    const p = child(fldPath, kind);
    if (handlers > 0) {
      out.push(forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    handlers++;
    switch (kind) {
      case 'exec':
        if (arr(action.command).length === 0) out.push(required(child(p, 'command')));
        break;
      case 'httpGet':
        out.push(...validateHTTPGet(action, p));
        break;
      case 'tcpSocket':
        out.push(...validatePortNumOrName(action.port, child(p, 'port')));
        break;
      case 'grpc':
        out.push(...validatePortNumOrName(num(action.port) ?? 0, child(p, 'port')));
        break;
      case 'sleep': {
        const seconds = num(action.seconds) ?? 0;
        if (gracePeriod !== undefined && (seconds <= 0 || seconds > gracePeriod))
          out.push(
            invalid(
              p,
              seconds,
              `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
            ),
          );
        break;
      }
    }
  }
  if (handlers === 0) out.push(required(fldPath, 'must specify a handler type'));
  return out;
}

function validateProbe(probe: Obj, gracePeriod: number | undefined, fldPath: string): FieldProblem[] {
  const out = validateHandler(probe, gracePeriod, fldPath, false);
  for (const f of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ])
    out.push(...validateNonnegative(probe[f], child(fldPath, f)));
  const tgps = num(probe.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0)
    out.push(invalid(child(fldPath, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  return out;
}

export function validateProbes(c: Obj, gracePeriod: number | undefined, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const liveness = obj(c.livenessProbe);
  if (liveness) {
    out.push(...validateProbe(liveness, gracePeriod, child(fldPath, 'livenessProbe')));
    if (num(liveness.successThreshold) !== 1)
      out.push(
        invalid(
          child(fldPath, 'livenessProbe', 'successThreshold'),
          num(liveness.successThreshold) ?? 0,
          'must be 1',
        ),
      );
  }
  const readiness = obj(c.readinessProbe);
  if (readiness) {
    out.push(...validateProbe(readiness, gracePeriod, child(fldPath, 'readinessProbe')));
    if (
      readiness.terminationGracePeriodSeconds !== undefined &&
      readiness.terminationGracePeriodSeconds !== null
    )
      out.push(
        invalid(
          child(fldPath, 'readinessProbe', 'terminationGracePeriodSeconds'),
          readiness.terminationGracePeriodSeconds,
          'must not be set for readinessProbes',
        ),
      );
  }
  const startup = obj(c.startupProbe);
  if (startup) {
    out.push(...validateProbe(startup, gracePeriod, child(fldPath, 'startupProbe')));
    if (num(startup.successThreshold) !== 1)
      out.push(
        invalid(
          child(fldPath, 'startupProbe', 'successThreshold'),
          num(startup.successThreshold) ?? 0,
          'must be 1',
        ),
      );
  }
  return out;
}

export function validateLifecycle(c: Obj, gracePeriod: number | undefined, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const lifecycle = obj(c.lifecycle);
  if (!lifecycle) return out;
  for (const hook of ['postStart', 'preStop']) {
    const h = obj(lifecycle[hook]);
    if (h) out.push(...validateHandler(h, gracePeriod, child(fldPath, 'lifecycle', hook), true));
  }
  return out;
}

const SECCOMP_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];

export function validateSeccompProfile(sp: unknown, fldPath: string): FieldProblem[] {
  const p = obj(sp);
  if (!p) return [];
  const out: FieldProblem[] = [];
  const type = str(p.type);
  if (!type) out.push(required(child(fldPath, 'type'), 'type is required when seccompProfile is set'));
  else if (!SECCOMP_TYPES.includes(type)) out.push(notSupported(child(fldPath, 'type'), type, SECCOMP_TYPES));
  if (type === 'Localhost') {
    if (p.localhostProfile === undefined || p.localhostProfile === null)
      out.push(required(child(fldPath, 'localhostProfile'), 'must be set when seccomp type is Localhost'));
    else
      out.push(...validateLocalDescendingPath(str(p.localhostProfile), child(fldPath, 'localhostProfile')));
  } else if (p.localhostProfile !== undefined && p.localhostProfile !== null) {
    out.push(
      invalid(
        child(fldPath, 'localhostProfile'),
        new GoSyntax('&core.SeccompProfile{…}'),
        'can only be set when seccomp type is Localhost',
      ),
    );
  }
  return out;
}

const APPARMOR_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];

export function validateAppArmorProfile(ap: unknown, fldPath: string): FieldProblem[] {
  const p = obj(ap);
  if (!p) return [];
  const type = str(p.type);
  if (!type) return [required(child(fldPath, 'type'), 'type is required when appArmorProfile is set')];
  if (!APPARMOR_TYPES.includes(type)) return [notSupported(child(fldPath, 'type'), type, APPARMOR_TYPES)];
  if (type === 'Localhost') {
    const lp = p.localhostProfile;
    if (typeof lp !== 'string' || lp.trim() === '')
      return [required(child(fldPath, 'localhostProfile'), 'must be set when AppArmor type is Localhost')];
    if (lp.trim() !== lp)
      return [invalid(child(fldPath, 'localhostProfile'), lp, 'must not be padded with whitespace')];
  } else if (p.localhostProfile !== undefined && p.localhostProfile !== null) {
    return [
      invalid(
        child(fldPath, 'localhostProfile'),
        str(p.localhostProfile),
        'can only be set when AppArmor type is Localhost',
      ),
    ];
  }
  return [];
}

export function validateSecurityContext(sc: unknown, fldPath: string, hostUsers: boolean): FieldProblem[] {
  const s = obj(sc);
  if (!s) return [];
  const out: FieldProblem[] = [];
  const runAsUser = num(s.runAsUser);
  if (runAsUser !== undefined)
    for (const m of isValidUserID(runAsUser)) out.push(invalid(child(fldPath, 'runAsUser'), runAsUser, m));
  const runAsGroup = num(s.runAsGroup);
  if (runAsGroup !== undefined)
    for (const m of isValidGroupID(runAsGroup))
      out.push(invalid(child(fldPath, 'runAsGroup'), runAsGroup, m));
  if (s.procMount !== undefined && s.procMount !== null) {
    const pm = str(s.procMount);
    if (pm !== 'Default' && pm !== 'Unmasked')
      out.push(notSupported(child(fldPath, 'procMount'), pm, ['Default', 'Unmasked']));
    if (hostUsers && pm === 'Unmasked')
      out.push(invalid(child(fldPath, 'procMount'), pm, '`hostUsers` must be false to use `Unmasked`'));
  }
  out.push(...validateSeccompProfile(s.seccompProfile, child(fldPath, 'seccompProfile')));
  if (s.allowPrivilegeEscalation === false) {
    if (s.privileged === true)
      out.push(
        invalid(
          fldPath,
          new GoSyntax('&core.SecurityContext{…}'),
          'cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
        ),
      );
    for (const cap of arr(obj(s.capabilities)?.add))
      if (cap === 'CAP_SYS_ADMIN')
        out.push(
          invalid(
            fldPath,
            new GoSyntax('&core.SecurityContext{…}'),
            'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN',
          ),
        );
  }
  out.push(...validateAppArmorProfile(s.appArmorProfile, child(fldPath, 'appArmorProfile')));
  return out;
}
