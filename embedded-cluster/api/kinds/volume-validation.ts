import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  nameIsDNSSubdomain,
  notSupported,
  num,
  obj,
  objs,
  required,
  str,
  tryParseQuantity,
  type Obj,
} from '../validation/index.js';

/**
 * Pod volumes and their sources, after ValidateVolumes and validateVolumeSource
 * in pkg/apis/core/validation/validation.go (v1.32).
 */

const FILE_MODE_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';

export function validateDNS1123Label(value: string, fldPath: string): FieldProblem[] {
  return isDNS1123Label(value).map((m) => invalid(fldPath, value, m));
}

export function validateDNS1123Subdomain(value: string, fldPath: string): FieldProblem[] {
  return isDNS1123Subdomain(value).map((m) => invalid(fldPath, value, m));
}

export function validateQualifiedName(value: string, fldPath: string): FieldProblem[] {
  return isQualifiedName(value).map((m) => invalid(fldPath, value, m));
}

function isAbsPath(p: string): boolean {
  return p.startsWith('/');
}

/** No `..` element. */
export function validatePathNoBacksteps(target: string, fldPath: string): FieldProblem[] {
  return target.replace(/\\/g, '/').split('/').includes('..')
    ? [invalid(fldPath, target, "must not contain '..'")]
    : [];
}

/** Relative and without `..`. */
export function validateLocalDescendingPath(target: string, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (isAbsPath(target)) out.push(invalid(fldPath, target, 'must be a relative path'));
  out.push(...validatePathNoBacksteps(target, fldPath));
  return out;
}

export function validateLocalNonReservedPath(target: string, fldPath: string): FieldProblem[] {
  const out = validateLocalDescendingPath(target, fldPath);
  if (target.startsWith('..') && !target.startsWith('../'))
    out.push(invalid(fldPath, target, "must not start with '..'"));
  return out;
}

function validateMode(mode: unknown, fldPath: string): FieldProblem[] {
  const m = num(mode);
  return m !== undefined && (m > 0o777 || m < 0) ? [invalid(fldPath, m, FILE_MODE_MSG)] : [];
}

function validateKeyToPath(kp: Obj, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!str(kp.key)) out.push(required(child(fldPath, 'key')));
  if (!str(kp.path)) out.push(required(child(fldPath, 'path')));
  out.push(...validateLocalNonReservedPath(str(kp.path), child(fldPath, 'path')));
  out.push(...validateMode(kp.mode, child(fldPath, 'mode')));
  return out;
}

const VOLUME_DOWNWARD_FIELDS = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
];
export const ENV_DOWNWARD_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
export const CONTAINER_RESOURCE_FIELDS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

/** validateObjectFieldSelector: apiVersion and a supported fieldPath (subscripts only on labels/annotations). */
export function validateObjectFieldSelector(
  fs: Obj,
  expressions: readonly string[],
  fldPath: string,
): FieldProblem[] {
  if (!str(fs.apiVersion)) return [required(child(fldPath, 'apiVersion'))];
  const fieldPath = str(fs.fieldPath);
  if (!fieldPath) return [required(child(fldPath, 'fieldPath'))];
  if (str(fs.apiVersion) !== 'v1')
    return [
      invalid(
        child(fldPath, 'fieldPath'),
        fieldPath,
        `error converting fieldPath: unsupported pod version: ${str(fs.apiVersion)}`,
      ),
    ];
  const sub = /^([^[]+)\['(.*)'\]$/.exec(fieldPath);
  if (sub) {
    const [, path, subscript] = sub as unknown as [string, string, string];
    if (path === 'metadata.annotations') return validateQualifiedName(subscript.toLowerCase(), fldPath);
    if (path === 'metadata.labels') return validateQualifiedName(subscript, fldPath);
    return [invalid(fldPath, path, 'does not support subscript')];
  }
  if (!expressions.includes(fieldPath))
    return [notSupported(child(fldPath, 'fieldPath'), fieldPath, expressions)];
  return [];
}

const CPU_DIVISORS = ['1m', '1'];
const BYTE_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

/** validateContainerResourceFieldSelector. */
export function validateResourceFieldSelector(fs: Obj, fldPath: string, volume: boolean): FieldProblem[] {
  const out: FieldProblem[] = [];
  const resource = str(fs.resource);
  if (volume && !str(fs.containerName)) out.push(required(child(fldPath, 'containerName')));
  else if (!resource) out.push(required(child(fldPath, 'resource')));
  else if (
    !CONTAINER_RESOURCE_FIELDS.includes(resource) &&
    !resource.startsWith('requests.hugepages-') &&
    !resource.startsWith('limits.hugepages-')
  )
    out.push(notSupported(child(fldPath, 'resource'), resource, CONTAINER_RESOURCE_FIELDS));
  if (fs.divisor !== undefined && fs.divisor !== null) {
    const q = tryParseQuantity(fs.divisor);
    const text = typeof fs.divisor === 'string' ? fs.divisor : String(fs.divisor);
    if (q && q.nanos !== 0n) {
      if ((resource === 'limits.cpu' || resource === 'requests.cpu') && !CPU_DIVISORS.includes(text))
        out.push(
          invalid(
            child(fldPath, 'divisor'),
            resource,
            "only divisor's values 1m and 1 are supported with the cpu resource",
          ),
        );
      if ((resource === 'limits.memory' || resource === 'requests.memory') && !BYTE_DIVISORS.includes(text))
        out.push(
          invalid(
            child(fldPath, 'divisor'),
            resource,
            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource",
          ),
        );
      if (
        (resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') &&
        !BYTE_DIVISORS.includes(text)
      )
        out.push(
          invalid(
            child(fldPath, 'divisor'),
            resource,
            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource",
          ),
        );
    }
  }
  return out;
}

function validateDownwardAPIFile(file: Obj, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!str(file.path)) out.push(required(child(fldPath, 'path')));
  out.push(...validateLocalNonReservedPath(str(file.path), child(fldPath, 'path')));
  const fieldRef = obj(file.fieldRef);
  const resourceFieldRef = obj(file.resourceFieldRef);
  if (fieldRef) {
    out.push(...validateObjectFieldSelector(fieldRef, VOLUME_DOWNWARD_FIELDS, child(fldPath, 'fieldRef')));
    if (resourceFieldRef)
      out.push(
        invalid(fldPath, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'),
      );
  } else if (resourceFieldRef) {
    out.push(...validateResourceFieldSelector(resourceFieldRef, child(fldPath, 'resourceFieldRef'), true));
  } else {
    out.push(required(fldPath, 'one of fieldRef and resourceFieldRef is required'));
  }
  out.push(...validateMode(file.mode, child(fldPath, 'mode')));
  return out;
}

function requireFields(src: Obj, fldPath: string, fields: readonly string[]): FieldProblem[] {
  return fields
    .filter((f) => (Array.isArray(src[f]) ? src[f].length === 0 : !str(src[f])))
    .map((f) => required(child(fldPath, f)));
}

function validatePartition(src: Obj, fldPath: string): FieldProblem[] {
  const p = num(src.partition) ?? 0;
  return p < 0 || p > 255
    ? [invalid(child(fldPath, 'partition'), p, 'must be between 1 and 255, inclusive')]
    : [];
}

const HOST_PATH_TYPES = [
  '',
  'BlockDevice',
  'CharDevice',
  'Directory',
  'DirectoryOrCreate',
  'File',
  'FileOrCreate',
  'Socket',
];

export function validateHostPath(src: Obj, fldPath: string): FieldProblem[] {
  const path = str(src.path);
  if (!path) return [required(child(fldPath, 'path'))];
  const out = validatePathNoBacksteps(path, child(fldPath, 'path'));
  if (typeof src.type === 'string' && !HOST_PATH_TYPES.includes(src.type))
    out.push(notSupported(child(fldPath, 'type'), src.type, HOST_PATH_TYPES));
  return out;
}

function validateProjected(src: Obj, fldPath: string): FieldProblem[] {
  const out = validateMode(src.defaultMode, child(fldPath, 'defaultMode'));
  const allPaths = new Set<string>();
  objs(src.sources).forEach((source, i) => {
    let numSources = 0;
    const srcPath = index(child(fldPath, 'sources'), i);
    for (const kind of ['secret', 'configMap'] as const) {
      const s = obj(source[kind]);
      if (!s) continue;
      numSources++;
      const projPath = child(srcPath, kind);
      if (!str(s.name)) out.push(required(child(projPath, 'name')));
      objs(s.items).forEach((kp, j) => {
        out.push(...validateKeyToPath(kp, index(child(projPath, 'items'), j)));
        const p = str(kp.path);
        if (p) {
          if (allPaths.has(p)) out.push(invalid(fldPath, str(s.name), 'conflicting duplicate paths'));
          allPaths.add(p);
        }
      });
    }
    const d = obj(source.downwardAPI);
    if (d) {
      numSources++;
      for (const file of objs(d.items)) {
        out.push(...validateDownwardAPIFile(file, child(srcPath, 'downwardAPI')));
        const p = str(file.path);
        if (p) {
          if (allPaths.has(p)) out.push(invalid(fldPath, p, 'conflicting duplicate paths'));
          allPaths.add(p);
        }
      }
    }
    const token = obj(source.serviceAccountToken);
    if (token) {
      numSources++;
      const exp = num(token.expirationSeconds) ?? 0;
      const tp = child(srcPath, 'serviceAccountToken');
      if (exp < 600)
        out.push(
          invalid(child(tp, 'expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'),
        );
      if (exp > 2 ** 32)
        out.push(
          invalid(child(tp, 'expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'),
        );
      if (!str(token.path)) out.push(required(child(fldPath, 'path')));
      else out.push(...validateLocalNonReservedPath(str(token.path), child(fldPath, 'path')));
    }
    if (obj(source.clusterTrustBundle)) numSources++;
    if (numSources > 1) out.push(forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  });
  return out;
}

/** The sources whose only rules are required string/list fields, with the path child Kubernetes reports them under. */
const SIMPLE_SOURCES: Record<string, { path: string; required: readonly string[] }> = {
  gcePersistentDisk: { path: 'persistentDisk', required: ['pdName'] },
  awsElasticBlockStore: { path: 'awsElasticBlockStore', required: ['volumeID'] },
  glusterfs: { path: 'glusterfs', required: ['endpoints', 'path'] },
  rbd: { path: 'rbd', required: ['monitors', 'image'] },
  cinder: { path: 'cinder', required: ['volumeID'] },
  cephfs: { path: 'cephfs', required: ['monitors'] },
  flexVolume: { path: 'flexVolume', required: ['driver'] },
  azureFile: { path: 'azureFile', required: ['secretName', 'shareName'] },
  vsphereVolume: { path: 'vsphereVolume', required: ['volumePath'] },
  photonPersistentDisk: { path: 'photonPersistentDisk', required: ['pdID'] },
  portworxVolume: { path: 'portworxVolume', required: ['volumeID'] },
  azureDisk: { path: 'azureDisk', required: ['diskName', 'diskURI'] },
  scaleIO: { path: 'scaleIO', required: ['gateway', 'system', 'volumeName'] },
  quobyte: { path: 'quobyte', required: ['registry', 'volume'] },
  iscsi: { path: 'iscsi', required: ['targetPortal', 'iqn'] },
};

/** The order validateVolumeSource visits sources in (the first one set counts, later ones are "more than 1"). */
const SOURCE_ORDER = [
  'emptyDir',
  'hostPath',
  'gitRepo',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'flocker',
  'persistentVolumeClaim',
  'rbd',
  'cinder',
  'cephfs',
  'quobyte',
  'downwardAPI',
  'fc',
  'flexVolume',
  'configMap',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'storageos',
  'projected',
  'scaleIO',
  'csi',
  'ephemeral',
  'image',
];

function validateSource(
  kind: string,
  src: Obj,
  fldPath: string,
  volName: string,
  podName: string,
): FieldProblem[] {
  const p = child(fldPath, kind);
  const simple = SIMPLE_SOURCES[kind];
  if (simple) {
    const out = requireFields(src, child(fldPath, simple.path), simple.required);
    if (kind === 'gcePersistentDisk' || kind === 'awsElasticBlockStore')
      out.push(...validatePartition(src, child(fldPath, simple.path)));
    if (kind === 'iscsi') {
      const lun = num(src.lun) ?? 0;
      if (lun < 0 || lun > 255)
        out.push(invalid(child(p, 'lun'), lun, 'must be between 0 and 255, inclusive'));
    }
    return out;
  }
  switch (kind) {
    case 'emptyDir': {
      const q = src.sizeLimit === undefined ? undefined : tryParseQuantity(src.sizeLimit);
      return q && q.nanos < 0n
        ? [forbidden(child(p, 'sizeLimit'), 'SizeLimit field must be a valid resource quantity')]
        : [];
    }
    case 'hostPath':
      return validateHostPath(src, p);
    case 'gitRepo': {
      const out = str(src.repository) ? [] : [required(child(p, 'repository'))];
      return [...out, ...validateLocalDescendingPath(str(src.directory), child(p, 'directory'))];
    }
    case 'secret': {
      const out = str(src.secretName) ? [] : [required(child(p, 'secretName'))];
      out.push(...validateMode(src.defaultMode, child(p, 'defaultMode')));
      objs(src.items).forEach((kp, i) => out.push(...validateKeyToPath(kp, index(child(p, 'items'), i))));
      return out;
    }
    case 'configMap': {
      const out = str(src.name) ? [] : [required(child(p, 'name'))];
      out.push(...validateMode(src.defaultMode, child(p, 'defaultMode')));
      objs(src.items).forEach((kp, i) => out.push(...validateKeyToPath(kp, index(child(p, 'items'), i))));
      return out;
    }
    case 'nfs': {
      const out = requireFields(src, p, ['server', 'path']);
      if (!isAbsPath(str(src.path)))
        out.push(invalid(child(p, 'path'), str(src.path), 'must be an absolute path'));
      return out;
    }
    case 'persistentVolumeClaim':
      return str(src.claimName) ? [] : [required(child(p, 'claimName'))];
    case 'flocker': {
      const out: FieldProblem[] = [];
      if (!str(src.datasetName) && !str(src.datasetUUID))
        out.push(required(p, 'one of datasetName and datasetUUID is required'));
      if (str(src.datasetName) && str(src.datasetUUID))
        out.push(invalid(p, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
      if (str(src.datasetName).includes('/'))
        out.push(invalid(child(p, 'datasetName'), str(src.datasetName), "must not contain '/'"));
      return out;
    }
    case 'downwardAPI': {
      const out = validateMode(src.defaultMode, child(p, 'defaultMode'));
      for (const file of objs(src.items)) out.push(...validateDownwardAPIFile(file, p));
      return out;
    }
    case 'fc': {
      const out: FieldProblem[] = [];
      const wwns = arr(src.targetWWNs);
      const wwids = arr(src.wwids);
      if (wwns.length < 1 && wwids.length < 1)
        out.push(required(child(p, 'targetWWNs'), 'must specify either targetWWNs or wwids, but not both'));
      if (wwns.length && wwids.length)
        out.push(
          invalid(child(p, 'targetWWNs'), wwns, 'targetWWNs and wwids can not be specified simultaneously'),
        );
      if (wwns.length && src.lun === undefined)
        out.push(required(child(p, 'lun'), 'lun is required if targetWWNs is specified'));
      return out;
    }
    case 'storageos': {
      const name = str(src.volumeName);
      const out = name
        ? validateDNS1123Label(name, child(p, 'volumeName'))
        : [required(child(p, 'volumeName'))];
      if (str(src.volumeNamespace))
        out.push(...validateDNS1123Label(str(src.volumeNamespace), child(p, 'volumeNamespace')));
      return out;
    }
    case 'projected':
      return validateProjected(src, p);
    case 'csi': {
      const driver = str(src.driver);
      const out: FieldProblem[] = [];
      if (!driver) out.push(required(child(p, 'driver')));
      if (driver.length > 63)
        out.push({ type: 'TooLong', field: child(p, 'driver'), detail: 'must have at most 63 bytes' });
      for (const m of isDNS1123Subdomain(driver.toLowerCase()))
        out.push(invalid(child(p, 'driver'), driver, m));
      return out;
    }
    case 'ephemeral': {
      const template = obj(src.volumeClaimTemplate);
      if (!template) return [required(child(p, 'volumeClaimTemplate'))];
      const out: FieldProblem[] = [];
      if (podName && volName) {
        const pvcName = `${podName}-${volName}`;
        for (const m of nameIsDNSSubdomain(pvcName, false))
          out.push(invalid(child(fldPath, 'name'), volName, `PVC name ${JSON.stringify(pvcName)}: ${m}`));
      }
      return out;
    }
    case 'image':
      return str(src.reference) ? [] : [required(child(p, 'reference'), 'must be a non-empty string')];
  }
  return [];
}

export interface VolumesResult {
  /** The valid volumes by name, for the containers' volumeMounts to refer to. */
  volumes: Map<string, Obj>;
  problems: FieldProblem[];
}

/** ValidateVolumes. `podName` is the Pod's own name (for ephemeral volumes' PVC names); empty for templates. */
export function validateVolumes(volumes: unknown, fldPath: string, podName = ''): VolumesResult {
  const problems: FieldProblem[] = [];
  const byName = new Map<string, Obj>();
  const createdPVCs = new Set<string>();
  if (podName)
    for (const v of objs(volumes)) if (obj(v.ephemeral)) createdPVCs.add(`${podName}-${str(v.name)}`);
  objs(volumes).forEach((vol, i) => {
    const idxPath = index(fldPath, i);
    const namePath = child(idxPath, 'name');
    const name = str(vol.name);
    const el: FieldProblem[] = [];
    let numVolumes = 0;
    for (const kind of SOURCE_ORDER) {
      const src = obj(vol[kind]);
      if (!src) continue;
      if (numVolumes > 0) {
        el.push(
          forbidden(
            child(idxPath, kind === 'downwardAPI' ? 'downwarAPI' : kind),
            'may not specify more than 1 volume type',
          ),
        );
        continue;
      }
      numVolumes++;
      el.push(...validateSource(kind, src, idxPath, name, podName));
    }
    if (numVolumes === 0) el.push(required(idxPath, 'must specify a volume type'));
    if (!name) el.push(required(namePath));
    else el.push(...validateDNS1123Label(name, namePath));
    if (byName.has(name)) el.push(duplicate(namePath, name));
    if (el.length === 0) byName.set(name, vol);
    else problems.push(...el);
    const pvc = obj(vol.persistentVolumeClaim);
    if (pvc && createdPVCs.has(str(pvc.claimName)))
      problems.push(
        invalid(
          child(idxPath, 'persistentVolumeClaim', 'claimName'),
          str(pvc.claimName),
          'must not reference a PVC that gets created for an ephemeral volume',
        ),
      );
  });
  return { volumes: byName, problems };
}
