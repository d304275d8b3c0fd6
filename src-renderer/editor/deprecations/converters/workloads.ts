import { isRecord, nonEmpty, record, setBefore, type JsonRecord } from '../objects.js';
import type { KindConverter } from './types.js';

/**
 * Deployment, DaemonSet, ReplicaSet and StatefulSet from `extensions/v1beta1`, `apps/v1beta1`
 * and `apps/v1beta2` to `apps/v1`, per the migration guide's v1.16 notes.
 *
 * - `spec.selector` is required in apps/v1; the old versions defaulted it from the template's
 *   labels, so that is what it becomes ("use the existing template labels as the selector").
 * - `spec.rollbackTo` (Deployment) and `spec.templateGeneration` (DaemonSet) no longer exist.
 * - Defaults that changed meaning: the conversion keeps the manifest's *rollout behaviour*, as
 *   the API server does for objects created through the old version (their stored defaults
 *   survive the upgrade). So where the old version would have defaulted the update strategy
 *   differently, the old value is written out: `OnDelete` for an `extensions/v1beta1` DaemonSet
 *   and an `apps/v1beta1` StatefulSet, `maxSurge: 1` / `maxUnavailable: 1` for an
 *   `extensions/v1beta1` Deployment. Bookkeeping defaults (`revisionHistoryLimit`,
 *   `progressDeadlineSeconds`) take apps/v1's values; a note says so, since writing out "keep
 *   every revision" or "no deadline" as 2147483647 helps nobody.
 *
 * Old defaults: kubernetes/pkg/apis/extensions/v1beta1/defaults.go and
 * pkg/apis/apps/v1beta1/defaults.go (both removed with the versions, in the v1.15 tree).
 */
export const convertWorkload: KindConverter = (object, from, _to, notes) => {
  const spec = record(object.spec);
  if (!spec) return;
  const kind = String(object.kind);
  const legacyExtensions = from === 'extensions/v1beta1';

  if ('rollbackTo' in spec) {
    delete spec.rollbackTo;
    notes.push('removed spec.rollbackTo: apps/v1 has no rollback field; use `kubectl rollout undo`');
  }
  if ('templateGeneration' in spec) {
    delete spec.templateGeneration;
    notes.push('removed spec.templateGeneration: apps/v1 DaemonSets track revisions themselves');
  }

  if (!nonEmpty(spec.selector)) addSelector(spec, notes);

  if (kind === 'Deployment') deploymentDefaults(spec, from, notes);
  if ((kind === 'DaemonSet' && legacyExtensions) || (kind === 'StatefulSet' && from === 'apps/v1beta1')) {
    const strategy = record(spec.updateStrategy);
    if (!strategy || (!strategy.type && !strategy.rollingUpdate)) {
      setBefore(spec, 'template', 'updateStrategy', { ...strategy, type: 'OnDelete' });
      notes.push(
        `set spec.updateStrategy.type: OnDelete, the ${from} default (apps/v1 defaults to RollingUpdate, which would replace pods on every template change)`,
      );
    }
  }
};

/** `spec.selector.matchLabels` from `spec.template.metadata.labels`, as the old versions defaulted it. */
function addSelector(spec: JsonRecord, notes: string[]): void {
  const labels = record(record(record(spec.template)?.metadata)?.labels);
  if (!nonEmpty(labels)) {
    notes.push(
      'spec.selector is required in apps/v1 and the template has no labels to take it from: add both',
    );
    return;
  }
  setBefore(spec, 'template', 'selector', { matchLabels: { ...labels } });
  notes.push('added spec.selector.matchLabels from the template labels (required in apps/v1)');
}

function deploymentDefaults(spec: JsonRecord, from: string, notes: string[]): void {
  if (from === 'extensions/v1beta1') {
    const strategy = record(spec.strategy) ?? {};
    const type = strategy.type ?? 'RollingUpdate';
    if (type === 'RollingUpdate') {
      const rolling = isRecord(strategy.rollingUpdate) ? { ...strategy.rollingUpdate } : {};
      const missing = ['maxSurge', 'maxUnavailable'].filter((k) => rolling[k] === undefined);
      if (missing.length > 0) {
        for (const k of missing) rolling[k] = 1;
        setBefore(spec, 'template', 'strategy', { ...strategy, type, rollingUpdate: rolling });
        notes.push(
          `set spec.strategy.rollingUpdate ${missing.map((k) => `${k}: 1`).join(', ')}, the extensions/v1beta1 default (apps/v1 defaults to 25%)`,
        );
      }
    }
  }
  if (spec.revisionHistoryLimit === undefined && from !== 'apps/v1beta2') {
    const old = from === 'apps/v1beta1' ? '2' : 'every revision';
    notes.push(`spec.revisionHistoryLimit now defaults to 10 (${from} kept ${old})`);
  }
  if (spec.progressDeadlineSeconds === undefined && from === 'extensions/v1beta1') {
    notes.push('spec.progressDeadlineSeconds now defaults to 600 (extensions/v1beta1 had no deadline)');
  }
}
