import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  duplicate,
  forbidden,
  GoSyntax,
  index,
  invalid,
  isConfigMapKey,
  isRelaxedEnvVarName,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
  notFound,
  notSupported,
  num,
  obj,
  objs,
  required,
  str,
  type Obj,
} from '../validation/index.js';
import { validateResourceRequirements } from './resources.js';
import { PORT_PROTOCOLS, validatePortNumOrName } from './ports.js';
import { validateLifecycle, validateProbes, validateSecurityContext } from './probe-validation.js';
import {
  ENV_DOWNWARD_FIELDS,
  validateDNS1123Label,
  validateLocalDescendingPath,
  validateObjectFieldSelector,
  validateResourceFieldSelector,
} from './volume-validation.js';

/**
 * Containers (regular, init and ephemeral): names, images, ports, env,
 * mounts, probes, lifecycle hooks, resources and security contexts, after
 * pkg/apis/core/validation/validation.go (v1.32).
 */

export { PORT_PROTOCOLS, validatePortNumOrName };

function validateContainerPorts(ports: unknown, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const names = new Set<string>();
  objs(ports).forEach((port, i) => {
    const idx = index(fldPath, i);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) msgs.forEach((m) => out.push(invalid(child(idx, 'name'), name, m)));
      else if (names.has(name)) out.push(duplicate(child(idx, 'name'), name));
      else names.add(name);
    }
    const containerPort = num(port.containerPort) ?? 0;
    if (containerPort === 0) out.push(required(child(idx, 'containerPort')));
    else
      isValidPortNum(containerPort).forEach((m) =>
        out.push(invalid(child(idx, 'containerPort'), containerPort, m)),
      );
    const hostPort = num(port.hostPort) ?? 0;
    if (hostPort !== 0)
      isValidPortNum(hostPort).forEach((m) => out.push(invalid(child(idx, 'hostPort'), hostPort, m)));
    const protocol = str(port.protocol);
    if (!protocol) out.push(required(child(idx, 'protocol')));
    else if (!PORT_PROTOCOLS.includes(protocol))
      out.push(notSupported(child(idx, 'protocol'), protocol, PORT_PROTOCOLS));
  });
  return out;
}

function validateKeySelector(s: Obj, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const name = str(s.name);
  for (const m of nameIsDNSSubdomain(name, false)) out.push(invalid(child(fldPath, 'name'), name, m));
  const k = str(s.key);
  if (!k) out.push(required(child(fldPath, 'key')));
  else for (const m of isConfigMapKey(k)) out.push(invalid(child(fldPath, 'key'), k, m));
  return out;
}

function validateEnv(env: unknown, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  objs(env).forEach((ev, i) => {
    const idx = index(fldPath, i);
    const name = str(ev.name);
    if (!name) out.push(required(child(idx, 'name')));
    else for (const m of isRelaxedEnvVarName(name)) out.push(invalid(child(idx, 'name'), name, m));
    const from = obj(ev.valueFrom);
    if (!from) return;
    const fp = child(idx, 'valueFrom');
    let sources = 0;
    const fieldRef = obj(from.fieldRef);
    if (fieldRef) {
      sources++;
      out.push(...validateObjectFieldSelector(fieldRef, ENV_DOWNWARD_FIELDS, child(fp, 'fieldRef')));
    }
    const resourceFieldRef = obj(from.resourceFieldRef);
    if (resourceFieldRef) {
      sources++;
      out.push(...validateResourceFieldSelector(resourceFieldRef, child(fp, 'resourceFieldRef'), false));
    }
    const configMapKeyRef = obj(from.configMapKeyRef);
    if (configMapKeyRef) {
      sources++;
      out.push(...validateKeySelector(configMapKeyRef, child(fp, 'configMapKeyRef')));
    }
    const secretKeyRef = obj(from.secretKeyRef);
    if (secretKeyRef) {
      sources++;
      out.push(...validateKeySelector(secretKeyRef, child(fp, 'secretKeyRef')));
    }
    if (sources === 0)
      out.push(
        invalid(
          fp,
          '',
          'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
        ),
      );
    else if (str(ev.value)) out.push(invalid(fp, '', 'may not be specified when `value` is not empty'));
    else if (sources > 1) out.push(invalid(fp, '', 'may not have more than one field specified at a time'));
  });
  return out;
}

function validateEnvFrom(envFrom: unknown, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  objs(envFrom).forEach((ev, i) => {
    const idx = index(fldPath, i);
    const prefix = str(ev.prefix);
    if (prefix)
      for (const m of isRelaxedEnvVarName(prefix)) out.push(invalid(child(idx, 'prefix'), prefix, m));
    let sources = 0;
    for (const kind of ['configMapRef', 'secretRef']) {
      const ref = obj(ev[kind]);
      if (!ref) continue;
      sources++;
      const name = str(ref.name);
      if (!name) out.push(required(child(idx, kind, 'name')));
      else
        for (const m of nameIsDNSSubdomain(name, true)) out.push(invalid(child(idx, kind, 'name'), name, m));
    }
    if (sources === 0) out.push(invalid(fldPath, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1)
      out.push(invalid(fldPath, '', 'may not have more than one field specified at a time'));
  });
  return out;
}

function validateVolumeMounts(c: Obj, volumes: Map<string, Obj>, containerPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const fldPath = child(containerPath, 'volumeMounts');
  const mountPoints = new Set<string>();
  const devices = new Map(objs(c.volumeDevices).map((d) => [str(d.name), str(d.devicePath)]));
  const privileged = obj(c.securityContext)?.privileged === true;
  objs(c.volumeMounts).forEach((mnt, i) => {
    const idx = index(fldPath, i);
    const name = str(mnt.name);
    const mountPath = str(mnt.mountPath);
    if (!name) out.push(required(child(idx, 'name')));
    if (!volumes.has(name)) out.push(notFound(child(idx, 'name'), name));
    if (!mountPath) out.push(required(child(idx, 'mountPath')));
    if (mountPoints.has(mountPath)) out.push(invalid(child(idx, 'mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (devices.has(name))
      out.push(invalid(child(idx, 'name'), name, 'must not already exist in volumeDevices'));
    if ([...devices.values()].includes(mountPath))
      out.push(
        invalid(child(idx, 'mountPath'), mountPath, 'must not already exist as a path in volumeDevices'),
      );
    const subPath = str(mnt.subPath);
    const subPathExpr = str(mnt.subPathExpr);
    if (subPath) out.push(...validateLocalDescendingPath(subPath, child(fldPath, 'subPath')));
    if (subPathExpr) {
      if (subPath)
        out.push(
          invalid(child(idx, 'subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'),
        );
      out.push(...validateLocalDescendingPath(subPathExpr, child(fldPath, 'subPathExpr')));
    }
    if (mnt.mountPropagation !== undefined && mnt.mountPropagation !== null) {
      const mp = str(mnt.mountPropagation);
      const supported = ['Bidirectional', 'HostToContainer', 'None'];
      if (!supported.includes(mp)) out.push(notSupported(child(fldPath, 'mountPropagation'), mp, supported));
      if (mp === 'Bidirectional' && !privileged)
        out.push(
          forbidden(
            child(fldPath, 'mountPropagation'),
            'Bidirectional mount propagation is available only to privileged containers',
          ),
        );
    }
    const rro = mnt.recursiveReadOnly;
    if (rro !== undefined && rro !== null) {
      const rp = child(fldPath, 'recursiveReadOnly');
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (mnt.readOnly !== true) out.push(forbidden(rp, 'may only be specified when readOnly is true'));
        if (mnt.mountPropagation && mnt.mountPropagation !== 'None')
          out.push(forbidden(rp, 'may only be specified when mountPropagation is None or not specified'));
      } else if (rro !== 'Disabled')
        out.push(notSupported(rp, str(rro), ['Disabled', 'Enabled', 'IfPossible']));
    }
  });
  objs(c.volumeDevices).forEach((dev, i) => {
    const idx = index(child(containerPath, 'volumeDevices'), i);
    const name = str(dev.name);
    const vol = volumes.get(name);
    if (!name) out.push(required(child(idx, 'name')));
    if (vol && !obj(vol.persistentVolumeClaim) && !obj(vol.ephemeral))
      out.push(
        invalid(
          child(idx, 'name'),
          name,
          'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode',
        ),
      );
    if (!vol) out.push(notFound(child(idx, 'name'), name));
    if (!str(dev.devicePath)) out.push(required(child(idx, 'devicePath')));
  });
  return out;
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

/** validateContainerCommon: what every container kind must satisfy. */
export function validateContainerCommon(
  c: Obj,
  volumes: Map<string, Obj>,
  fldPath: string,
  hostUsers: boolean,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const name = str(c.name);
  if (!name) out.push(required(child(fldPath, 'name')));
  else out.push(...validateDNS1123Label(name, child(fldPath, 'name')));
  if (!str(c.image)) out.push(required(child(fldPath, 'image')));
  const tmp = str(c.terminationMessagePolicy);
  if (!tmp) out.push(required(child(fldPath, 'terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError')
    out.push(
      notSupported(child(fldPath, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']),
    );
  out.push(...validateContainerPorts(c.ports, child(fldPath, 'ports')));
  out.push(...validateEnv(c.env, child(fldPath, 'env')));
  out.push(...validateEnvFrom(c.envFrom, child(fldPath, 'envFrom')));
  out.push(...validateVolumeMounts(c, volumes, fldPath));
  const pull = str(c.imagePullPolicy);
  if (!pull) out.push(required(child(fldPath, 'imagePullPolicy')));
  else if (!PULL_POLICIES.includes(pull))
    out.push(notSupported(child(fldPath, 'imagePullPolicy'), pull, PULL_POLICIES));
  out.push(...validateResourceRequirements(c.resources, child(fldPath, 'resources')));
  out.push(...validateSecurityContext(c.securityContext, child(fldPath, 'securityContext'), hostUsers));
  return out;
}

/** Host ports must not repeat (protocol/hostIP/port) within the list. */
export function checkHostPortConflicts(
  containers: Obj[],
  fldPath: string,
  seen = new Set<string>(),
): FieldProblem[] {
  const out: FieldProblem[] = [];
  containers.forEach((c, ci) => {
    objs(c.ports).forEach((p, pi) => {
      const hostPort = num(p.hostPort) ?? 0;
      if (!hostPort) return;
      const k = `${str(p.protocol)}/${str(p.hostIP)}/${hostPort}`;
      if (seen.has(k))
        out.push(duplicate(child(index(child(index(fldPath, ci), 'ports'), pi), 'hostPort'), k));
      else seen.add(k);
    });
  });
  return out;
}

/** validateContainers: required, unique names, probes and hooks, no restartPolicy. */
export function validateContainers(
  containers: unknown,
  volumes: Map<string, Obj>,
  gracePeriod: number | undefined,
  fldPath: string,
  hostUsers: boolean,
): FieldProblem[] {
  const list = objs(containers);
  if (list.length === 0) return [required(fldPath)];
  const out: FieldProblem[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = index(fldPath, i);
    out.push(...validateContainerCommon(c, volumes, p, hostUsers));
    const name = str(c.name);
    if (names.has(name)) out.push(duplicate(child(p, 'name'), name));
    else names.add(name);
    out.push(...validateLifecycle(c, gracePeriod, p));
    out.push(...validateProbes(c, gracePeriod, p));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null)
      out.push(forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  out.push(...checkHostPortConflicts(list, fldPath));
  return out;
}

/** validateInitContainers, sidecars (`restartPolicy: Always`) included. */
export function validateInitContainers(
  initContainers: unknown,
  containers: unknown,
  volumes: Map<string, Obj>,
  gracePeriod: number | undefined,
  fldPath: string,
  hostUsers: boolean,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const names = new Set(objs(containers).map((c) => str(c.name)));
  objs(initContainers).forEach((c, i) => {
    const p = index(fldPath, i);
    out.push(...validateContainerCommon(c, volumes, p, hostUsers));
    let restartAlways = false;
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      const rp = str(c.restartPolicy);
      if (rp !== 'Always') out.push(notSupported(child(p, 'restartPolicy'), rp, ['Always']));
      restartAlways = rp === 'Always';
    }
    const name = str(c.name);
    if (names.has(name)) out.push(duplicate(child(p, 'name'), name));
    else if (name) names.add(name);
    out.push(...checkHostPortConflicts([c], fldPath));
    if (restartAlways) {
      out.push(...validateLifecycle(c, gracePeriod, p));
      out.push(...validateProbes(c, gracePeriod, p));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'])
        if (c[f] !== undefined && c[f] !== null)
          out.push(forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
    }
    if (arr(c.resizePolicy).length > 0)
      out.push(
        invalid(
          child(p, 'resizePolicy'),
          new GoSyntax('[]core.ContainerResizePolicy{…}'),
          'must not be set for init containers',
        ),
      );
  });
  return out;
}

/** Fields an ephemeral container may carry; the rest are forbidden. */
const EPHEMERAL_FORBIDDEN = [
  'ports',
  'resources',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'resizePolicy',
  'restartPolicy',
];

export function validateEphemeralContainers(
  ephemeral: unknown,
  containers: unknown,
  initContainers: unknown,
  volumes: Map<string, Obj>,
  fldPath: string,
  hostUsers: boolean,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const others = new Set([...objs(containers), ...objs(initContainers)].map((c) => str(c.name)));
  const all = new Set(others);
  objs(ephemeral).forEach((c, i) => {
    const p = index(fldPath, i);
    out.push(...validateContainerCommon(c, volumes, p, hostUsers));
    const name = str(c.name);
    if (all.has(name)) out.push(duplicate(child(p, 'name'), name));
    else all.add(name);
    const target = str(c.targetContainerName);
    if (target && !others.has(target)) out.push(notFound(child(p, 'targetContainerName'), target));
    for (const f of EPHEMERAL_FORBIDDEN) {
      const v = c[f];
      const set =
        v !== undefined &&
        v !== null &&
        !(Array.isArray(v) && v.length === 0) &&
        !(f === 'resources' && isEmptyObject(v));
      if (set) out.push(forbidden(child(p, f), 'cannot be set for an Ephemeral Container'));
    }
    objs(c.volumeMounts).forEach((vm, j) => {
      if (str(vm.subPath))
        out.push(
          forbidden(
            child(index(child(p, 'volumeMounts'), j), 'subPath'),
            'cannot be set for an Ephemeral Container',
          ),
        );
      if (str(vm.subPathExpr))
        out.push(
          forbidden(
            child(index(child(p, 'volumeMounts'), j), 'subPathExpr'),
            'cannot be set for an Ephemeral Container',
          ),
        );
    });
  });
  return out;
}

function isEmptyObject(v: unknown): boolean {
  const o = obj(v);
  return (
    !!o &&
    Object.values(o).every(
      (x) => x === undefined || x === null || (typeof x === 'object' && Object.keys(x).length === 0),
    )
  );
}
