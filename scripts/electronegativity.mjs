// `node scripts/electronegativity.mjs [DIR]`: Doyensec's Electronegativity (static checks for Electron's
// security checklist) over DIR (default src-main/). Prints every finding; exits 1 on any of HIGH severity, or
// when the scan itself fails. Offline is fine: its update and release look-ups just fail.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const cli = require.resolve('@doyensec/electronegativity/dist/index.js');
// The checks depend on Electron's defaults: tell it which Electron, or it assumes 0.1.0.
const { version: electronVersion } = JSON.parse(
  readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8'),
);

const input = process.argv[2] ?? 'src-main';
const dir = mkdtempSync(path.join(tmpdir(), 'kubedesk-electronegativity-'));
const report = path.join(dir, 'report.csv');
let findings;
try {
  const scan = spawnSync(process.execPath, [cli, '-i', input, '-o', report, '-r', '-e', electronVersion], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  let text;
  try {
    text = readFileSync(report, 'utf8');
  } catch {
    console.error(
      `electronegativity: the scan produced no report (exit ${scan.status}):\n${scan.stdout}${scan.stderr}`,
    );
    process.exit(1);
  }
  const [header, ...rows] = parseCsv(text);
  const column = (name) => header.findIndex((title) => title.trim() === name);
  const at = Object.fromEntries(
    ['issue', 'severity', 'confidence', 'filename', 'location', 'description'].map((n) => [n, column(n)]),
  );
  findings = rows
    .filter((row) => row.length > 1)
    .map((row) =>
      Object.fromEntries(Object.entries(at).map(([name, index]) => [name, row[index]?.trim() ?? ''])),
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

for (const f of findings) {
  console.log(
    `${f.severity.padEnd(13)} ${f.issue} (${f.confidence}) ${input}/${f.filename}:${f.location} — ${f.description}`,
  );
}
const high = findings.filter((f) => f.severity === 'HIGH');
console.log(`electronegativity: ${findings.length} findings, ${high.length} of high severity`);
process.exit(high.length === 0 ? 0 : 1);

/** RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes. */
function parseCsv(text) {
  const rows = [[]];
  let field = '';
  let quoted = false;
  const endField = () => {
    rows.at(-1).push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') {
      endField();
      rows.push([]);
    } else if (c !== '\r') field += c;
  }
  rows.at(-1).push(field);
  return rows;
}
