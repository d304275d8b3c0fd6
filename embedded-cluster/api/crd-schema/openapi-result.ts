import { goQuote } from '../validation/index.js';

/**
 * The results kube-openapi's validator builds (pkg/validation/validate/result.go)
 * and the errors it fills them with, worded as pkg/validation/errors words them
 * for a request body (`<name> in body …`).
 */

/** Error codes of kube-openapi's `errors.Validation`, plus `composite` for the plain errors of `anyOf`/`oneOf`/`allOf`/`not`. */
export type OpenAPICode =
  | 'type'
  | 'required'
  | 'tooLong'
  | 'tooShort'
  | 'pattern'
  | 'enum'
  | 'multipleOf'
  | 'multipleOfMustBePositive'
  | 'max'
  | 'min'
  | 'unique'
  | 'maxItems'
  | 'minItems'
  | 'tooFewProperties'
  | 'tooManyProperties'
  | 'unallowedProperty'
  | 'composite';

export interface OpenAPIError {
  code: OpenAPICode;
  /** The kube-openapi path of the value: `spec.ports[0].port`; `''` at the root. */
  name: string;
  message: string;
  value?: unknown;
  /** The enum, for `enum`. */
  values?: unknown[];
  /** The limit, for `tooLong`, `maxItems`, `tooManyProperties`. */
  valid?: number;
}

/** `validate.Result`: errors (each message once) and the match count `anyOf`/`oneOf` rank branches by. */
export class Result {
  errors: OpenAPIError[] = [];
  matchCount = 0;

  addErrors(...errs: OpenAPIError[]): void {
    for (const e of errs) if (!this.errors.some((x) => x.message === e.message)) this.errors.push(e);
  }

  merge(...others: (Result | undefined)[]): this {
    for (const o of others) {
      if (!o) continue;
      this.addErrors(...o.errors);
      this.matchCount += o.matchCount;
    }
    return this;
  }

  inc(): void {
    this.matchCount++;
  }

  get valid(): boolean {
    return this.errors.length === 0;
  }
}

export const IN = 'body';

export function sErr(e: OpenAPIError): Result {
  const r = new Result();
  r.errors.push(e);
  return r;
}

export function err(
  code: OpenAPICode,
  name: string,
  message: string,
  extra: Partial<OpenAPIError> = {},
): OpenAPIError {
  return { code, name, message, ...extra };
}

/** `errors.InvalidType`: `<name> in body must be of type <type>: "<got>"`. */
export function invalidType(name: string, typeName: string, got: string): OpenAPIError {
  return err('type', name, `${name} in ${IN} must be of type ${typeName}: ${goQuote(got)}`, { value: got });
}

export function composite(message: string): OpenAPIError {
  return err('composite', '', message);
}
