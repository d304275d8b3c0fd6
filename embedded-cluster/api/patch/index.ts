/**
 * Patching for the API server: JSON patch, JSON merge patch, strategic merge
 * patch, and server-side apply with managedFields. Each function takes the
 * decoded request body and returns a new object (inputs are never mutated) or
 * throws a `StatusError` worded as a v1.32 apiserver words it.
 */
export { applyJsonPatch, maxJsonPatchOperations, type FieldValidation } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch, type StrategicMergePatchOptions } from './strategic-merge-patch.js';
export { builtinPatchTypes, customResourcePatchTypes, unsupportedPatchType } from './patch-errors.js';
export {
  applyPatch,
  lastAppliedAnnotation,
  type ApplyOptions,
  type ApplyResult,
} from './server-side-apply.js';
export { updateManagedFields, type UpdateManagedFieldsOptions } from './update-managed-fields.js';
export {
  defaultFieldManager,
  fieldManagerMaxLength,
  fieldManagerProblems,
  managerOrUserAgent,
  resetFieldsFor,
  validatePatchOptions,
} from './field-manager.js';
export { fromFieldsV1, toFieldsV1 } from './fields-v1.js';
export { FieldSet, pathString, type Path, type PathElement } from './fieldpath.js';
export { conflictError, type Conflict, type ManagedFieldsEntry } from './managed-fields.js';
