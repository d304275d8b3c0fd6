/**
 * The deprecated-API fixer: finds manifests whose `apiVersion` Kubernetes deprecated or removed
 * (for editor markers) and converts them to the current version, adding what it requires.
 */
export { convertDocument, type Conversion, type ConvertOptions } from './convert-document.js';
export {
  convertText,
  type ConvertTextOptions,
  type DocumentConversion,
  type TextConversion,
} from './convert-text.js';
export {
  DEPRECATED_APIS,
  deprecatedApi,
  deprecationMessage,
  deprecationOf,
  type DeprecatedApi,
  type Deprecation,
  type Severity,
} from './deprecated-apis.js';
export { findDeprecations, type DeprecationFinding, type FindOptions } from './find-deprecations.js';
export { DEFAULT_SERVER_VERSION } from './kube-version.js';
export type { TextRange } from './text-range.js';
export { YAML_OPTIONS } from './yaml-options.js';
