import type { JsonRecord } from '../objects.js';

/**
 * One kind's conversion: edits `object` (a clone of the manifest, `apiVersion` already set to
 * `to`) into the shape `to` requires, and says in `notes` what it changed or could not decide.
 */
export type KindConverter = (object: JsonRecord, from: string, to: string, notes: string[]) => void;
