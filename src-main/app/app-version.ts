import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The app's version from its package.json: the nearest one named `kubedesk` above `from` (a
 * module's URL). Searched rather than imported because this code runs from src-main/ (tests),
 * out/cli/ (the `kubedesk ui` bundle) and out/main/ (Electron), each at a different depth.
 */
export function appVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'kubedesk' && manifest.version) return manifest.version;
    } catch {
      // none here
    }
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}
