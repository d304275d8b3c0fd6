import type { KubeObject } from '../../object.js';
import {
  formatLabels,
  formatLabelSelector,
  labelSelectorFromObject,
} from '../../selectors/label-selector.js';
import { DOC } from '../descriptions.js';
import { humanDuration, parseTime, since } from '../human-duration.js';
import {
  AGE_COLUMN,
  column,
  CONTAINERS_COLUMN,
  containerCells,
  IMAGES_COLUMN,
  int,
  NAME_COLUMN,
  obj,
  objs,
  str,
  strMap,
  selectorOf,
  type Obj,
  type Printer,
} from '../types.js';

/**
 * Printers for the workload controllers (pkg/printers/internalversion/printers.go):
 * Deployments, ReplicaSets, ReplicationControllers, StatefulSets, DaemonSets,
 * Jobs, CronJobs, ControllerRevisions and PodTemplates.
 */

const name = (o: KubeObject) => o.metadata?.name ?? '';
const age = (o: KubeObject, now: number) => since(o.metadata?.creationTimestamp, now);
/** Replica counts default to 1 (the API server's defaulting) when absent. */
const replicas = (spec: Obj) =>
  spec.replicas === undefined || spec.replicas === null ? 1 : int(spec.replicas);
const template = (spec: Obj) => obj(spec.template);
const podSpec = (spec: Obj) => obj(template(spec).spec);

const SELECTOR = (description: string) => column('Selector', 'string', description, { priority: 1 });

export const DEPLOYMENT_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', DOC['DeploymentStatus.updatedReplicas']),
    column('Available', 'string', DOC['DeploymentStatus.availableReplicas']),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR(DOC['DeploymentSpec.selector']),
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    const status = obj(o.status);
    let selector: string;
    try {
      selector = labelSelectorFromObject(selectorOf(spec.selector)).toString();
    } catch {
      selector = '<invalid>';
    }
    return {
      cells: [
        name(o),
        `${int(status.readyReplicas)}/${replicas(spec)}`,
        int(status.updatedReplicas),
        int(status.availableReplicas),
        age(o, now),
        ...containerCells(podSpec(spec)),
        selector,
      ],
    };
  },
};

/** ReplicaSets and ReplicationControllers share columns; only the selector type differs. */
function replicaPrinter(rc: boolean): Printer {
  const doc = rc
    ? {
        desired: DOC['ReplicationControllerSpec.replicas'],
        current: DOC['ReplicationControllerStatus.replicas'],
        ready: DOC['ReplicationControllerStatus.readyReplicas'],
        selector: DOC['ReplicationControllerSpec.selector'],
      }
    : {
        desired: DOC['ReplicaSetSpec.replicas'],
        current: DOC['ReplicaSetStatus.replicas'],
        ready: DOC['ReplicaSetStatus.readyReplicas'],
        selector: DOC['ReplicaSetSpec.selector'],
      };
  return {
    columns: [
      NAME_COLUMN,
      column('Desired', 'integer', doc.desired),
      column('Current', 'integer', doc.current),
      column('Ready', 'integer', doc.ready),
      AGE_COLUMN,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
      SELECTOR(doc.selector),
    ],
    print(o, { now }) {
      const spec = obj(o.spec);
      const status = obj(o.status);
      return {
        cells: [
          name(o),
          replicas(spec),
          int(status.replicas),
          int(status.readyReplicas),
          age(o, now),
          ...containerCells(podSpec(spec)),
          rc ? formatLabels(strMap(spec.selector)) : formatLabelSelector(selectorOf(spec.selector)),
        ],
      };
    },
  };
}

export const REPLICA_SET_PRINTER = replicaPrinter(false);
export const REPLICATION_CONTROLLER_PRINTER = replicaPrinter(true);

export const STATEFUL_SET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    return {
      cells: [
        name(o),
        `${int(obj(o.status).readyReplicas)}/${replicas(spec)}`,
        age(o, now),
        ...containerCells(podSpec(spec)),
      ],
    };
  },
};

export const DAEMON_SET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', DOC['DaemonSetStatus.desiredNumberScheduled']),
    column('Current', 'integer', DOC['DaemonSetStatus.currentNumberScheduled']),
    column('Ready', 'integer', DOC['DaemonSetStatus.numberReady']),
    column('Up-to-date', 'integer', DOC['DaemonSetStatus.updatedNumberScheduled']),
    column('Available', 'integer', DOC['DaemonSetStatus.numberAvailable']),
    column('Node Selector', 'string', DOC['PodSpec.nodeSelector']),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR(DOC['DaemonSetSpec.selector']),
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    const status = obj(o.status);
    return {
      cells: [
        name(o),
        int(status.desiredNumberScheduled),
        int(status.currentNumberScheduled),
        int(status.numberReady),
        int(status.updatedNumberScheduled),
        int(status.numberAvailable),
        formatLabels(strMap(podSpec(spec).nodeSelector)),
        age(o, now),
        ...containerCells(podSpec(spec)),
        formatLabelSelector(selectorOf(spec.selector)),
      ],
    };
  },
};

/** `hasJobCondition`: the first condition of the type decides. */
function jobCondition(status: Obj, type: string): boolean {
  return objs(status.conditions).find((c) => c.type === type)?.status === 'True';
}

function jobStatus(o: KubeObject, status: Obj): string {
  if (jobCondition(status, 'Complete')) return 'Complete';
  if (jobCondition(status, 'Failed')) return 'Failed';
  if (o.metadata?.deletionTimestamp != null) return 'Terminating';
  if (jobCondition(status, 'Suspended')) return 'Suspended';
  if (jobCondition(status, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export const JOB_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', DOC['JobStatus.succeeded']),
    column('Duration', 'string', 'Time required to complete the job.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR(DOC['JobSpec.selector']),
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    const status = obj(o.status);
    const succeeded = int(status.succeeded);
    let completions: string;
    if (spec.completions !== undefined && spec.completions !== null) {
      completions = `${succeeded}/${int(spec.completions)}`;
    } else {
      const parallelism = int(spec.parallelism);
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    const start = parseTime(status.startTime);
    const completion = parseTime(status.completionTime);
    let duration = '';
    if (start !== undefined) duration = humanDuration((completion ?? now) - start);
    return {
      cells: [
        name(o),
        jobStatus(o, status),
        completions,
        duration,
        age(o, now),
        ...containerCells(podSpec(spec)),
        formatLabelSelector(selectorOf(spec.selector)),
      ],
    };
  },
};

export const CRON_JOB_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Schedule', 'string', DOC['CronJobSpec.schedule']),
    column('Timezone', 'string', DOC['CronJobSpec.timeZone']),
    column('Suspend', 'boolean', DOC['CronJobSpec.suspend']),
    column('Active', 'integer', DOC['CronJobStatus.active']),
    column('Last Schedule', 'string', DOC['CronJobStatus.lastScheduleTime']),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR(DOC['JobSpec.selector']),
  ],
  print(o, { now }) {
    const spec = obj(o.spec);
    const status = obj(o.status);
    const jobSpec = obj(obj(spec.jobTemplate).spec);
    const suspend = typeof spec.suspend === 'boolean' ? (spec.suspend ? 'True' : 'False') : '<unset>';
    return {
      cells: [
        name(o),
        str(spec.schedule),
        typeof spec.timeZone === 'string' ? spec.timeZone : '<none>',
        suspend,
        objs(status.active).length,
        status.lastScheduleTime ? since(status.lastScheduleTime, now) : '<none>',
        age(o, now),
        ...containerCells(podSpec(jobSpec)),
        formatLabelSelector(selectorOf(jobSpec.selector)),
      ],
    };
  },
};

/** `formatResourceName(GroupKind, name, true)`: `statefulset.apps/web`. */
function controllerName(o: KubeObject): string {
  const ref = (o.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  if (!ref.kind && !group) return ref.name;
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

export const CONTROLLER_REVISION_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', DOC['ControllerRevision.revision']),
    AGE_COLUMN,
  ],
  print: (o, { now }) => ({ cells: [name(o), controllerName(o), int(o.revision), age(o, now)] }),
};

export const POD_TEMPLATE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Containers', 'string', 'Names of each container in the template.'),
    column('Images', 'string', 'Images referenced by each container in the template.'),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  print(o) {
    const tpl = obj(o.template);
    return { cells: [name(o), ...containerCells(tpl.spec), formatLabels(strMap(obj(tpl.metadata).labels))] };
  },
};
