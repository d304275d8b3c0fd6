import type { ResourceType } from '../../api/catalog.js';
import { errors, type FieldCause } from '../../api/errors.js';
import { isPlainObject, parseApiVersion, type KubeObject } from '../../api/object.js';
import { decodeBody, mediaType, readBody } from '../http-io.js';
import { decodeObject } from '../registry/object-codec.js';
import { timestamp } from '../registry/object-meta.js';
import { API_AUDIENCES, serviceAccountClaims, signToken, type ClaimRef } from '../service-account-tokens.js';
import { respond, type Endpoint } from './endpoint.js';
import { asObject } from './write.js';

/**
 * `POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token`: issue a service-account token
 * (an `authentication.k8s.io/v1` TokenRequest), as kube-apiserver's TokenREST.Create does
 * (https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/registry/core/serviceaccount/storage/token.go):
 *
 * 1. the body's name and namespace, if given, must be the URL's (422);
 * 2. the service account must exist (404);
 * 3. `spec.audiences` defaults to the API server's, `spec.expirationSeconds` to 3600, which must
 *    lie between 10 minutes and 2^32 seconds (422, validation/validation.go);
 * 4. a `spec.boundObjectRef` must name a Pod, Secret or Node (400) that exists (404) with the
 *    given uid, if one is given (409); a pod must run as this service account (400);
 * 5. a token bound to a pod and asking for 3607 s of the API server's audiences — what the
 *    kubelet asks for projected volumes — lives a year but says `warnafter` 3607 s
 *    (`--service-account-extend-token-expiration`, on by default);
 * 6. 201 with the request, its metadata filled in and the token and its expiry in `status`.
 *
 * There is no `--service-account-max-token-expiration`. A dry run issues a token too, as there.
 */
export async function requestToken(endpoint: Endpoint): Promise<void> {
  const { parts, info, type } = endpoint;
  const name = info.name!;
  const namespace = info.namespace!;
  const body = asObject(
    TOKEN_REQUEST,
    decodeBody(await readBody(endpoint.request), mediaType(endpoint.request)),
  );
  const { metadata } = body;
  if (metadata.name && metadata.name !== name) {
    throw invalid(name, 'metadata.name', metadata.name, 'must match the service account name if specified');
  }
  if (metadata.namespace && metadata.namespace !== namespace) {
    throw invalid(
      name,
      'metadata.namespace',
      metadata.namespace,
      'must match the service account namespace if specified',
    );
  }

  const serviceAccount = await parts.registry.get(type, namespace, name);
  const spec = readSpec(body.spec);
  const audiences = spec.audiences?.length ? spec.audiences : [...API_AUDIENCES];
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
    throw invalid(
      '',
      'spec.expirationSeconds',
      expirationSeconds,
      'may not specify a duration less than 10 minutes',
    );
  }
  if (expirationSeconds > MAX_EXPIRATION_SECONDS) {
    throw invalid(
      '',
      'spec.expirationSeconds',
      expirationSeconds,
      'may not specify a duration larger than 2^32 seconds',
    );
  }

  const bound = spec.boundObjectRef ? await boundObject(endpoint, name, spec.boundObjectRef) : {};
  const extend =
    bound.pod !== undefined &&
    expirationSeconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS &&
    audiences.every((audience) => API_AUDIENCES.includes(audience));
  const claims = serviceAccountClaims({
    serviceAccount,
    ...bound,
    audiences,
    now: endpoint.now,
    expirationSeconds: extend ? EXPIRATION_EXTENSION_SECONDS : expirationSeconds,
    warnAfterSeconds: extend ? expirationSeconds : 0,
  });

  respond(endpoint, 201, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { ...metadata, name, namespace, creationTimestamp: timestamp(endpoint.now) },
    spec: { audiences, boundObjectRef: spec.boundObjectRef ?? null, expirationSeconds },
    status: {
      token: signToken(parts.serviceAccountKey, claims),
      expirationTimestamp: timestamp(claims.iat * 1000 + expirationSeconds * 1000),
    },
  });
}

const DEFAULT_EXPIRATION_SECONDS = 3600;
/** validation.MinTokenAgeSec */
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;
/** What the kubelet asks for projected tokens (serviceaccount.WarnOnlyBoundTokenExpirationSeconds). */
const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7;
/** How long such a token really lives (serviceaccount.ExpirationExtensionSeconds). */
const EXPIRATION_EXTENSION_SECONDS = 365 * 24 * 60 * 60;

/** The type a body must be (or may leave out): `authentication.k8s.io/v1` TokenRequest. */
const TOKEN_REQUEST = { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } as ResourceType;

interface BoundObjectReference {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: BoundObjectReference;
}

/** `spec` of a body, its fields of the right types (null is as absent, as Go decodes it). */
function readSpec(value: unknown): TokenRequestSpec {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw cannotDecode('spec', 'object', value);
  const spec: TokenRequestSpec = {};
  const { audiences, expirationSeconds, boundObjectRef } = value;
  if (audiences !== undefined && audiences !== null) {
    if (!Array.isArray(audiences)) throw cannotDecode('spec.audiences', 'array', audiences);
    const bad = audiences.find((a) => typeof a !== 'string');
    if (bad !== undefined) throw cannotDecode('spec.audiences', 'string', bad);
    spec.audiences = audiences as string[];
  }
  if (expirationSeconds !== undefined && expirationSeconds !== null) {
    if (typeof expirationSeconds !== 'number' || !Number.isSafeInteger(expirationSeconds)) {
      throw cannotDecode('spec.expirationSeconds', 'int64', expirationSeconds);
    }
    spec.expirationSeconds = expirationSeconds;
  }
  if (boundObjectRef !== undefined && boundObjectRef !== null) {
    if (!isPlainObject(boundObjectRef)) throw cannotDecode('spec.boundObjectRef', 'object', boundObjectRef);
    const ref: BoundObjectReference = {};
    for (const key of ['kind', 'apiVersion', 'name', 'uid'] as const) {
      const field = boundObjectRef[key];
      if (field === undefined || field === null) continue;
      if (typeof field !== 'string') throw cannotDecode(`spec.boundObjectRef.${key}`, 'string', field);
      ref[key] = field;
    }
    spec.boundObjectRef = ref;
  }
  return spec;
}

/** What a token is bound to, read from the store. */
interface Bound {
  pod?: KubeObject;
  secret?: KubeObject;
  node?: ClaimRef;
}

async function boundObject(endpoint: Endpoint, account: string, ref: BoundObjectReference): Promise<Bound> {
  const { registry } = endpoint.parts;
  const namespace = endpoint.info.namespace!;
  const { group, version } = parseApiVersion(ref.apiVersion ?? '');
  const kind = ref.kind ?? '';
  const core = (resource: string) =>
    endpoint.parts.resources().find((r) => r.group === '' && r.resource === resource)!;
  const refName = ref.name ?? '';
  let bound: Bound;
  let uid: string | undefined;
  if (group === '' && kind === 'Pod') {
    const pod = await registry.get(core('pods'), namespace, refName);
    const spec = (pod.spec ?? {}) as { serviceAccountName?: string; nodeName?: string };
    if (spec.serviceAccountName !== account) {
      throw errors.badRequest(
        `cannot bind token for serviceaccount "${account}" to pod running with different serviceaccount name.`,
      );
    }
    uid = pod.metadata.uid;
    bound = { pod };
    if (spec.nodeName) {
      // The pod's node goes into the claims, by name alone when the Node object is missing.
      const stored = await registry.current(core('nodes'), undefined, spec.nodeName);
      const nodeUid = stored && decodeObject(stored).metadata.uid;
      bound.node = { name: spec.nodeName, ...(nodeUid ? { uid: nodeUid } : {}) };
    }
  } else if (group === '' && kind === 'Secret') {
    const secret = await registry.get(core('secrets'), namespace, refName);
    uid = secret.metadata.uid;
    bound = { secret };
  } else if (group === '' && kind === 'Node') {
    const node = await registry.get(core('nodes'), undefined, refName);
    uid = node.metadata.uid;
    bound = { node: { name: refName, ...(uid ? { uid } : {}) } };
  } else {
    throw errors.badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
  }
  if (ref.uid && ref.uid !== uid) {
    throw errors.conflict(
      { group, resource: kind },
      refName,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  return bound;
}

/** 422 for TokenRequest `name`, one field wrong, worded as field.Invalid words it. */
function invalid(name: string, field: string, value: string | number, detail: string) {
  const cause: FieldCause = {
    reason: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
  };
  return errors.invalid('authentication.k8s.io', 'TokenRequest', name, [cause]);
}

/** 400 for a field of the wrong JSON type, in the words of Go's decoder. */
function cannotDecode(field: string, goType: string, value: unknown) {
  const jsonType = Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
  return errors.badRequest(
    `TokenRequest in version "v1" cannot be handled as a TokenRequest: json: cannot unmarshal ${jsonType} into Go struct field ${field} of type ${goType}`,
  );
}
