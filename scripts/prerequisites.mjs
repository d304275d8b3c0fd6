// System programs the test suites need, installed on demand where we can
// (root on Debian), otherwise a stop with the exact command to run.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** program → the Debian package that provides it. */
export const PREREQUISITES = {
  etcd: 'etcd-server',
  // The dashboard's end-to-end suite drives Debian's Chromium through playwright-core.
  chromium: 'chromium',
};

export function onPath(program) {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Make sure each program is installed; exits with instructions when it cannot be. */
export function ensurePrerequisites(programs = Object.keys(PREREQUISITES)) {
  const missing = programs.filter((p) => !onPath(p));
  if (missing.length === 0) return;
  const packages = missing.map((p) => PREREQUISITES[p]);
  const command = `apt-get install -y ${packages.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && onPath('apt-get');
  if (!canInstall) {
    console.error(`Missing: ${missing.join(', ')}. Install with:\n\n  sudo ${command}\n`);
    process.exit(1);
  }
  console.log(`Installing ${packages.join(', ')} (${command}) ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) =>
    spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
  // A fresh machine has no package lists yet; an install failing for that reason is retried after an update.
  if (
    !run(['install', '-y', '-qq', ...packages]) &&
    !(run(['update', '-qq']) && run(['install', '-y', '-qq', ...packages]))
  ) {
    console.error(`Could not install ${packages.join(', ')}. Run:\n\n  ${command}\n`);
    process.exit(1);
  }
}
