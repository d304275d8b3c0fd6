/**
 * The command palette's fuzzy matcher: the query's characters must appear in order in the
 * candidate (case-insensitive), as in VS Code's quick open. Matches score higher when characters
 * are consecutive, start a word (after `-`, `.`, `/`, space or a lower-to-upper case change) or
 * start the text, and when the candidate is short; an exact or prefix match beats everything.
 */
export interface FuzzyMatch {
  score: number;
  /** Indexes of the matched characters in the candidate, for highlighting. */
  positions: number[];
}

const SEPARATORS = new Set(['-', '.', '/', ' ', '_', ':']);

function isWordStart(text: string, i: number): boolean {
  if (i === 0) return true;
  const prev = text[i - 1]!;
  if (SEPARATORS.has(prev)) return true;
  const c = text[i]!;
  return prev === prev.toLowerCase() && c !== c.toLowerCase();
}

/** Match `query` against `candidate`; undefined when it does not match. An empty query matches all. */
export function fuzzyMatch(query: string, candidate: string): FuzzyMatch | undefined {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (q === '') return { score: 0, positions: [] };
  const lower = candidate.toLowerCase();
  if (lower === q) return { score: 10_000, positions: [...q].map((_, i) => i) };
  if (lower.startsWith(q)) return { score: 5_000 - candidate.length, positions: [...q].map((_, i) => i) };

  const found = walk(q, candidate, lower, true) ?? walk(q, candidate, lower, false);
  if (!found) return undefined;
  let score = found.score;
  if (lower.includes(q)) score += 20;
  score -= candidate.length / 10;
  return { score, positions: found.positions };
}

/**
 * Greedy from the left; with `jump`, a character that does not follow the previous match goes to
 * the next word start holding it, if any (which may fail where plain greedy would not).
 */
function walk(q: string, candidate: string, lower: string, jump: boolean): FuzzyMatch | undefined {
  const positions: number[] = [];
  let score = 0;
  let from = 0;
  for (const ch of q) {
    let at = lower.indexOf(ch, from);
    if (at < 0) return undefined;
    const previous = positions.at(-1);
    if (jump && (previous === undefined || at !== previous + 1)) {
      for (let j = at; j >= 0; j = lower.indexOf(ch, j + 1)) {
        if (isWordStart(candidate, j)) {
          at = j;
          break;
        }
      }
    }
    positions.push(at);
    score += 1;
    if (previous !== undefined && at === previous + 1) score += 5;
    if (isWordStart(candidate, at)) score += 8;
    from = at + 1;
  }
  return { score, positions };
}

/** The best `limit` candidates for `query`, best first; ties keep their input order. */
export function fuzzyFilter<T>(
  query: string,
  items: readonly T[],
  textOf: (item: T) => string | string[],
  limit = 50,
): { item: T; match: FuzzyMatch; text: string }[] {
  const results: { item: T; match: FuzzyMatch; text: string; order: number }[] = [];
  items.forEach((item, order) => {
    const texts = textOf(item);
    let best: { match: FuzzyMatch; text: string } | undefined;
    for (const [i, text] of (Array.isArray(texts) ? texts : [texts]).entries()) {
      const match = fuzzyMatch(query, text);
      // Alternatives (short names, the resource's plural) count a little less than the title.
      if (match && i > 0) match.score -= 1;
      if (match && (!best || match.score > best.match.score)) best = { match, text };
    }
    if (best) results.push({ item, ...best, order });
  });
  results.sort((a, b) => b.match.score - a.match.score || a.order - b.order);
  return results.slice(0, limit).map(({ item, match, text }) => ({ item, match, text }));
}
