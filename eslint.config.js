// ESLint flat config. `npm run lint` runs it over the whole repository; `local/layering`
// (eslint/layering-plugin.js) fails the build when a folder imports one it may not.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier/flat';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import local from './eslint/layering-plugin.js';

/** Libraries only one module of ours may import, and that module. */
const WRAPPED_LIBRARIES = [
  { name: 'cron-parser', wrapper: 'embedded-cluster/controllers/cron-job/cron-schedule.ts' },
  { name: 'etcd3', wrapper: 'embedded-cluster/store/etcd/client.ts' },
  { name: 'dockerode', wrapper: 'embedded-cluster/kubelet/docker/docker-api.ts' },
];

/**
 * The `no-restricted-imports` setting that forbids every wrapped library but `except`.
 * @param {string} [except]
 * @returns {import('eslint').Linter.RuleEntry}
 */
function restrictedLibraries(except) {
  const paths = WRAPPED_LIBRARIES.filter(({ name }) => name !== except).map(({ name, wrapper }) => ({
    name,
    message: `import ${name} only through ${wrapper}`,
  }));
  return ['error', { paths }];
}

export default defineConfig([
  globalIgnores(['out/', 'dist/', 'node_modules/', 'coverage/', '.kubedesk/', 'scratch/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['**/*.{js,mjs,cjs,ts,mts,cts,vue}'],
    plugins: { local },
    rules: {
      'local/layering': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Each third-party library sits behind one module of ours (STYLE.md, habit 6): everywhere else,
  // importing it is an error; each wrapper may import its own library only.
  {
    files: ['embedded-cluster/**/*.ts', 'src-main/**/*.ts'],
    rules: { 'no-restricted-imports': restrictedLibraries() },
  },
  ...WRAPPED_LIBRARIES.map(({ name, wrapper }) => ({
    files: [wrapper],
    rules: { 'no-restricted-imports': restrictedLibraries(name) },
  })),
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    ignores: ['src-renderer/**'],
    languageOptions: { globals: globals.node },
  },
  prettier,
]);
