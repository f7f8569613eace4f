// "did you mean ...?" suggestions for misspelled keywords, modules and options.

/** Levenshtein edit distance. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}

/** "did you mean 'x'?" for the closest candidate within a reasonable distance, else undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  // an abbreviation of exactly one candidate (state: dir -> directory)
  const prefixed = word.length >= 3 ? list.filter((c) => c.toLowerCase().startsWith(word.toLowerCase())) : [];
  if (prefixed.length === 1) return `did you mean '${prefixed[0]}'?`;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of list) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return best !== undefined && bestD <= limit ? `did you mean '${best}'?` : undefined;
}
