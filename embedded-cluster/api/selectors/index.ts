/**
 * Label and field selectors as the Kubernetes API server parses, validates and
 * matches them. See label-selector.ts, field-selector.ts and selectable-fields.ts.
 */
export {
  LabelSelector,
  SelectorError,
  formatLabelSelector,
  formatLabels,
  labelSelectorFromObject,
  parseLabelSelector,
  selectorFromSet,
  validateLabelSelector,
  type LabelOperator,
  type LabelRequirement,
} from './label-selector.js';
export {
  FieldSelector,
  escapeFieldValue,
  parseFieldSelector,
  unescapeFieldValue,
  type FieldRequirement,
  type FieldSet,
} from './field-selector.js';
export {
  convertFieldSelector,
  crdSelectableFields,
  fieldSelectorFor,
  fieldsOf,
  selectableFieldName,
  type FieldSelectorOptions,
  type SelectableFieldSpec,
} from './selectable-fields.js';
export { labelValueErrors, qualifiedNameErrors, dns1123SubdomainErrors } from './label-validation.js';
