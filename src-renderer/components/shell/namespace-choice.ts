/** What the namespace picker's button says for a pick (empty: all). */
export function pickLabel(picked: readonly string[]): string {
  if (picked.length === 0) return 'All namespaces';
  if (picked.length === 1) return picked[0]!;
  return `${picked.length} namespaces`;
}

/** Toggle one namespace in a multiple pick; unticking the last one means all again. */
export function togglePick(picked: readonly string[], name: string): string[] {
  return picked.includes(name) ? picked.filter((n) => n !== name) : [...picked, name].sort();
}
