/**
 * The messages of gnostic's `openapi_v2` protobuf (github.com/google/gnostic, `openapiv2/OpenAPIv2.proto`)
 * as `openapi-v2-protobuf.ts` encodes them: for each message, which JSON keys of an OpenAPI v2
 * object become which field numbers, and for gnostic's `oneof` wrappers which member a JSON value
 * becomes (as `openapi_v2.ParseDocument`, generated in `openapiv2/OpenAPIv2.go`, decides).
 *
 * The field numbers are wire-format facts, checked against the `openapiv2/OpenAPIv2.proto` file
 * descriptor compiled into kubectl 1.27 and 1.33 (identical; unchanged in gnostic since 2017).
 */

/**
 * How a field's value is written; `T[]` is a repeated field. `Any` is gnostic's
 * `Any { value = 1 (google.protobuf.Any, never set), yaml = 2 }`, written by the encoder.
 */
export type Scalar = 'string' | 'bool' | 'int64' | 'double' | 'string[]' | 'Any' | 'Any[]';
export type Kind = Scalar | MessageName | `${MessageName}[]`;

export type MessageName =
  | 'Document'
  | 'Info'
  | 'Contact'
  | 'License'
  | 'ExternalDocs'
  | 'Tag'
  | 'Paths'
  | 'PathItem'
  | 'Operation'
  | 'ParametersItem'
  | 'Parameter'
  | 'NonBodyParameter'
  | 'JsonReference'
  | 'BodyParameter'
  | 'HeaderParameterSubSchema'
  | 'PathParameterSubSchema'
  | 'QueryParameterSubSchema'
  | 'FormDataParameterSubSchema'
  | 'PrimitivesItems'
  | 'Header'
  | 'Headers'
  | 'Examples'
  | 'Responses'
  | 'ResponseValue'
  | 'Response'
  | 'SchemaItem'
  | 'FileSchema'
  | 'Definitions'
  | 'Properties'
  | 'Schema'
  | 'AdditionalPropertiesItem'
  | 'TypeItem'
  | 'ItemsItem'
  | 'Xml'
  | 'ParameterDefinitions'
  | 'ResponseDefinitions'
  | 'SecurityDefinitions'
  | 'SecurityDefinitionsItem'
  | 'BasicAuthenticationSecurity'
  | 'ApiKeySecurity'
  | 'Oauth2ImplicitSecurity'
  | 'Oauth2PasswordSecurity'
  | 'Oauth2ApplicationSecurity'
  | 'Oauth2AccessCodeSecurity'
  | 'Oauth2Scopes'
  | 'SecurityRequirement'
  | 'StringArray';
export type Field = readonly [number: number, kind: Kind];

/**
 * A message: `fields` maps JSON keys to fields. Four keys are patterns, each giving one repeated
 * `Named<Kind> { name = 1, value = 2 }` entry per matching JSON key, in the object's order:
 * `*` every key (gnostic's `additional_properties` maps), `x-*` vendor extensions, `/*` paths,
 * `###` response codes (`^([0-9]{3})$|^(default)$`).
 * `value`: the JSON value itself is the one field (a string or an array).
 * `oneof`: the member the value is written as, or none.
 */
export type MessageSpec =
  | { readonly fields: Readonly<Record<string, Field>> }
  | { readonly value: Field }
  | { readonly oneof: (value: unknown) => Field | undefined };

export const PATTERNS = {
  '*': () => true,
  'x-*': (key: string) => key.startsWith('x-'),
  '/*': (key: string) => key.startsWith('/'),
  '###': (key: string) => /^([0-9]{3})$|^(default)$/.test(key),
} as const;

const obj = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/**
 * The numeric and list constraints shared by the non-body parameter kinds, `Header` and
 * `PrimitivesItems`, in their field order from `first` (`description`/`vendor` differ per message).
 */
function primitiveFields(first: number): Record<string, Field> {
  const keys: [string, Kind][] = [
    ['type', 'string'],
    ['format', 'string'],
    ['items', 'PrimitivesItems'],
    ['collectionFormat', 'string'],
    ['default', 'Any'],
    ['maximum', 'double'],
    ['exclusiveMaximum', 'bool'],
    ['minimum', 'double'],
    ['exclusiveMinimum', 'bool'],
    ['maxLength', 'int64'],
    ['minLength', 'int64'],
    ['pattern', 'string'],
    ['maxItems', 'int64'],
    ['minItems', 'int64'],
    ['uniqueItems', 'bool'],
    ['enum', 'Any[]'],
    ['multipleOf', 'double'],
  ];
  return Object.fromEntries(keys.map(([key, kind], i) => [key, [first + i, kind] as const]));
}

/** `in: path` / `in: header` parameters (with `allowEmptyValue` for `query` / `formData`). */
function parameterFields(allowEmptyValue: boolean): Record<string, Field> {
  const shift = allowEmptyValue ? 1 : 0;
  return {
    required: [1, 'bool'],
    in: [2, 'string'],
    description: [3, 'string'],
    name: [4, 'string'],
    ...(allowEmptyValue ? { allowEmptyValue: [5, 'bool'] } : {}),
    ...primitiveFields(5 + shift),
    'x-*': [22 + shift, 'Any'],
  };
}

const SECURITY_SCHEMES: Record<string, number> = {
  basic: 1,
  apiKey: 2,
  'oauth2/implicit': 3,
  'oauth2/password': 4,
  'oauth2/application': 5,
  'oauth2/accessCode': 6,
};
const SECURITY_SCHEME_MESSAGES = [
  'BasicAuthenticationSecurity',
  'ApiKeySecurity',
  'Oauth2ImplicitSecurity',
  'Oauth2PasswordSecurity',
  'Oauth2ApplicationSecurity',
  'Oauth2AccessCodeSecurity',
] as const;

const NON_BODY = { header: 1, formData: 2, query: 3, path: 4 } as const;
const NON_BODY_MESSAGES = [
  'HeaderParameterSubSchema',
  'FormDataParameterSubSchema',
  'QueryParameterSubSchema',
  'PathParameterSubSchema',
] as const;

const oauth2 = (rest: Record<string, Field>): { fields: Record<string, Field> } => ({
  fields: { type: [1, 'string'], flow: [2, 'string'], scopes: [3, 'Oauth2Scopes'], ...rest },
});

export const MESSAGES: Readonly<Record<MessageName, MessageSpec>> = {
  Document: {
    fields: {
      swagger: [1, 'string'],
      info: [2, 'Info'],
      host: [3, 'string'],
      basePath: [4, 'string'],
      schemes: [5, 'string[]'],
      consumes: [6, 'string[]'],
      produces: [7, 'string[]'],
      paths: [8, 'Paths'],
      definitions: [9, 'Definitions'],
      parameters: [10, 'ParameterDefinitions'],
      responses: [11, 'ResponseDefinitions'],
      security: [12, 'SecurityRequirement[]'],
      securityDefinitions: [13, 'SecurityDefinitions'],
      tags: [14, 'Tag[]'],
      externalDocs: [15, 'ExternalDocs'],
      'x-*': [16, 'Any'],
    },
  },
  Info: {
    fields: {
      title: [1, 'string'],
      version: [2, 'string'],
      description: [3, 'string'],
      termsOfService: [4, 'string'],
      contact: [5, 'Contact'],
      license: [6, 'License'],
      'x-*': [7, 'Any'],
    },
  },
  Contact: { fields: { name: [1, 'string'], url: [2, 'string'], email: [3, 'string'], 'x-*': [4, 'Any'] } },
  License: { fields: { name: [1, 'string'], url: [2, 'string'], 'x-*': [3, 'Any'] } },
  ExternalDocs: { fields: { description: [1, 'string'], url: [2, 'string'], 'x-*': [3, 'Any'] } },
  Tag: {
    fields: {
      name: [1, 'string'],
      description: [2, 'string'],
      externalDocs: [3, 'ExternalDocs'],
      'x-*': [4, 'Any'],
    },
  },
  Paths: { fields: { 'x-*': [1, 'Any'], '/*': [2, 'PathItem'] } },
  PathItem: {
    fields: {
      $ref: [1, 'string'],
      get: [2, 'Operation'],
      put: [3, 'Operation'],
      post: [4, 'Operation'],
      delete: [5, 'Operation'],
      options: [6, 'Operation'],
      head: [7, 'Operation'],
      patch: [8, 'Operation'],
      parameters: [9, 'ParametersItem[]'],
      'x-*': [10, 'Any'],
    },
  },
  Operation: {
    fields: {
      tags: [1, 'string[]'],
      summary: [2, 'string'],
      description: [3, 'string'],
      externalDocs: [4, 'ExternalDocs'],
      operationId: [5, 'string'],
      produces: [6, 'string[]'],
      consumes: [7, 'string[]'],
      parameters: [8, 'ParametersItem[]'],
      responses: [9, 'Responses'],
      schemes: [10, 'string[]'],
      deprecated: [11, 'bool'],
      security: [12, 'SecurityRequirement[]'],
      'x-*': [13, 'Any'],
    },
  },
  /** gnostic tries `Parameter`, then `JsonReference` (needs `$ref`). */
  ParametersItem: { oneof: (v) => ('$ref' in obj(v) ? [2, 'JsonReference'] : [1, 'Parameter']) },
  /** `BodyParameter` accepts only `in: body`; every other `in` is a `NonBodyParameter`. */
  Parameter: { oneof: (v) => (obj(v).in === 'body' ? [1, 'BodyParameter'] : [2, 'NonBodyParameter']) },
  NonBodyParameter: {
    oneof: (v) => {
      const number = NON_BODY[obj(v).in as keyof typeof NON_BODY];
      return number === undefined ? undefined : [number, NON_BODY_MESSAGES[number - 1]!];
    },
  },
  JsonReference: { fields: { $ref: [1, 'string'], description: [2, 'string'] } },
  BodyParameter: {
    fields: {
      description: [1, 'string'],
      name: [2, 'string'],
      in: [3, 'string'],
      required: [4, 'bool'],
      schema: [5, 'Schema'],
      'x-*': [6, 'Any'],
    },
  },
  HeaderParameterSubSchema: { fields: parameterFields(false) },
  PathParameterSubSchema: { fields: parameterFields(false) },
  QueryParameterSubSchema: { fields: parameterFields(true) },
  FormDataParameterSubSchema: { fields: parameterFields(true) },
  PrimitivesItems: { fields: { ...primitiveFields(1), 'x-*': [18, 'Any'] } },
  Header: { fields: { ...primitiveFields(1), description: [18, 'string'], 'x-*': [19, 'Any'] } },
  Headers: { fields: { '*': [1, 'Header'] } },
  Examples: { fields: { '*': [1, 'Any'] } },
  Responses: { fields: { '###': [1, 'ResponseValue'], 'x-*': [2, 'Any'] } },
  ResponseValue: { oneof: (v) => ('$ref' in obj(v) ? [2, 'JsonReference'] : [1, 'Response']) },
  Response: {
    fields: {
      description: [1, 'string'],
      schema: [2, 'SchemaItem'],
      headers: [3, 'Headers'],
      examples: [4, 'Examples'],
      'x-*': [5, 'Any'],
    },
  },
  /** gnostic tries `Schema`, then `FileSchema` (needs `type: file`), keeping the last that parses. */
  SchemaItem: { oneof: (v) => (obj(v).type === 'file' ? [2, 'FileSchema'] : [1, 'Schema']) },
  FileSchema: {
    fields: {
      format: [1, 'string'],
      title: [2, 'string'],
      description: [3, 'string'],
      default: [4, 'Any'],
      required: [5, 'string[]'],
      type: [6, 'string'],
      readOnly: [7, 'bool'],
      externalDocs: [8, 'ExternalDocs'],
      example: [9, 'Any'],
      'x-*': [10, 'Any'],
    },
  },
  Definitions: { fields: { '*': [1, 'Schema'] } },
  Properties: { fields: { '*': [1, 'Schema'] } },
  Schema: {
    fields: {
      $ref: [1, 'string'],
      format: [2, 'string'],
      title: [3, 'string'],
      description: [4, 'string'],
      default: [5, 'Any'],
      multipleOf: [6, 'double'],
      maximum: [7, 'double'],
      exclusiveMaximum: [8, 'bool'],
      minimum: [9, 'double'],
      exclusiveMinimum: [10, 'bool'],
      maxLength: [11, 'int64'],
      minLength: [12, 'int64'],
      pattern: [13, 'string'],
      maxItems: [14, 'int64'],
      minItems: [15, 'int64'],
      uniqueItems: [16, 'bool'],
      maxProperties: [17, 'int64'],
      minProperties: [18, 'int64'],
      required: [19, 'string[]'],
      enum: [20, 'Any[]'],
      additionalProperties: [21, 'AdditionalPropertiesItem'],
      type: [22, 'TypeItem'],
      items: [23, 'ItemsItem'],
      allOf: [24, 'Schema[]'],
      properties: [25, 'Properties'],
      discriminator: [26, 'string'],
      readOnly: [27, 'bool'],
      xml: [28, 'Xml'],
      externalDocs: [29, 'ExternalDocs'],
      example: [30, 'Any'],
      'x-*': [31, 'Any'],
    },
  },
  /** `additionalProperties: false` is written too: a oneof member has presence. */
  AdditionalPropertiesItem: {
    oneof: (v) => (typeof v === 'boolean' ? [2, 'bool'] : [1, 'Schema']),
  },
  /** `type: "string"` or `type: ["string", "null"]`. */
  TypeItem: { value: [1, 'string[]'] },
  /** An `items` schema (gnostic takes one; a tuple's schemas are written in order). */
  ItemsItem: { value: [1, 'Schema[]'] },
  Xml: {
    fields: {
      name: [1, 'string'],
      namespace: [2, 'string'],
      prefix: [3, 'string'],
      attribute: [4, 'bool'],
      wrapped: [5, 'bool'],
      'x-*': [6, 'Any'],
    },
  },
  ParameterDefinitions: { fields: { '*': [1, 'Parameter'] } },
  ResponseDefinitions: { fields: { '*': [1, 'Response'] } },
  SecurityDefinitions: { fields: { '*': [1, 'SecurityDefinitionsItem'] } },
  /** gnostic tries each scheme in turn; each accepts only its `type` (and `flow`). */
  SecurityDefinitionsItem: {
    oneof: (v) => {
      const { type, flow } = obj(v);
      const number = SECURITY_SCHEMES[type === 'oauth2' ? `oauth2/${String(flow)}` : String(type)];
      return number === undefined ? undefined : [number, SECURITY_SCHEME_MESSAGES[number - 1]!];
    },
  },
  BasicAuthenticationSecurity: {
    fields: { type: [1, 'string'], description: [2, 'string'], 'x-*': [3, 'Any'] },
  },
  ApiKeySecurity: {
    fields: {
      type: [1, 'string'],
      name: [2, 'string'],
      in: [3, 'string'],
      description: [4, 'string'],
      'x-*': [5, 'Any'],
    },
  },
  Oauth2ImplicitSecurity: oauth2({
    authorizationUrl: [4, 'string'],
    description: [5, 'string'],
    'x-*': [6, 'Any'],
  }),
  Oauth2PasswordSecurity: oauth2({ tokenUrl: [4, 'string'], description: [5, 'string'], 'x-*': [6, 'Any'] }),
  Oauth2ApplicationSecurity: oauth2({
    tokenUrl: [4, 'string'],
    description: [5, 'string'],
    'x-*': [6, 'Any'],
  }),
  Oauth2AccessCodeSecurity: oauth2({
    authorizationUrl: [4, 'string'],
    tokenUrl: [5, 'string'],
    description: [6, 'string'],
    'x-*': [7, 'Any'],
  }),
  Oauth2Scopes: { fields: { '*': [1, 'string'] } },
  SecurityRequirement: { fields: { '*': [1, 'StringArray'] } },
  StringArray: { value: [1, 'string[]'] },
};
