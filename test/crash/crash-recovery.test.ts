import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../../embedded-cluster/store/embedded/embedded-store.js';
import { KEYSPACE_END, type WatchEvent } from '../../embedded-cluster/store/store.js';
import { tempDir } from '../support/temp-dir.js';

const ROUNDS = 50;
const writerScript = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));

/** Run the writer, SIGKILL it `killAfterMs` after it is ready, return the writes it saw acknowledged. */
function runAndKill(dataDir: string, round: number, killAfterMs: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writerScript, dataDir, String(round)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<string, number>();
    let pending = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const lines = (pending + d.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const [tag, key, revision] = line.split(' ');
        if (tag === 'ack') acked.set(key!, Number(revision));
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}

describe('crash recovery', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('crash');
  });
  afterAll(async () => dir?.remove());

  it(`keeps every acknowledged write and a gap-free history through ${ROUNDS} SIGKILLs`, async () => {
    let totalAcked = 0;
    let lastRevision = 1;
    for (let round = 0; round < ROUNDS; round++) {
      const acked = await runAndKill(dir.path, round, 20 + Math.floor(Math.random() * 300));
      totalAcked += acked.size;

      const store = await openEmbeddedStore({ dataDir: dir.path, autoCompaction: false });
      try {
        const { revision } = await store.status();
        // Every acknowledged write is there, with the revision it was acknowledged at.
        const all = await store.range(`/crash/${round}/`, { end: `/crash/${round}0` });
        const found = new Map(all.kvs.map((kv) => [kv.key, kv]));
        for (const [key, ackedRevision] of acked) {
          expect(found.get(key)?.modRevision, key).toBe(ackedRevision);
        }
        // Nothing half-written: each value names its own key.
        for (const kv of all.kvs) expect(new TextDecoder().decode(kv.value).split('|')[0]).toBe(kv.key);
        // The revisions since the previous round follow each other without a gap,
        // and a transaction's three keys exist together or not at all.
        const events: WatchEvent[] = [];
        if (revision > lastRevision) {
          const watch = store.watch('/', { end: KEYSPACE_END, fromRevision: lastRevision + 1 });
          for await (const batch of watch) {
            events.push(...batch);
            if (batch[batch.length - 1]!.kv.modRevision >= revision) break;
          }
        }
        const revisions = [...new Set(events.map((e) => e.kv.modRevision))];
        expect(revisions).toEqual(
          Array.from({ length: revision - lastRevision }, (_, i) => lastRevision + 1 + i),
        );
        for (const kv of all.kvs.filter((kv) => kv.key.endsWith('/a'))) {
          const base = kv.key.slice(0, -2);
          expect([found.has(`${base}/b`), found.has(`${base}/c`)]).toEqual([true, true]);
        }
        lastRevision = revision;
      } finally {
        await store.close();
      }
    }
    expect(totalAcked).toBeGreaterThan(ROUNDS * 10);
  }, 300_000);
});
