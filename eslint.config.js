// ESLint flat config. `npm run lint` runs it over the whole repository; `local/layering`
// (eslint/layering-plugin.js) fails the build when a folder imports one it may not.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier/flat';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import local from './eslint/layering-plugin.js';

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
