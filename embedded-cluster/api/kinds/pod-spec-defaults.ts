import { canonicalQuantity, ensureObj, isObj, obj, objs, str, type Obj } from '../validation/index.js';
import { defaultPullPolicy } from './image-reference.js';

/**
 * Defaulting of PodSpecs wherever they appear (Pods, PodTemplates and every
 * workload's template), after pkg/apis/core/v1/defaults.go and the generated
 * zz_generated.defaults.go of Kubernetes v1.32.
 */

/** SetDefaults_ResourceList: every quantity rounded up to milli precision and re-serialised canonically. */
export function defaultResourceList(list: unknown): void {
  if (!isObj(list)) return;
  for (const [k, v] of Object.entries(list)) list[k] = canonicalQuantity(v, { roundToMilli: true });
}

/** A quantity field outside a ResourceList: canonical form only. */
export function defaultQuantityField(o: Obj, key: string): void {
  if (o[key] !== undefined && o[key] !== null) o[key] = canonicalQuantity(o[key]);
}

function defaultHTTPGet(h: Obj): void {
  if (!str(h.path)) h.path = '/';
  if (!str(h.scheme)) h.scheme = 'HTTP';
}

function defaultProbe(p: Obj): void {
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  const http = obj(p.httpGet);
  if (http) defaultHTTPGet(http);
  const grpc = obj(p.grpc);
  if (grpc && grpc.service === undefined) grpc.service = '';
}

function defaultFieldRef(ref: unknown): void {
  const r = obj(ref);
  if (r && !str(r.apiVersion)) r.apiVersion = 'v1';
}

/** SetDefaults_Container plus everything generated under a container. */
export function defaultContainer(c: Obj): void {
  if (!str(c.imagePullPolicy)) c.imagePullPolicy = defaultPullPolicy(str(c.image));
  if (!str(c.terminationMessagePath)) c.terminationMessagePath = '/dev/termination-log';
  if (!str(c.terminationMessagePolicy)) c.terminationMessagePolicy = 'File';
  for (const p of objs(c.ports)) if (!str(p.protocol)) p.protocol = 'TCP';
  for (const e of objs(c.env)) {
    const from = obj(e.valueFrom);
    if (from) {
      defaultFieldRef(from.fieldRef);
      const rf = obj(from.resourceFieldRef);
      if (rf) defaultQuantityField(rf, 'divisor');
    }
  }
  // Go always serialises the (non-pointer) resources struct, so the API shows `resources: {}`.
  const resources = ensureObj(c, 'resources');
  defaultResourceList(resources.limits);
  defaultResourceList(resources.requests);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = obj(c[probe]);
    if (p) defaultProbe(p);
  }
  const lifecycle = obj(c.lifecycle);
  if (lifecycle) {
    for (const hook of ['postStart', 'preStop']) {
      const h = obj(lifecycle[hook]);
      const http = h && obj(h.httpGet);
      if (http) defaultHTTPGet(http);
    }
  }
}

function defaultDownwardAPIItems(items: unknown): void {
  for (const item of objs(items)) {
    defaultFieldRef(item.fieldRef);
    const rf = obj(item.resourceFieldRef);
    if (rf) defaultQuantityField(rf, 'divisor');
  }
}

/** Defaults of a PersistentVolumeClaimSpec (also inside ephemeral volumes and volumeClaimTemplates). */
export function defaultPVCSpec(spec: Obj): void {
  if (spec.volumeMode === undefined || spec.volumeMode === null) spec.volumeMode = 'Filesystem';
  const resources = obj(spec.resources);
  if (resources) {
    defaultResourceList(resources.limits);
    defaultResourceList(resources.requests);
  }
}

const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

/** SetDefaults_Volume and the volume sources' own defaults. */
export function defaultVolume(v: Obj): void {
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  const hostPath = obj(v.hostPath);
  if (hostPath && hostPath.type === undefined) hostPath.type = '';
  const emptyDir = obj(v.emptyDir);
  if (emptyDir) defaultQuantityField(emptyDir, 'sizeLimit');
  for (const src of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const s = obj(v[src]);
    if (s && s.defaultMode === undefined) s.defaultMode = 420;
  }
  const downward = obj(v.downwardAPI);
  if (downward) defaultDownwardAPIItems(downward.items);
  const projected = obj(v.projected);
  if (projected) {
    for (const source of objs(projected.sources)) {
      const d = obj(source.downwardAPI);
      if (d) defaultDownwardAPIItems(d.items);
      const token = obj(source.serviceAccountToken);
      if (token && token.expirationSeconds === undefined) token.expirationSeconds = 3600;
    }
  }
  const iscsi = obj(v.iscsi);
  if (iscsi && !str(iscsi.iscsiInterface)) iscsi.iscsiInterface = 'default';
  const rbd = obj(v.rbd);
  if (rbd) {
    if (!str(rbd.pool)) rbd.pool = 'rbd';
    if (!str(rbd.user)) rbd.user = 'admin';
    if (!str(rbd.keyring)) rbd.keyring = '/etc/ceph/keyring';
  }
  const azureDisk = obj(v.azureDisk);
  if (azureDisk) defaultAzureDisk(azureDisk);
  const scaleIO = obj(v.scaleIO);
  if (scaleIO) defaultScaleIO(scaleIO);
  const ephemeral = obj(v.ephemeral);
  const claimTemplate = ephemeral && obj(ephemeral.volumeClaimTemplate);
  const claimSpec = claimTemplate && obj(claimTemplate.spec);
  if (claimSpec) defaultPVCSpec(claimSpec);
  const image = obj(v.image);
  if (image && !str(image.pullPolicy)) image.pullPolicy = defaultPullPolicy(str(image.reference));
}

export function defaultAzureDisk(a: Obj): void {
  if (a.cachingMode === undefined) a.cachingMode = 'ReadWrite';
  if (a.kind === undefined) a.kind = 'Shared';
  if (a.fsType === undefined) a.fsType = 'ext4';
  if (a.readOnly === undefined) a.readOnly = false;
}

export function defaultScaleIO(s: Obj): void {
  if (!str(s.storageMode)) s.storageMode = 'ThinProvisioned';
  if (!str(s.fsType)) s.fsType = 'xfs';
}

/** SetDefaults_PodSpec and the generated defaults of everything inside a PodSpec. */
export function defaultPodSpec(spec: Obj): void {
  if (!str(spec.dnsPolicy)) spec.dnsPolicy = 'ClusterFirst';
  if (!str(spec.restartPolicy)) spec.restartPolicy = 'Always';
  if (spec.securityContext === undefined || spec.securityContext === null) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null)
    spec.terminationGracePeriodSeconds = 30;
  if (!str(spec.schedulerName)) spec.schedulerName = 'default-scheduler';
  // The v1 conversion: the deprecated `serviceAccount` stands in for an empty `serviceAccountName`,
  // and always reads back as its twin.
  if (!str(spec.serviceAccountName) && str(spec.serviceAccount))
    spec.serviceAccountName = spec.serviceAccount;
  if (str(spec.serviceAccountName)) spec.serviceAccount = spec.serviceAccountName;
  for (const v of objs(spec.volumes)) defaultVolume(v);
  for (const c of objs(spec.initContainers)) defaultContainer(c);
  for (const c of objs(spec.containers)) defaultContainer(c);
  for (const c of objs(spec.ephemeralContainers)) defaultContainer(c);
  defaultResourceList(spec.overhead);
}

/** A PodTemplateSpec as it appears in workloads: only its spec is defaulted. */
export function defaultPodTemplateSpec(template: unknown): void {
  const t = obj(template);
  if (!t) return;
  defaultPodSpec(ensureObj(t, 'spec'));
}

/** SetDefaults_Pod: what only a real Pod gets (requests from limits, service links, host-network ports). */
export function defaultPodOnly(pod: Obj): void {
  const spec = ensureObj(pod, 'spec');
  for (const c of [...objs(spec.containers), ...objs(spec.initContainers)]) {
    const resources = obj(c.resources);
    const limits = resources && obj(resources.limits);
    if (resources && limits) {
      const requests = ensureObj(resources, 'requests');
      for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
    }
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null)
    spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const c of [...objs(spec.containers), ...objs(spec.initContainers)])
      for (const p of objs(c.ports)) if (!p.hostPort) p.hostPort = p.containerPort;
  }
}

/** The full defaulting of a Pod: SetDefaults_Pod, then SetDefaults_PodSpec and everything generated. */
export function defaultPod(pod: Obj): void {
  defaultPodOnly(pod);
  defaultPodSpec(ensureObj(pod, 'spec'));
}
