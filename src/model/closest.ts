// "Did you mean …?": the names closest to a misspelt one, by edit distance
// (insertions, deletions, substitutions and swaps of neighbours), ignoring case.
// Bounded: names are compared only up to MAX_LENGTH characters.

const MAX_LENGTH = 64;

/** Optimal string alignment distance between a and b, or Infinity once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const s = a.slice(0, MAX_LENGTH).toLowerCase();
  const t = b.slice(0, MAX_LENGTH).toLowerCase();
  if (Math.abs(s.length - t.length) > limit) return Infinity;
  let before: number[] = [];
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return Infinity;
    before = previous;
    previous = row;
  }
  const d = previous[t.length]!;
  return d > limit ? Infinity : d;
}

/**
 * Up to `max` of the candidates nearest to `word`: within a third of its
 * length (at least 1, at most 3 edits), or differing only in case.
 */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const scored: Array<{ name: string; d: number }> = [];
  const seen = new Set<string>();
  for (const name of candidates) {
    if (seen.has(name) || name === word) continue;
    seen.add(name);
    const d = editDistance(word, name, limit);
    if (d <= limit) scored.push({ name, d });
  }
  scored.sort((x, y) => x.d - y.d || x.name.localeCompare(y.name));
  // Only the nearest: one edit away beats two.
  return scored.filter((x) => x.d === scored[0]!.d).slice(0, max).map((x) => x.name);
}

/** ", did you mean X?" / " (did you mean X or Y?)" text, or '' when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const found = closest(word, candidates);
  if (found.length === 0) return '';
  const list = found.length === 1 ? found[0]! : `${found.slice(0, -1).join(', ')} or ${found[found.length - 1]}`;
  return `did you mean ${list}?`;
}
