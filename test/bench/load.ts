/**
 * Helpers shared by the store suite and its RSS child. Kept free of heavy
 * imports: the child's memory is what gets measured.
 */

/** Run `task(0..count-1)` with at most `concurrency` in flight. */
export async function load(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/**
 * A fresh copy of `template` with `i` stamped into its first bytes. Every
 * write gets its own buffer: the embedded index keeps the caller's buffer, as
 * it would an API server's, so sharing one would understate memory.
 */
export function valueFor(template: Uint8Array, i: number): Uint8Array {
  const value = new Uint8Array(template);
  new DataView(value.buffer).setUint32(0, i);
  return value;
}
