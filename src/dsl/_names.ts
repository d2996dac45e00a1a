/**
 * Name helpers: node ranges and "did you mean" suggestions.
 *
 * A node range `n1..n5` expands to n1, n2, n3, n4, n5: both ends share a
 * prefix and end in decimal digits; zero padding (`n01..n10`) is kept.
 * Suggestions use the Levenshtein edit distance.
 */
import type { Result } from './_units.js';
import { fail, ok } from './_units.js';

/** The most nodes one range may declare; beyond this the scenario is surely a typo. */
export const MAX_RANGE = 100_000;

/** Expand `first..last` to the node names it declares. */
export function expandRange(first: string, last: string): Result<string[]> {
  const a = /^(.*?)([0-9]+)$/.exec(first);
  const b = /^(.*?)([0-9]+)$/.exec(last);
  if (!a || !b) return fail(`a node range needs numbered ends like n1..n5, got ${first}..${last}`, 'invalid-node-range');
  if (a[1] !== b[1]) return fail(`a node range needs the same prefix at both ends, got '${a[1]}' and '${b[1]}' in ${first}..${last}`, 'invalid-node-range');
  const from = Number(a[2]);
  const to = Number(b[2]);
  if (to < from) return fail(`the node range ${first}..${last} ends before it starts`, 'invalid-node-range');
  if (to - from + 1 > MAX_RANGE) return fail(`the node range ${first}..${last} declares more than ${MAX_RANGE} nodes`, 'invalid-node-range');
  const width = a[2]!.startsWith('0') ? a[2]!.length : 0;
  const out: string[] = [];
  for (let i = from; i <= to; i++) out.push(a[1] + String(i).padStart(width, '0'));
  return ok(out);
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a third of the word's length (at least 1 edit, fewer than the word's length), if any. */
export function suggest(word: string | undefined, candidates: Iterable<string>): string | undefined {
  if (typeof word !== 'string' || word.length === 0) return undefined;
  let best: string | undefined;
  let bestD = Math.min(Math.max(1, Math.floor(word.length / 3)) + 1, word.length);
  for (const c of candidates) {
    if (typeof c !== 'string') continue;
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** ` (did you mean 'x'?)` or an empty string. */
export function didYouMean(word: string | undefined, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s ? ` (did you mean '${s}'?)` : '';
}

/** `a, b, c` for messages, shortened past `max` items. */
export function listNames(names: readonly string[], max = 12): string {
  if (names.length === 0) return '(none)';
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, … (${names.length} in all)`;
}
