/**
 * Child process of the crash suite: writes until it is killed, printing one
 * line per acknowledged write ("ack <key> <revision>") only after the store
 * acknowledged it. Usage: crash-writer.ts <dataDir> <round>
 */
import { openEmbeddedStore } from '../../embedded-cluster/store/embedded/embedded-store.js';

const [dataDir, round] = process.argv.slice(2) as [string, string];
const store = await openEmbeddedStore({ dataDir, autoCompaction: false, snapshotEveryBytes: 256 * 1024 });
const enc = (s: string) => new TextEncoder().encode(s);
process.stdout.write('ready\n');

/** Eight writers in parallel so that group commit batches several writes per fsync. */
async function writer(w: number): Promise<never> {
  for (let i = 0; ; i++) {
    const key = `/crash/${round}/${w}/${i}`;
    const value = enc(`${key}|${'x'.repeat(i % 200)}`);
    if (i % 10 === 9) {
      // A transaction of three keys: all or nothing.
      const t = await store.txn({
        success: ['a', 'b', 'c'].map((s) => ({
          op: 'put' as const,
          key: `${key}/${s}`,
          value: enc(`${key}/${s}|`),
        })),
      });
      process.stdout.write(
        `ack ${key}/a ${t.revision}\nack ${key}/b ${t.revision}\nack ${key}/c ${t.revision}\n`,
      );
    } else {
      const { revision } = await store.put(key, value);
      process.stdout.write(`ack ${key} ${revision}\n`);
    }
  }
}
await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
