// @ts-check
/**
 * The `local/layering` ESLint rule: which folder of Kubedesk may import which.
 *
 * Folders say where code runs (Electron main, renderer, plain-Node cluster) and, inside
 * `embedded-cluster/`, which layer it belongs to. The tables below are the whole policy;
 * the code under them only classifies paths and reports. Modelled on VS Code's
 * `.eslint-plugin-local/code-layering.ts`.
 *
 * Layers apply to type imports too, except where a zone lists `allowTypes`: those zones
 * may be imported only with `import type` / `export type`, which TypeScript erases.
 */
import path from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const CLUSTER = 'layering: util ← store ← api ← apiserver ← client ← components';
const COMPONENTS = ['scheduler', 'controllers', 'kubelet', 'proxy', 'dns', 'ingress'];
const UNDER_CLUSTER = COMPONENTS.map((c) => `embedded-cluster/${c}`);
const WIRING = 'embedded-cluster wiring (cluster.ts, cli.ts)';
const MAIN_ALLOW = [
  'src-main/shared',
  WIRING,
  'embedded-cluster/client',
  'embedded-cluster/api',
  'embedded-cluster/util',
];
const MAIN_WHY =
  'src-main never imports the renderer, and uses the cluster through cluster.ts, client, api and util';
/** The folders of src-main that `kubedesk ui` runs under plain Node, without Electron. */
const MAIN_NODE = ['src-main/gateway', 'src-main/cluster-host', 'src-main/app', 'src-main/port-forward'];

/** Why a top folder's code may not reach outside it; quoted instead of the zone's `why`. */
const BOUNDARIES = {
  'embedded-cluster': 'embedded-cluster is plain Node: it never imports src-main, src-renderer or electron',
};

/**
 * @typedef {object} Zone
 * @property {string} name  how messages name the zone; also what `allow` lists refer to
 * @property {string} [dir]  repo-relative folder whose files belong to the zone
 * @property {string[]} [files]  repo-relative files, without extension, that belong to the zone
 * @property {string[] | '*'} allow  zones its files may import; `prefix/*` matches every zone under prefix
 * @property {string[]} [allowTypes]  zones its files may import with `import type` only
 * @property {boolean} [unlisted]  a catch-all: files here must first be given a zone
 * @property {string} why  the policy, quoted in every message about the zone's imports
 */

/** @type {Zone[]} Where code lives, most specific first: the first match wins. */
export const ZONES = [
  { name: 'embedded-cluster/util', dir: 'embedded-cluster/util', allow: [], why: CLUSTER },
  {
    name: 'embedded-cluster/store',
    dir: 'embedded-cluster/store',
    allow: ['embedded-cluster/util'],
    why: CLUSTER,
  },
  {
    name: 'embedded-cluster/api',
    dir: 'embedded-cluster/api',
    allow: ['embedded-cluster/store', 'embedded-cluster/util'],
    why: CLUSTER,
  },
  {
    name: 'embedded-cluster/apiserver',
    dir: 'embedded-cluster/apiserver',
    allow: ['embedded-cluster/api', 'embedded-cluster/store', 'embedded-cluster/util'],
    why: CLUSTER,
  },
  {
    name: 'embedded-cluster/client',
    dir: 'embedded-cluster/client',
    allow: ['embedded-cluster/api', 'embedded-cluster/util'],
    why: `${CLUSTER}; client depends only on api and util, never on store or apiserver`,
  },
  ...UNDER_CLUSTER.map((name) => ({
    name,
    dir: name,
    allow: ['embedded-cluster/client', 'embedded-cluster/api', 'embedded-cluster/util'],
    why: `${CLUSTER}; components use client, api and util only, and never each other`,
  })),
  {
    name: WIRING,
    files: ['embedded-cluster/cluster', 'embedded-cluster/cli', 'embedded-cluster/kubeconfig'],
    allow: ['embedded-cluster/*'],
    why: 'the wiring may import anything inside embedded-cluster, and nothing outside it',
  },
  {
    name: 'embedded-cluster',
    dir: 'embedded-cluster',
    allow: [],
    unlisted: true,
    why: 'every folder of embedded-cluster belongs to a layer',
  },
  {
    name: 'src-main/shared',
    dir: 'src-main/shared',
    allow: [],
    why: 'src-main/shared holds the typed contracts the renderer imports; it imports nothing else',
  },
  ...MAIN_NODE.map((name) => ({
    name,
    dir: name,
    allow: [...MAIN_ALLOW, ...MAIN_NODE],
    why: `${MAIN_WHY}; ${name} also runs under plain Node, so it never imports src-main's Electron code`,
  })),
  { name: 'src-main', dir: 'src-main', allow: [...MAIN_ALLOW, ...MAIN_NODE], why: MAIN_WHY },
  {
    name: 'src-renderer',
    dir: 'src-renderer',
    allow: [],
    allowTypes: ['src-main/shared'],
    why: 'the renderer runs in the sandboxed window: from outside src-renderer it may only `import type` from src-main/shared',
  },
  // Everything else (test/, scripts/, root config files) is not layered.
  { name: 'other', dir: '', allow: '*', why: '' },
];

/**
 * @typedef {object} ModuleRule
 * @property {(specifier: string) => boolean} test  which bare specifiers the rule is about
 * @property {string[]} [onlyIn]  the only zones that may import them
 * @property {string[]} [notIn]  zones that may not import them
 * @property {string} why  the policy, quoted in the message
 */

const NODE_BUILTINS = new Set(builtinModules);

/** @type {ModuleRule[]} Bare (package) specifiers with a say in where they are imported, types included. */
export const MODULES = [
  {
    test: (s) => s === 'electron' || s.startsWith('electron/'),
    onlyIn: ['src-main'],
    why: 'electron may be imported only under src-main/, outside src-main/shared, gateway/, cluster-host/, app/ and port-forward/ (which run under plain Node too)',
  },
  {
    test: (s) => s.startsWith('node:') || NODE_BUILTINS.has(s.split('/')[0] ?? s),
    notIn: ['src-renderer', 'src-main/shared'],
    why: 'the renderer, and the contracts it imports, run without Node',
  },
];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXTENSION = /\.(?:[cm]?[jt]sx?|vue|json)$/;

/**
 * The zone a repo-relative posix path belongs to.
 * @param {string} rel
 * @returns {Zone}
 */
function zoneOf(rel) {
  const bare = rel.replace(EXTENSION, '');
  const zone = ZONES.find((z) =>
    z.files ? z.files.includes(bare) : z.dir === '' || rel === z.dir || rel.startsWith(`${z.dir}/`),
  );
  return /** @type {Zone} */ (zone);
}

/**
 * How messages name a path's zone: the zone's name, or for a catch-all zone the path's
 * first folder(s).
 * @param {string} rel
 * @param {Zone} zone
 */
function nameOf(rel, zone) {
  if (zone.unlisted) return rel.split('/').slice(0, 2).join('/');
  return zone.name === 'other' ? (rel.split('/')[0] ?? rel) : zone.name;
}

/**
 * Whether an `allow` list admits a zone.
 * @param {string[] | '*'} list
 * @param {Zone} zone
 */
function admits(list, zone) {
  if (zone.unlisted) return list === '*' || list.includes(`${zone.name}/*`);
  if (list === '*') return true;
  return list.some(
    (entry) => entry === zone.name || (entry.endsWith('/*') && zone.name.startsWith(entry.slice(0, -1))),
  );
}

// The tables name zones by string: a misspelt name would silently allow nothing, so fail on load.
for (const name of [
  ...ZONES.flatMap((z) => [...(z.allow === '*' ? [] : z.allow), ...(z.allowTypes ?? [])]),
  ...MODULES.flatMap((m) => [...(m.onlyIn ?? []), ...(m.notIn ?? [])]),
]) {
  if (!ZONES.some((zone) => admits([name], zone))) throw new Error(`layering: no zone is named ${name}`);
}

/** @param {string} file */
function repoRelative(file) {
  return path.relative(ROOT, file).split(path.sep).join('/');
}

/** @type {import('eslint').Rule.RuleModule} */
const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce which folders and layers of Kubedesk may import which' },
    schema: [],
    messages: {
      layer: '{{from}} may not import {{to}} ({{why}})',
      typesOnly: '{{from}} may import {{to}} only with `import type` ({{why}})',
      module: '{{from}} may not import {{module}} ({{why}})',
      unlisted: '{{file}} is in no layer: add its folder to ZONES in eslint/layering-plugin.js ({{why}})',
    },
  },
  create(context) {
    const filename = context.filename;
    if (!path.isAbsolute(filename)) return {};
    const fromRel = repoRelative(filename);
    if (fromRel.startsWith('..')) return {};
    const from = zoneOf(fromRel);
    const fromName = nameOf(fromRel, from);

    /**
     * @param {import('estree').Node} node
     * @param {unknown} source  the specifier node (checked when it is a string literal)
     * @param {boolean} typeOnly  whether the import is erased (`import type`, `export type`)
     */
    function check(node, source, typeOnly) {
      const specifier = literal(source);
      if (specifier === undefined) return;
      if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
        for (const rule of MODULES) {
          if (!rule.test(specifier)) continue;
          const ok = rule.onlyIn ? rule.onlyIn.includes(from.name) : !rule.notIn?.includes(from.name);
          if (ok) continue;
          const data = { from: fromName, module: specifier, why: rule.why };
          context.report({ node, messageId: 'module', data });
        }
        return;
      }
      if (from.unlisted) return; // reported once, on the file
      const targetRel = repoRelative(path.resolve(path.dirname(filename), specifier));
      const target = zoneOf(targetRel);
      if ((target === from && !target.unlisted) || admits(from.allow, target)) return;
      const top = /** @type {keyof typeof BOUNDARIES} */ (fromRel.split('/')[0]);
      const leaves = top in BOUNDARIES && !targetRel.startsWith(`${top}/`);
      const why = leaves ? BOUNDARIES[top] : from.why;
      const data = { from: fromName, to: nameOf(targetRel, target), why };
      if (!from.allowTypes?.includes(target.name)) context.report({ node, messageId: 'layer', data });
      else if (!typeOnly) context.report({ node, messageId: 'typesOnly', data });
    }

    return {
      Program(node) {
        if (!from.unlisted) return;
        context.report({ node, messageId: 'unlisted', data: { file: fromName, why: from.why } });
      },
      ImportDeclaration(node) {
        check(node, node.source, kind(node, 'importKind') === 'type');
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source, kind(node, 'exportKind') === 'type');
      },
      ExportAllDeclaration(node) {
        check(node, node.source, kind(node, 'exportKind') === 'type');
      },
      ImportExpression(node) {
        check(node, node.source, false);
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type === 'Identifier' && callee.name === 'require' && node.arguments.length === 1) {
          check(node, node.arguments[0], false);
        }
      },
      // TypeScript-only forms: `import x = require('…')` and `typeof import('…')` in types.
      /** @param {any} node */
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference.type === 'TSExternalModuleReference') {
          check(node, node.moduleReference.expression, node.importKind === 'type');
        }
      },
      /** @param {any} node */
      TSImportType(node) {
        check(node, node.source, true);
      },
    };
  },
};

/**
 * @typedef {object} SpecifierNode  the parts of a Literal or TemplateLiteral node `literal` reads
 * @property {string} [type]
 * @property {unknown} [value]
 * @property {unknown[]} [expressions]
 * @property {{ value: { cooked?: string | null } }[]} [quasis]
 */

/**
 * A module specifier's text, if it is a string literal or a template without expressions.
 * @param {unknown} node
 * @returns {string | undefined}
 */
function literal(node) {
  const n = /** @type {SpecifierNode} */ (node ?? {});
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n.type !== 'TemplateLiteral' || n.expressions?.length !== 0) return undefined;
  return n.quasis?.[0]?.value.cooked ?? undefined;
}

/**
 * typescript-eslint's `importKind` / `exportKind`, which plain ESTree nodes lack.
 * @param {object} node
 * @param {'importKind' | 'exportKind'} key
 */
function kind(node, key) {
  return /** @type {Record<string, unknown>} */ (node)[key];
}

/** @type {import('eslint').ESLint.Plugin} */
const plugin = {
  meta: { name: 'kubedesk-local' },
  rules: { layering },
};

export default plugin;
