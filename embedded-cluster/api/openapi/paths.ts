import type { ResourceType, SubresourceName } from '../catalog.js';
import type { QueryParam } from './parameters.js';

export { PATH_PARAMS, QUERY_PARAMS, type QueryParam } from './parameters.js';

/**
 * The REST paths a Kubernetes v1.32 API server documents for each served
 * resource, in a neutral form that ./openapi-v2.ts and ./openapi-v3.ts
 * render. Names, descriptions, actions and parameters follow the server's
 * own generator (k8s.io/apiserver/pkg/endpoints/installer.go, which tags each
 * operation with `x-kubernetes-action` and `x-kubernetes-group-version-kind`).
 */

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export type Action =
  | 'get'
  | 'list'
  | 'put'
  | 'patch'
  | 'post'
  | 'delete'
  | 'deletecollection'
  | 'watch'
  | 'watchlist'
  | 'connect';

/** What an operation returns: a definition, a plain string (logs, connect), or a watch event stream. */
export type Returns = { definition: string } | { text: true };

export interface Operation {
  method: 'get' | 'put' | 'post' | 'delete' | 'patch';
  operationId: string;
  description: string;
  action: Action;
  gvk: GroupVersionKind;
  tag: string;
  query: readonly QueryParam[];
  /** Request body: a definition, or the patch body (`Patch`, with the patch content types). */
  body?: { definition: string } | 'patch';
  /** Status code → what comes back. */
  responses: Readonly<Record<string, Returns>>;
  /** Whether it streams (watch): response content types differ. */
  produces: 'object' | 'list' | 'watch' | 'text';
  /** Whether strategic merge patch is accepted (built-ins: yes; custom resources: no). */
  strategicMerge?: boolean;
}

export interface PathItem {
  path: string;
  /** `api/v1` or `apis/<group>/<version>`: the OpenAPI v3 document the path belongs to. */
  groupVersion: string;
  pathParams: readonly ('name' | 'namespace' | 'path')[];
  operations: Operation[];
  /** The kind of the resource the path serves (for the `name` parameter's description). */
  kind?: string;
}

const LIST_QUERY: readonly QueryParam[] = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
];
const WRITE_QUERY: readonly QueryParam[] = ['dryRun', 'fieldManager', 'fieldValidation'];
const DELETE_QUERY: readonly QueryParam[] = [
  'dryRun',
  'gracePeriodSeconds',
  'ignoreStoreReadErrorWithClusterBreakingPotential',
  'orphanDependents',
  'propagationPolicy',
];
const DELETE_COLLECTION_QUERY: readonly QueryParam[] = [
  'continue',
  'dryRun',
  'fieldSelector',
  'gracePeriodSeconds',
  'ignoreStoreReadErrorWithClusterBreakingPotential',
  'labelSelector',
  'limit',
  'orphanDependents',
  'propagationPolicy',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
];

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const STATUS_DEFINITION = `${META}.Status`;
export const DELETE_OPTIONS_DEFINITION = `${META}.DeleteOptions`;
export const PATCH_DEFINITION = `${META}.Patch`;
export const WATCH_EVENT_DEFINITION = `${META}.WatchEvent`;
export const SCALE_DEFINITION = 'io.k8s.api.autoscaling.v1.Scale';
const SCALE_GVK: GroupVersionKind = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

/** `api/v1` or `apis/<group>/<version>`. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/**
 * Operation-id prefix of a group (`CoreV1`, `RbacAuthorizationV1`,
 * `StableExampleComV1`): the group without `.k8s.io`, each dot- or
 * dash-separated part capitalised, as the apiserver's route names do.
 */
export function operationGroupName(group: string, version: string): string {
  const parts = group === '' ? ['core'] : group.replace(/\.k8s\.io$/, '').split(/[.-]/);
  return parts.map(capitalize).join('') + capitalize(version);
}

/** Tag of a group-version (`core_v1`, `rbacAuthorization_v1`). */
export function tagName(group: string, version: string): string {
  const name = operationGroupName(group, '');
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}_${version}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Every documented path of the given resources, sorted by path. */
export function catalogPaths(resources: readonly ResourceType[]): PathItem[] {
  const items = new Map<string, PathItem>();
  const add = (item: PathItem): void => {
    const existing = items.get(item.path);
    if (existing) existing.operations.push(...item.operations);
    else items.set(item.path, item);
  };
  for (const resource of resources) resourcePaths(resource).forEach(add);
  return [...items.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function resourcePaths(r: ResourceType): PathItem[] {
  const gv = groupVersionPath(r.group, r.version);
  const base = `/${gv}`;
  const gvk: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind };
  const tag = tagName(r.group, r.version);
  const op = operationGroupName(r.group, r.version);
  const scope = r.namespaced ? 'Namespaced' : '';
  const has = (verb: string): boolean => (r.verbs as readonly string[]).includes(verb);
  const strategicMerge = r.crd === undefined;
  const collectionPath = r.namespaced
    ? `${base}/namespaces/{namespace}/${r.resource}`
    : `${base}/${r.resource}`;
  const itemPath = `${collectionPath}/{name}`;
  const scopeParams = r.namespaced ? (['namespace'] as const) : ([] as const);
  const self = { definition: r.definition };
  const watchEvent = { definition: WATCH_EVENT_DEFINITION };
  const list = { definition: `${r.definition}List` };
  const status = { definition: STATUS_DEFINITION };
  const paths: PathItem[] = [];

  const collection: Operation[] = [];
  if (has('list')) {
    collection.push({
      method: 'get',
      operationId: `list${op}${scope}${r.kind}`,
      description: `list or watch objects of kind ${r.kind}`,
      action: 'list',
      gvk,
      tag,
      query: LIST_QUERY,
      responses: { '200': list },
      produces: 'list',
    });
  }
  if (has('create')) {
    collection.push({
      method: 'post',
      operationId: `create${op}${scope}${r.kind}`,
      description: `create ${article(r.kind)} ${r.kind}`,
      action: 'post',
      gvk,
      tag,
      query: WRITE_QUERY,
      body: self,
      responses: { '200': self, '201': self, '202': self },
      produces: 'object',
    });
  }
  if (has('deletecollection')) {
    collection.push({
      method: 'delete',
      operationId: `delete${op}Collection${scope}${r.kind}`,
      description: `delete collection of ${r.kind}`,
      action: 'deletecollection',
      gvk,
      tag,
      query: DELETE_COLLECTION_QUERY,
      body: { definition: DELETE_OPTIONS_DEFINITION },
      responses: { '200': status },
      produces: 'object',
    });
  }
  if (collection.length > 0)
    paths.push({ path: collectionPath, groupVersion: gv, pathParams: scopeParams, operations: collection });

  const item: Operation[] = [];
  if (has('get')) {
    item.push({
      method: 'get',
      operationId: `read${op}${scope}${r.kind}`,
      description: `read the specified ${r.kind}`,
      action: 'get',
      gvk,
      tag,
      query: [],
      responses: { '200': self },
      produces: 'object',
    });
  }
  if (has('update'))
    item.push(replace(`replace${op}${scope}${r.kind}`, `replace the specified ${r.kind}`, gvk, tag, self));
  if (has('delete')) {
    item.push({
      method: 'delete',
      operationId: `delete${op}${scope}${r.kind}`,
      description: `delete ${article(r.kind)} ${r.kind}`,
      action: 'delete',
      gvk,
      tag,
      query: DELETE_QUERY,
      body: { definition: DELETE_OPTIONS_DEFINITION },
      // Built-ins answer the deleted object (or a Status for some); kube documents the object type.
      responses: { '200': self, '202': self },
      produces: 'object',
    });
  }
  if (has('patch')) {
    item.push(
      patch(
        `patch${op}${scope}${r.kind}`,
        `partially update the specified ${r.kind}`,
        gvk,
        tag,
        self,
        strategicMerge,
      ),
    );
  }
  if (item.length > 0) {
    paths.push({ path: itemPath, groupVersion: gv, pathParams: ['name', ...scopeParams], operations: item });
  }

  if (has('watch')) {
    const watchBase = r.namespaced
      ? `${base}/watch/namespaces/{namespace}/${r.resource}`
      : `${base}/watch/${r.resource}`;
    paths.push({
      path: watchBase,
      groupVersion: gv,
      pathParams: scopeParams,
      operations: [
        {
          method: 'get',
          operationId: `watch${op}${scope}${r.kind}List`,
          description: `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
          action: 'watchlist',
          gvk,
          tag,
          query: LIST_QUERY,
          responses: { '200': watchEvent },
          produces: 'watch',
        },
      ],
    });
    paths.push({
      path: `${watchBase}/{name}`,
      groupVersion: gv,
      pathParams: ['name', ...scopeParams],
      operations: [
        {
          method: 'get',
          operationId: `watch${op}${scope}${r.kind}`,
          description: `watch changes to an object of kind ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`,
          action: 'watch',
          gvk,
          tag,
          query: LIST_QUERY,
          responses: { '200': watchEvent },
          produces: 'watch',
        },
      ],
    });
  }
  if (r.namespaced && has('list')) {
    paths.push({
      path: `${base}/${r.resource}`,
      groupVersion: gv,
      pathParams: [],
      operations: [
        {
          method: 'get',
          operationId: `list${op}${r.kind}ForAllNamespaces`,
          description: `list or watch objects of kind ${r.kind}`,
          action: 'list',
          gvk,
          tag,
          query: LIST_QUERY,
          responses: { '200': list },
          produces: 'list',
        },
      ],
    });
    if (has('watch')) {
      paths.push({
        path: `${base}/watch/${r.resource}`,
        groupVersion: gv,
        pathParams: [],
        operations: [
          {
            method: 'get',
            operationId: `watch${op}${r.kind}ListForAllNamespaces`,
            description: `watch individual changes to a list of ${r.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
            action: 'watchlist',
            gvk,
            tag,
            query: LIST_QUERY,
            responses: { '200': watchEvent },
            produces: 'watch',
          },
        ],
      });
    }
  }

  for (const sub of r.subresources) {
    const ops = subresourceOperations(r, sub, { op, scope, gvk, tag, strategicMerge });
    if (ops.length > 0) {
      paths.push({
        path: `${itemPath}/${sub}`,
        groupVersion: gv,
        pathParams: ['name', ...scopeParams],
        operations: ops,
      });
    }
  }
  return paths.map((p) => ({ ...p, kind: r.kind }));
}

interface OpContext {
  op: string;
  scope: string;
  gvk: GroupVersionKind;
  tag: string;
  strategicMerge: boolean;
}

/** What POSTing to a subresource creates. */
const CREATED_BY_SUBRESOURCE = {
  binding: { gvk: { group: '', version: 'v1', kind: 'Binding' }, definition: 'io.k8s.api.core.v1.Binding' },
  eviction: {
    gvk: { group: 'policy', version: 'v1', kind: 'Eviction' },
    definition: 'io.k8s.api.policy.v1.Eviction',
  },
  token: {
    gvk: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
    definition: 'io.k8s.api.authentication.v1.TokenRequest',
  },
} satisfies Record<string, { gvk: GroupVersionKind; definition: string }>;

function subresourceOperations(r: ResourceType, sub: SubresourceName, c: OpContext): Operation[] {
  const name = `${c.scope}${r.kind}${capitalize(sub)}`;
  const self = { definition: r.definition };
  const text: Returns = { text: true };
  switch (sub) {
    case 'status':
    case 'scale':
    case 'ephemeralcontainers': {
      const target = sub === 'scale' ? { definition: SCALE_DEFINITION } : self;
      const gvk = sub === 'scale' ? SCALE_GVK : c.gvk;
      const what = sub === 'ephemeralcontainers' ? 'ephemeralcontainers' : sub;
      return [
        {
          method: 'get',
          operationId: `read${c.op}${name}`,
          description: `read ${what} of the specified ${r.kind}`,
          action: 'get',
          gvk,
          tag: c.tag,
          query: [],
          responses: { '200': target },
          produces: 'object',
        },
        replace(`replace${c.op}${name}`, `replace ${what} of the specified ${r.kind}`, gvk, c.tag, target),
        patch(
          `patch${c.op}${name}`,
          `partially update ${what} of the specified ${r.kind}`,
          gvk,
          c.tag,
          target,
          c.strategicMerge,
        ),
      ];
    }
    case 'finalize':
      return [
        replace(`replace${c.op}${name}`, `replace finalize of the specified ${r.kind}`, c.gvk, c.tag, self),
      ];
    case 'binding':
    case 'eviction':
    case 'token': {
      const { gvk, definition } = CREATED_BY_SUBRESOURCE[sub];
      const body = { definition };
      return [
        {
          method: 'post',
          operationId: `create${c.op}${name}`,
          description: `create ${sub} of ${article(r.kind)} ${r.kind}`,
          action: 'post',
          gvk,
          tag: c.tag,
          query: WRITE_QUERY,
          body,
          responses: { '200': body, '201': body, '202': body },
          produces: 'object',
        },
      ];
    }
    case 'log':
      return [
        {
          method: 'get',
          operationId: `read${c.op}${name}`,
          description: `read log of the specified ${r.kind}`,
          action: 'get',
          gvk: c.gvk,
          tag: c.tag,
          query: [
            'container',
            'follow',
            'insecureSkipTLSVerifyBackend',
            'limitBytes',
            'previous',
            'sinceSeconds',
            'stream',
            'tailLines',
            'timestamps',
          ],
          responses: { '200': text },
          produces: 'text',
        },
      ];
    case 'exec':
    case 'attach':
    case 'portforward': {
      const options = {
        exec: 'PodExecOptions',
        attach: 'PodAttachOptions',
        portforward: 'PodPortForwardOptions',
      }[sub];
      const query: readonly QueryParam[] =
        sub === 'exec'
          ? ['command', 'container', 'stderr', 'stdin', 'stdout', 'tty']
          : sub === 'attach'
            ? ['container', 'stderr', 'stdin', 'stdout', 'tty']
            : ['ports'];
      const gvk = { group: '', version: 'v1', kind: options };
      return (['get', 'post'] as const).map((method) => ({
        method,
        operationId: `connect${c.op}${capitalize(method)}${name}`,
        description: `connect ${method.toUpperCase()} requests to ${sub} of ${r.kind}`,
        action: 'connect' as const,
        gvk,
        tag: c.tag,
        query,
        responses: { '200': text },
        produces: 'text' as const,
      }));
    }
    default:
      return [];
  }
}

function replace(
  operationId: string,
  description: string,
  gvk: GroupVersionKind,
  tag: string,
  target: Returns & { definition: string },
): Operation {
  return {
    method: 'put',
    operationId,
    description,
    action: 'put',
    gvk,
    tag,
    query: WRITE_QUERY,
    body: target,
    responses: { '200': target, '201': target },
    produces: 'object',
  };
}

function patch(
  operationId: string,
  description: string,
  gvk: GroupVersionKind,
  tag: string,
  target: Returns,
  strategicMerge: boolean,
): Operation {
  return {
    method: 'patch',
    operationId,
    description,
    action: 'patch',
    gvk,
    tag,
    query: [...WRITE_QUERY, 'force'],
    body: 'patch',
    responses: { '200': target, '201': target },
    produces: 'object',
    strategicMerge,
  };
}

/** Patch body content types; strategic merge only for built-in kinds. */
export function patchContentTypes(strategicMerge: boolean): string[] {
  return strategicMerge
    ? [
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
        'application/apply-patch+yaml',
      ]
    : ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
}

/** Response content types by kind of response, as a v1.32 server lists them. */
export function producesOf(produces: Operation['produces']): string[] {
  switch (produces) {
    case 'object':
      return ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
    case 'list':
      return [
        'application/json',
        'application/yaml',
        'application/vnd.kubernetes.protobuf',
        'application/json;stream=watch',
        'application/vnd.kubernetes.protobuf;stream=watch',
      ];
    case 'watch':
      return [
        'application/json',
        'application/yaml',
        'application/vnd.kubernetes.protobuf',
        'application/json;stream=watch',
        'application/vnd.kubernetes.protobuf;stream=watch',
      ];
    case 'text':
      return ['*/*'];
  }
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}
