import { isRecord, list, record, renameKey, setBefore, type JsonRecord } from '../objects.js';
import type { KindConverter } from './types.js';

/**
 * Ingress from `extensions/v1beta1` or `networking.k8s.io/v1beta1` to `networking.k8s.io/v1`,
 * per the guide's v1.22 notes: `spec.backend` → `spec.defaultBackend`; `serviceName` →
 * `service.name`; a numeric `servicePort` → `service.port.number`, a named one →
 * `service.port.name`; every path gets the now-required `pathType`, `ImplementationSpecific` (what
 * v1beta1 did when it was unset). The upstream conversion is
 * kubernetes/pkg/apis/networking/v1beta1/conversion.go.
 */
export const convertIngress: KindConverter = (object, _from, _to, notes) => {
  const spec = record(object.spec);
  if (!spec) return;
  if ('backend' in spec) {
    renameKey(spec, 'backend', 'defaultBackend', convertBackend(spec.backend, 'spec.backend', notes));
    notes.push('renamed spec.backend to spec.defaultBackend');
  }
  let pathTypes = 0;
  list(spec.rules).forEach((rule, r) => {
    list(record(record(rule)?.http)?.paths).forEach((path, p) => {
      if (!isRecord(path)) return;
      if ('backend' in path)
        path.backend = convertBackend(path.backend, `spec.rules[${r}].http.paths[${p}].backend`, notes);
      if (path.pathType === undefined) {
        if ('path' in path)
          setBefore(path, nextKeyAfter(path, 'path') ?? '', 'pathType', 'ImplementationSpecific');
        else setBefore(path, 'backend', 'pathType', 'ImplementationSpecific');
        pathTypes++;
      }
    });
  });
  if (pathTypes > 0) {
    notes.push(
      `set pathType: ImplementationSpecific on ${pathTypes} path${pathTypes === 1 ? '' : 's'} (required in networking.k8s.io/v1; Prefix or Exact are portable)`,
    );
  }
};

/** The key after `key` in `target`, to insert something right after `key`. */
function nextKeyAfter(target: JsonRecord, key: string): string | undefined {
  const keys = Object.keys(target);
  return keys[keys.indexOf(key) + 1];
}

/** A v1beta1 IngressBackend as a v1 one; a `resource` backend is the same in both. */
function convertBackend(value: unknown, where: string, notes: string[]): unknown {
  if (!isRecord(value) || !('serviceName' in value || 'servicePort' in value)) return value;
  const service: JsonRecord = {};
  if (value.serviceName !== undefined) service.name = value.serviceName;
  const port = value.servicePort;
  if (typeof port === 'number') service.port = { number: port };
  else if (typeof port === 'string' && /^\d+$/.test(port)) {
    // IntOrString from a quoted number: a v1 port name must contain a letter, so it can only
    // have meant the number.
    service.port = { number: Number(port) };
    notes.push(`${where}.servicePort "${port}" is a number written as a string: converted to port.number`);
  } else if (typeof port === 'string') service.port = { name: port };
  const converted: JsonRecord = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'serviceName' || k === 'servicePort') {
      if (!('service' in converted)) converted.service = service;
    } else converted[k] = v;
  }
  return converted;
}
