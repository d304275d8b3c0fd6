// `npm test`: every suite. Static checks (types, lint incl. the layering rule,
// the Electron build), then all Vitest suites (unit, integration against real
// etcd, crash, Docker). Ends with one line: `N passed, N failed[, N skipped]`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDocker } from './ensure-docker.mjs';
import { ensurePrerequisites } from './prerequisites.mjs';

ensurePrerequisites();
await ensureDocker();

const checks = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['build', 'npm', ['run', '--silent', 'build']],
  // Electron's security checklist, checked statically: no HIGH finding in src-main.
  ['electronegativity', 'node', ['scripts/electronegativity.mjs']],
];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const [name, command, args] of checks) {
  console.log(`\n== ${name}`);
  const ok = spawnSync(command, args, { stdio: 'inherit' }).status === 0;
  console.log(`${name}: ${ok ? 'passed' : 'FAILED'}`);
  if (ok) passed++;
  else failed++;
}

console.log('\n== vitest');
const reportDir = mkdtempSync(join(tmpdir(), 'kubedesk-test-'));
const report = join(reportDir, 'vitest.json');
const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
try {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + result.numTodoTests;
  // A suite that failed to load has no failed tests of its own: count it.
  failed += result.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
} catch {
  failed++;
  console.error(`vitest produced no report (exit ${vitest.status})`);
}
rmSync(reportDir, { recursive: true, force: true });
if (vitest.status !== 0 && failed === 0) failed++;

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
