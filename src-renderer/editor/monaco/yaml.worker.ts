/**
 * monaco-yaml's language server, as a worker entry of our own: importing the package's worker
 * through a local file is the workaround monaco-yaml's README gives for Vite ("Unexpected usage").
 */
import 'monaco-yaml/yaml.worker.js';
