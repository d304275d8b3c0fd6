import type { FieldProblem } from '../catalog.js';
import {
  arr,
  child,
  deepEqual,
  ensureObj,
  forbidden,
  GoSyntax,
  invalid,
  key,
  nameIsDNSSubdomain,
  notSupported,
  obj,
  required,
  str,
  tryParseQuantity,
  compareQuantities,
  validateLabelSelector,
  validateImmutable,
  type Obj,
} from '../validation/index.js';
import { defineKind } from './common.js';
import {
  defaultAzureDisk,
  defaultPVCSpec,
  defaultResourceList,
  defaultScaleIO,
} from './pod-spec-defaults.js';
import {
  validateBasicResource,
  validatePositiveQuantity,
  validateResourceQuantityValue,
} from './resources.js';
import { validateHostPath } from './volume-validation.js';
import { validateNodeSelector } from './pod-spec-validation.js';

/** PersistentVolumes and PersistentVolumeClaims (core/v1). */

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const VOLUME_MODES = ['Block', 'Filesystem'];

function validateAccessModes(modes: unknown, fldPath: string, requiredDetail: string): FieldProblem[] {
  const list = arr(modes).map(str);
  const out: FieldProblem[] = [];
  if (list.length === 0) out.push(required(fldPath, requiredDetail));
  let rwop = false;
  let other = false;
  for (const m of list) {
    if (!ACCESS_MODES.includes(m)) out.push(notSupported(fldPath, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) out.push(forbidden(fldPath, 'may not use ReadWriteOncePod with other access modes'));
  return out;
}

const PV_SOURCES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'glusterfs',
  'flocker',
  'nfs',
  'rbd',
  'quobyte',
  'cephfs',
  'iscsi',
  'cinder',
  'fc',
  'flexVolume',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'scaleIO',
  'local',
  'storageos',
  'csi',
];

function defaultPV(pv: Obj): void {
  const spec = ensureObj(pv, 'spec');
  const status = ensureObj(pv, 'status');
  if (!str(status.phase)) status.phase = 'Pending';
  if (!str(spec.persistentVolumeReclaimPolicy)) spec.persistentVolumeReclaimPolicy = 'Retain';
  if (spec.volumeMode == null) spec.volumeMode = 'Filesystem';
  defaultResourceList(spec.capacity);
  const hostPath = obj(spec.hostPath);
  if (hostPath && hostPath.type === undefined) hostPath.type = '';
  const rbd = obj(spec.rbd);
  if (rbd) {
    if (!str(rbd.pool)) rbd.pool = 'rbd';
    if (!str(rbd.user)) rbd.user = 'admin';
    if (!str(rbd.keyring)) rbd.keyring = '/etc/ceph/keyring';
  }
  const iscsi = obj(spec.iscsi);
  if (iscsi && !str(iscsi.iscsiInterface)) iscsi.iscsiInterface = 'default';
  const azureDisk = obj(spec.azureDisk);
  if (azureDisk) defaultAzureDisk(azureDisk);
  const scaleIO = obj(spec.scaleIO);
  if (scaleIO) defaultScaleIO(scaleIO);
}

function validatePVSource(kind: string, src: Obj, fldPath: string): FieldProblem[] {
  const need = (fields: string[], path = child(fldPath, kind)) =>
    fields
      .filter((f) => (Array.isArray(src[f]) ? src[f].length === 0 : !str(src[f])))
      .map((f) => required(child(path, f)));
  switch (kind) {
    case 'hostPath':
      return validateHostPath(src, child(fldPath, 'hostPath'));
    case 'gcePersistentDisk':
      return need(['pdName'], child(fldPath, 'persistentDisk'));
    case 'awsElasticBlockStore':
      return need(['volumeID']);
    case 'nfs': {
      const out = need(['server', 'path']);
      if (!str(src.path).startsWith('/'))
        out.push(invalid(child(fldPath, 'nfs', 'path'), str(src.path), 'must be an absolute path'));
      return out;
    }
    case 'local':
      return str(src.path) ? [] : [required(child(fldPath, 'local', 'path'))];
    case 'csi': {
      const out: FieldProblem[] = [];
      if (!str(src.driver)) out.push(required(child(fldPath, 'csi', 'driver')));
      if (!str(src.volumeHandle)) out.push(required(child(fldPath, 'csi', 'volumeHandle')));
      return out;
    }
    case 'glusterfs':
      return need(['endpoints', 'path']);
    case 'rbd':
      return need(['monitors', 'image']);
    case 'cephfs':
      return need(['monitors'], child(fldPath, 'cephfs'));
    case 'iscsi':
      return need(['targetPortal', 'iqn']);
    case 'flexVolume':
      return need(['driver']);
    default:
      return [];
  }
}

function validatePV(pv: Obj): FieldProblem[] {
  const spec = obj(pv.spec) ?? {};
  const out: FieldProblem[] = [];
  out.push(...validateAccessModes(spec.accessModes, 'spec.accessModes', ''));
  const capacity = obj(spec.capacity) ?? {};
  if (Object.keys(capacity).length === 0) out.push(required('spec.capacity'));
  if (!('storage' in capacity) || Object.keys(capacity).length > 1)
    out.push(notSupported('spec.capacity', new GoSyntax(goResourceList(capacity)), ['storage']));
  for (const [r, q] of Object.entries(capacity)) {
    out.push(...validateBasicResource(q, key('spec.capacity', r)));
    out.push(...validatePositiveQuantity(q, key('spec.capacity', r)));
  }
  const reclaim = str(spec.persistentVolumeReclaimPolicy);
  if (reclaim && !RECLAIM_POLICIES.includes(reclaim))
    out.push(notSupported('spec.persistentVolumeReclaimPolicy', reclaim, RECLAIM_POLICIES));
  let nodeAffinitySet = false;
  const na = obj(spec.nodeAffinity);
  if (na) {
    nodeAffinitySet = true;
    const req = obj(na.required);
    if (req) out.push(...validateNodeSelector(req, 'spec.nodeAffinity.required'));
    else out.push(required('spec.nodeAffinity.required', 'must specify required node constraints'));
  }
  let numVolumes = 0;
  for (const kind of PV_SOURCES) {
    const src = obj(spec[kind]);
    if (!src) continue;
    if (numVolumes > 0 && kind !== 'flexVolume') {
      out.push(forbidden(child('spec', kind), 'may not specify more than 1 volume type'));
      continue;
    }
    numVolumes++;
    out.push(...validatePVSource(kind, src, 'spec'));
    if (kind === 'local' && !nodeAffinitySet)
      out.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (numVolumes === 0) out.push(required('spec', 'must specify a volume type'));
  const hostPath = obj(spec.hostPath);
  if (hostPath && normalizePath(str(hostPath.path)) === '/' && reclaim === 'Recycle')
    out.push(
      forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"),
    );
  const sc = str(spec.storageClassName);
  if (sc) for (const m of nameIsDNSSubdomain(sc, false)) out.push(invalid('spec.storageClassName', sc, m));
  if (spec.volumeMode != null && !VOLUME_MODES.includes(str(spec.volumeMode)))
    out.push(notSupported('spec.volumeMode', str(spec.volumeMode), VOLUME_MODES));
  return out;
}

function normalizePath(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return p.startsWith('/') ? '/' + parts.join('/') : parts.join('/') || '.';
}

function goResourceList(list: Obj): string {
  const entries = Object.keys(list).sort();
  return `core.ResourceList{${entries.map((k) => `${JSON.stringify(k)}:resource.Quantity{…}`).join(', ')}}`;
}

const PV_SOURCE_FIELDS = PV_SOURCES;

function validatePVUpdate(pv: Obj, old: Obj): FieldProblem[] {
  const spec = obj(pv.spec) ?? {};
  const oldSpec = obj(old.spec) ?? {};
  const out: FieldProblem[] = [];
  const src = (s: Obj) =>
    Object.fromEntries(PV_SOURCE_FIELDS.filter((k) => s[k] != null).map((k) => [k, s[k]]));
  const newSrc = src(spec);
  const oldSrc = src(oldSpec);
  const csi = obj(newSrc.csi);
  const oldCsi = obj(oldSrc.csi);
  if (csi && oldCsi && oldCsi.controllerExpandSecretRef == null && csi.controllerExpandSecretRef != null) {
    newSrc.csi = { ...csi };
    delete (newSrc.csi as Obj).controllerExpandSecretRef;
  }
  if (!deepEqual(newSrc, oldSrc))
    out.push(
      forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'),
    );
  out.push(...validateImmutable(spec.volumeMode ?? null, oldSpec.volumeMode ?? null, 'volumeMode'));
  if (oldSpec.nodeAffinity != null && !deepEqual(spec.nodeAffinity, oldSpec.nodeAffinity))
    out.push(
      invalid(
        'nodeAffinity',
        new GoSyntax('&core.VolumeNodeAffinity{…}'),
        'field is immutable, except for updating from beta label to GA',
      ),
    );
  return out;
}

export const persistentVolumeStrategy = defineKind({
  namespaced: false,
  nameFn: nameIsDNSSubdomain,
  hasStatus: true,
  initialStatus: () => ({
    phase: 'Pending',
    lastPhaseTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }),
  default: defaultPV,
  validate: validatePV,
  validateUpdate: validatePVUpdate,
});

// PersistentVolumeClaims ------------------------------------------------------

function defaultPVC(pvc: Obj): void {
  const status = ensureObj(pvc, 'status');
  if (!str(status.phase)) status.phase = 'Pending';
  const spec = ensureObj(pvc, 'spec');
  defaultPVCSpec(spec);
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatedResources);
}

/** ValidatePersistentVolumeClaimSpec (also used by StatefulSet claim templates and ephemeral volumes). */
export function validatePVCSpec(spec: Obj, fldPath: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (arr(spec.accessModes).length === 0)
    out.push(required(child(fldPath, 'accessModes'), 'at least 1 access mode is required'));
  if (spec.selector != null) out.push(...validateLabelSelector(spec.selector, child(fldPath, 'selector')));
  if (arr(spec.accessModes).length)
    out.push(...validateAccessModes(spec.accessModes, child(fldPath, 'accessModes'), ''));
  const requests = obj(obj(spec.resources)?.requests) ?? {};
  const storagePath = key(child(fldPath, 'resources'), 'storage');
  if (!('storage' in requests)) out.push(required(storagePath));
  else {
    const errs = validatePositiveQuantity(requests.storage, storagePath);
    out.push(
      ...(errs.length ? errs : validateResourceQuantityValue('storage', requests.storage, storagePath)),
    );
  }
  if (typeof spec.storageClassName === 'string' && spec.storageClassName)
    for (const m of nameIsDNSSubdomain(spec.storageClassName, false))
      out.push(invalid(child(fldPath, 'storageClassName'), spec.storageClassName, m));
  if (spec.volumeMode != null && !VOLUME_MODES.includes(str(spec.volumeMode)))
    out.push(notSupported(child(fldPath, 'volumeMode'), str(spec.volumeMode), VOLUME_MODES));
  for (const ds of ['dataSource', 'dataSourceRef']) {
    const ref = obj(spec[ds]);
    if (!ref) continue;
    const p = child(fldPath, ds);
    if (!str(ref.name)) out.push(required(child(p, 'name')));
    if (!str(ref.kind)) out.push(required(child(p, 'kind')));
    if (!str(ref.apiGroup) && str(ref.kind) !== 'PersistentVolumeClaim')
      out.push(
        invalid(p, str(ref.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"),
      );
  }
  return out;
}

function validatePVCUpdate(pvc: Obj, old: Obj): FieldProblem[] {
  const spec = structuredClone(obj(pvc.spec) ?? {});
  const oldSpec = structuredClone(obj(old.spec) ?? {});
  const out: FieldProblem[] = [];
  if (!str(oldSpec.volumeName)) oldSpec.volumeName = spec.volumeName;
  if (oldSpec.storageClassName == null && spec.storageClassName != null) {
    const ann = obj(obj(old.metadata)?.annotations) ?? {};
    const beta = ann['volume.beta.kubernetes.io/storage-class'];
    if (beta === undefined || beta === spec.storageClassName)
      spec.storageClassName = oldSpec.storageClassName;
  }
  const bound = str(obj(pvc.status)?.phase) === 'Bound';
  const reqs = obj(obj(spec.resources)?.requests);
  if (bound && reqs) reqs.storage = obj(obj(oldSpec.resources)?.requests)?.storage;
  if (bound && spec.volumeAttributesClassName != null)
    spec.volumeAttributesClassName = oldSpec.volumeAttributesClassName;
  if (!deepEqual(spec, oldSpec))
    out.push(
      forbidden(
        'spec',
        'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      ),
    );
  const newSize = tryParseQuantity(obj(obj(obj(pvc.spec)?.resources)?.requests)?.storage);
  const oldSize = tryParseQuantity(obj(obj(obj(old.spec)?.resources)?.requests)?.storage);
  if (newSize && oldSize && compareQuantities(newSize, oldSize) < 0)
    out.push(forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  out.push(
    ...validateImmutable(obj(pvc.spec)?.volumeMode ?? null, obj(old.spec)?.volumeMode ?? null, 'volumeMode'),
  );
  return out;
}

export const persistentVolumeClaimStrategy = defineKind({
  namespaced: true,
  nameFn: nameIsDNSSubdomain,
  hasStatus: true,
  initialStatus: () => ({ phase: 'Pending' }),
  default: defaultPVC,
  validate: (pvc) => validatePVCSpec(obj(pvc.spec) ?? {}, 'spec'),
  validateUpdate: validatePVCUpdate,
});
