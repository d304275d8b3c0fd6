// `npm run images`: build, with no registry, the images an offline machine and the
// Docker test suites need — kubedesk/pause:3.10 (the sandbox image used when
// registry.k8s.io/pause:3.10 cannot be pulled), busybox:latest / busybox:1.36
// from Debian's busybox-static, and luksa/kubia (latest, v1, v2, v3) and
// luksa/kubia-unhealthy, stand-ins for Kubernetes in Action's images: the book's
// Node.js app on this machine's own node binary; kubedesk/net-helper:test, kube-proxy's
// helper container on this machine's iptables. Each image carries a hash of its
// inputs as a label and is rebuilt only when missing or when those inputs changed,
// so a second run takes well under a second.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  mkdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS_LABEL = 'dev.kubedesk.inputs';

/** A statically linked busybox on this machine (Debian: busybox-static), or undefined. */
export function staticBusybox() {
  for (const path of ['/bin/busybox', '/usr/bin/busybox']) {
    if (existsSync(path) && isStaticElf(path)) return path;
  }
  return undefined;
}

/** An ELF executable without a PT_INTERP program header needs no dynamic loader. */
function isStaticElf(path) {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) return false; // ELF64 only
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === 3) return false; // PT_INTERP
    return true;
  } finally {
    closeSync(fd);
  }
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', ...options });
}

const hasGcc = () => run('gcc', ['--version']).status === 0;

/** The pause program: compiled from pause.c when a C compiler is here, else busybox's shell. */
const PAUSE_FALLBACK_DOCKERFILE = `# kubedesk/pause:3.10 without a C compiler: busybox's shell waits for SIGTERM/SIGINT and exits 0.
FROM scratch
COPY pause /bin/busybox
USER 65535:65535
ENTRYPOINT ["/bin/busybox", "sh", "-c", "trap 'exit 0' TERM INT; while :; do /bin/busybox sleep 2147483647 & wait $!; done"]
`;

const IMAGES = [
  {
    tags: ['kubedesk/pause:3.10'],
    inputs(busybox) {
      const dir = join(root, 'images/pause');
      if (hasGcc()) {
        return {
          key: ['gcc', readFileSync(join(dir, 'Dockerfile')), readFileSync(join(dir, 'pause.c'))],
          prepare(context) {
            copyFileSync(join(dir, 'Dockerfile'), join(context, 'Dockerfile'));
            const cc = run('gcc', [
              '-static',
              '-Os',
              '-s',
              '-o',
              join(context, 'pause'),
              join(dir, 'pause.c'),
            ]);
            if (cc.status !== 0)
              throw new Error(`gcc -static failed (is libc6-dev installed?):\n${cc.stderr}`);
          },
        };
      }
      return {
        key: ['busybox', PAUSE_FALLBACK_DOCKERFILE, readFileSync(busybox)],
        prepare(context) {
          writeFileSync(join(context, 'Dockerfile'), PAUSE_FALLBACK_DOCKERFILE);
          copyFileSync(busybox, join(context, 'pause'));
        },
      };
    },
  },
  {
    tags: ['busybox:latest', 'busybox:1.36'],
    inputs(busybox) {
      const dir = join(root, 'images/busybox');
      return {
        key: [
          readFileSync(join(dir, 'Dockerfile')),
          readFileSync(join(dir, 'etc/passwd')),
          readFileSync(join(dir, 'etc/group')),
          readFileSync(busybox),
        ],
        prepare(context) {
          cpSync(dir, context, { recursive: true });
          copyFileSync(busybox, join(context, 'busybox'));
        },
      };
    },
  },
  {
    tags: ['luksa/kubia:latest', 'luksa/kubia:v1'],
    inputs(busybox) {
      const dir = join(root, 'images/kubia');
      return hostFilesImage(dir, nodeRuntimeFiles(), busybox, [[join(dir, 'app.js'), 'app.js']]);
    },
  },
  {
    tags: ['kubedesk/net-helper:test'],
    inputs(busybox) {
      const files = iptablesFiles();
      return files.length === 0 ? undefined : hostFilesImage(join(root, 'images/net-helper'), files, busybox);
    },
  },
  ...[
    ['luksa/kubia:v2', 'v2'],
    ['luksa/kubia:v3', 'v3'],
    ['luksa/kubia-unhealthy:latest', 'unhealthy'],
  ].map(([tag, variant]) => ({
    tags: [tag],
    inputs() {
      // Built on luksa/kubia:v1 (just built above), so its hash is part of the inputs.
      const dockerfile = `FROM luksa/kubia:v1\nENV KUBIA_VARIANT=${variant}\n`;
      return {
        key: [dockerfile, builtWith('luksa/kubia:v1') ?? ''],
        prepare(context) {
          writeFileSync(join(context, 'Dockerfile'), dockerfile);
        },
      };
    },
  })),
];

/**
 * A `FROM scratch` image of this machine's own files: `dir`'s Dockerfile, `files` under their own
 * paths in rootfs/, Debian's static busybox at /bin/busybox, and `extras` ([from, path in rootfs]).
 * Host files count by size and time, not content (the node binary is large).
 */
function hostFilesImage(dir, files, busybox, extras = []) {
  return {
    key: [
      readFileSync(join(dir, 'Dockerfile')),
      ...extras.map(([from]) => readFileSync(from)),
      readFileSync(busybox),
      ...files.map((file) => `${file}:${statSync(file).size}:${statSync(file).mtimeMs}`),
    ],
    prepare(context) {
      copyFileSync(join(dir, 'Dockerfile'), join(context, 'Dockerfile'));
      const rootfs = join(context, 'rootfs');
      for (const file of files) {
        mkdirSync(join(rootfs, dirname(file)), { recursive: true });
        copyFileSync(file, join(rootfs, file));
      }
      mkdirSync(join(rootfs, 'bin'), { recursive: true });
      copyFileSync(busybox, join(rootfs, 'bin/busybox'));
      for (const [from, to] of extras) copyFileSync(from, join(rootfs, to));
    },
  };
}

/**
 * This machine's node binary, its shared libraries and their loader (from `ldd`), as absolute
 * paths: what a `FROM scratch` image needs to run it.
 */
function nodeRuntimeFiles() {
  const node = realpathSync(process.execPath);
  const ldd = run('ldd', [node]);
  if (ldd.status !== 0) throw new Error(`ldd ${node} failed:\n${ldd.stderr}`);
  const libraries = [...ldd.stdout.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]);
  return [node, ...new Set(libraries)];
}

/**
 * This machine's iptables (both multi-call binaries, every extension they load at run time) and
 * the shared libraries all of them need, as absolute paths. Empty when iptables is not installed
 * (the helper's image is then not built; only the suite that needs it skips).
 */
function iptablesFiles() {
  const binaries = ['/usr/sbin/xtables-nft-multi', '/usr/sbin/xtables-legacy-multi'].filter((f) =>
    existsSync(f),
  );
  if (binaries.length === 0) return [];
  const extensions = run('sh', ['-c', 'ls -d /usr/lib/*/xtables/*.so /usr/lib/xtables/*.so 2>/dev/null'])
    .stdout.split('\n')
    .filter(Boolean);
  const libraries = new Set();
  for (const file of [...binaries, ...extensions]) {
    const ldd = run('ldd', [file]);
    for (const m of ldd.stdout.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)) libraries.add(m[1]);
  }
  // copyFileSync follows links: a library lands under the name it is loaded by.
  return [...binaries, ...extensions, ...libraries];
}

function inputsHash(parts) {
  const hash = createHash('sha256');
  for (const part of parts)
    hash
      .update(String(Buffer.byteLength(part)))
      .update(':')
      .update(part);
  return hash.digest('hex').slice(0, 32);
}

function builtWith(tag) {
  const result = run('docker', [
    'image',
    'inspect',
    '--format',
    `{{index .Config.Labels "${INPUTS_LABEL}"}}`,
    tag,
  ]);
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Build every image whose inputs changed; throws with the tool's output when a build fails. */
export function buildImages({ log = console.log } = {}) {
  const version = run('docker', ['version', '--format', '{{.Server.Version}}']);
  if (version.status !== 0) {
    throw new Error(`Docker is not reachable:\n${(version.stderr || version.error?.message || '').trim()}`);
  }
  const busybox = staticBusybox();
  if (!busybox)
    throw new Error(
      'No statically linked busybox found. Install it with:\n\n  sudo apt-get install -y busybox-static\n',
    );
  for (const image of IMAGES) {
    const inputs = image.inputs(busybox);
    if (!inputs) {
      log(`${image.tags.join(', ')}: skipped (iptables is not installed)`);
      continue;
    }
    const hash = inputsHash(inputs.key);
    if (image.tags.every((tag) => builtWith(tag) === hash)) {
      log(`${image.tags.join(', ')}: up to date`);
      continue;
    }
    const context = mkdtempSync(join(tmpdir(), 'kubedesk-image-'));
    try {
      inputs.prepare(context);
      const started = Date.now();
      const build = run(
        'docker',
        [
          'build',
          '--quiet',
          '--label',
          `${INPUTS_LABEL}=${hash}`,
          ...image.tags.flatMap((tag) => ['-t', tag]),
          context,
        ],
        // The classic builder needs no buildx plugin (Debian's docker.io has none).
        { env: { ...process.env, DOCKER_BUILDKIT: '0' } },
      );
      if (build.status !== 0)
        throw new Error(`docker build of ${image.tags[0]} failed:\n${build.stdout}${build.stderr}`);
      log(`${image.tags.join(', ')}: built in ${Date.now() - started} ms`);
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildImages();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
