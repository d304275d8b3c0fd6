import { isRecord, record, type JsonRecord } from '../objects.js';
import type { KindConverter } from './types.js';

/**
 * HorizontalPodAutoscaler from `autoscaling/v2beta1` or `v2beta2` to `autoscaling/v2`. v2beta2
 * has v2's shape; v2beta1 wrote each metric's target inline (`targetAverageUtilization`,
 * `targetAverageValue`, `targetValue`, `metricName`), which v2 groups into `metric` and `target`
 * objects, as kubernetes/pkg/apis/autoscaling/v2beta1/conversion.go converts them.
 */
export const convertHpa: KindConverter = (object, from, _to, notes) => {
  if (from !== 'autoscaling/v2beta1') return;
  const spec = record(object.spec);
  if (!spec || !Array.isArray(spec.metrics)) return;
  spec.metrics = spec.metrics.map((metric) => (isRecord(metric) ? convertMetric(metric) : metric));
  notes.push('rewrote spec.metrics targets in the autoscaling/v2 shape (metric + target)');
};

function convertMetric(metric: JsonRecord): JsonRecord {
  const out: JsonRecord = { ...metric };
  const resource = record(metric.resource);
  if (resource) out.resource = { name: resource.name, target: averageTarget(resource) };
  const container = record(metric.containerResource);
  if (container) {
    out.containerResource = {
      name: container.name,
      container: container.container,
      target: averageTarget(container),
    };
  }
  const pods = record(metric.pods);
  if (pods) {
    out.pods = {
      metric: named(pods.metricName, pods.selector),
      target: { type: 'AverageValue', averageValue: pods.targetAverageValue },
    };
  }
  const object = record(metric.object);
  if (object) {
    out.object = {
      describedObject: object.target,
      metric: named(object.metricName, object.selector),
      target:
        object.averageValue !== undefined
          ? { type: 'AverageValue', averageValue: object.averageValue }
          : { type: 'Value', value: object.targetValue },
    };
  }
  const external = record(metric.external);
  if (external) {
    out.external = {
      metric: named(external.metricName, external.metricSelector),
      target:
        external.targetAverageValue !== undefined
          ? { type: 'AverageValue', averageValue: external.targetAverageValue }
          : { type: 'Value', value: external.targetValue },
    };
  }
  return out;
}

function averageTarget(source: JsonRecord): JsonRecord {
  return source.targetAverageUtilization !== undefined
    ? { type: 'Utilization', averageUtilization: source.targetAverageUtilization }
    : { type: 'AverageValue', averageValue: source.targetAverageValue };
}

function named(name: unknown, selector: unknown): JsonRecord {
  return selector === undefined ? { name } : { name, selector };
}
