/**
 * "Did you mean": the closest names to one a model got wrong. Names are compared without case and
 * without `_`/`-`, so `user_id` finds `userId` and `Users-List` finds `users:list`.
 */

/**
 * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), since that is
 * the commonest typo (`itmes`); abandons once it exceeds `max` (returns max + 1 then).
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (before[j - 2] ?? 0) + 1);
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
    before = prev;
    prev = row;
  }
  return prev[b.length] ?? max + 1;
}

const fold = (name: string): string => name.toLowerCase().replace(/[_-]/g, '');

/** Distances a typo may have: 1 for short names, about a quarter of the length for long ones. */
export const typoBudget = (name: string): number => Math.max(1, Math.min(4, Math.floor(name.length / 4)));

/**
 * Candidates within the typo budget of `wanted`, closest first (ties in candidate order), at most
 * `limit`. Exact matches after folding come first.
 */
export function closestNames(wanted: string, candidates: Iterable<string>, limit = 3, max = typoBudget(wanted)): string[] {
  const target = fold(wanted);
  const scored: [string, number, number][] = [];
  let order = 0;
  for (const candidate of candidates) {
    const distance = editDistance(target, fold(candidate), max);
    if (distance <= max) scored.push([candidate, distance, order]);
    order++;
  }
  return scored.sort((a, b) => a[1] - b[1] || a[2] - b[2]).slice(0, limit).map(([name]) => name);
}
