import type { KubeObject } from '../../object.js';
import { DOC } from '../descriptions.js';
import { humanDuration, parseTime, since } from '../human-duration.js';
import {
  AGE_COLUMN,
  column,
  int,
  NAME_COLUMN,
  obj,
  objs,
  str,
  type Obj,
  type PrintContext,
  type PrintedRow,
  type Printer,
  type TableRowCondition,
} from '../types.js';

/**
 * The pod printer: READY, STATUS, RESTARTS and AGE exactly as `printPod` in
 * pkg/printers/internalversion/printers.go computes them (init containers,
 * sidecars, waiting and terminated reasons, `Terminating`, `Completed`,
 * `5 (3m ago)`), plus the wide IP / NODE / NOMINATED NODE / READINESS GATES.
 */

const COMPLETED_SUCCEEDED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const COMPLETED_FAILED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

const isRestartable = (container: Obj | undefined) => container?.restartPolicy === 'Always';

function conditionTrue(status: Obj, type: string): boolean {
  return objs(status.conditions).some((c) => c.type === type && c.status === 'True');
}

/** `isPodInitializedConditionTrue`: the first Initialized condition decides. */
function initializedTrue(status: Obj): boolean {
  const c = objs(status.conditions).find((cond) => cond.type === 'Initialized');
  return c?.status === 'True';
}

/** The later of `current` and the finish time of a container's last termination. */
function laterTermination(current: number | undefined, containerStatus: Obj): number | undefined {
  const finished = parseTime(obj(obj(containerStatus.lastState).terminated).finishedAt);
  if (finished === undefined) return current;
  return current === undefined || current < finished ? finished : current;
}

export function printPod(pod: KubeObject, ctx: PrintContext): PrintedRow {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  if (objs(status.conditions).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  const initContainers = objs(spec.initContainers);
  const initSpecs = new Map(initContainers.map((c) => [str(c.name), c]));
  let totalContainers = objs(spec.containers).length;
  for (const c of initContainers) if (isRestartable(c)) totalContainers++;

  let restarts = 0;
  let restartableRestarts = 0;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableRestart: number | undefined;

  const initStatuses = objs(status.initContainerStatuses);
  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const restartable = isRestartable(initSpecs.get(str(cs.name)));
    restarts += int(cs.restartCount);
    lastRestart = laterTermination(lastRestart, cs);
    if (restartable) {
      restartableRestarts += int(cs.restartCount);
      lastRestartableRestart = laterTermination(lastRestartableRestart, cs);
    }
    const state = obj(cs.state);
    const terminated = state.terminated ? obj(state.terminated) : undefined;
    const waiting = state.waiting ? obj(state.waiting) : undefined;
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      const why = str(terminated.reason);
      if (why) reason = `Init:${why}`;
      else if (int(terminated.signal) !== 0) reason = `Init:Signal:${int(terminated.signal)}`;
      else reason = `Init:ExitCode:${int(terminated.exitCode)}`;
    } else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || initializedTrue(status)) {
    restarts = restartableRestarts;
    lastRestart = lastRestartableRestart;
    let hasRunning = false;
    const statuses = objs(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += int(cs.restartCount);
      lastRestart = laterTermination(lastRestart, cs);
      const state = obj(cs.state);
      const waiting = state.waiting ? obj(state.waiting) : undefined;
      const terminated = state.terminated ? obj(state.terminated) : undefined;
      if (waiting && str(waiting.reason) !== '') {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason) !== '') {
        reason = str(terminated.reason);
      } else if (terminated) {
        reason =
          int(terminated.signal) !== 0
            ? `Signal:${int(terminated.signal)}`
            : `ExitCode:${int(terminated.exitCode)}`;
      } else if (cs.ready === true && state.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container completed but another still runs is Running (or NotReady).
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const deleting = pod.metadata?.deletionTimestamp != null;
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') reason = 'Terminating';

  const restartsCell =
    restarts !== 0 && lastRestart !== undefined
      ? `${restarts} (${humanDuration(ctx.now - lastRestart)} ago)`
      : String(restarts);

  const podIPs = objs(status.podIPs);
  const podIP = (podIPs.length ? str(podIPs[0]!.ip) : str(status.podIP)) || '<none>';
  const gates = objs(spec.readinessGates);
  let readinessGates = '<none>';
  if (gates.length) {
    const conditions = objs(status.conditions);
    const passed = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True');
    readinessGates = `${passed.length}/${gates.length}`;
  }

  const row: PrintedRow = {
    cells: [
      pod.metadata?.name ?? '',
      `${readyContainers}/${totalContainers}`,
      reason,
      restartsCell,
      since(pod.metadata?.creationTimestamp, ctx.now),
      podIP,
      str(spec.nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      readinessGates,
    ],
  };
  if (phase === 'Succeeded') row.conditions = COMPLETED_SUCCEEDED;
  else if (phase === 'Failed') row.conditions = COMPLETED_FAILED;
  return row;
}

export const POD_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COLUMN,
    column('IP', 'string', DOC['PodStatus.podIP'], { priority: 1 }),
    column('Node', 'string', DOC['PodSpec.nodeName'], { priority: 1 }),
    column('Nominated Node', 'string', DOC['PodStatus.nominatedNodeName'], { priority: 1 }),
    column('Readiness Gates', 'string', DOC['PodSpec.readinessGates'], { priority: 1 }),
  ],
  print: printPod,
};
