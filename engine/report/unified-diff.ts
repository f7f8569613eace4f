// Unified diffs of text files as --diff shows them (`--- before: PATH` / `+++ after: PATH`, hunks
// with 3 lines of context), computed with a longest-common-subsequence table over lines.

interface Op {
  kind: ' ' | '-' | '+';
  line: string;
}

const NO_EOL = '\u0000';

// A last line without a newline is marked, so "x" and "x\n" differ as diff(1) shows them.
function splitKeepingEol(text: string): { lines: string[] } {
  if (text === '') return { lines: [] };
  const noEol = !text.endsWith('\n');
  const lines = (noEol ? text : text.slice(0, -1)).split('\n');
  if (noEol) lines[lines.length - 1] += NO_EOL;
  return { lines };
}

function lineOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i:], b[j:]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const next = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) row[j] = a[i] === b[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++] as string });
      j++;
    } else if (i < n && (j >= m || ((lcs[i + 1] as Uint32Array)[j] as number) >= ((lcs[i] as Uint32Array)[j + 1] as number))) ops.push({ kind: '-', line: a[i++] as string });
    else ops.push({ kind: '+', line: b[j++] as string });
  }
  return ops;
}

/** The unified diff between two texts (empty when equal); a header not given is shown bare ("--- before"), as Ansible's callback shows it. */
export function unifiedDiff(before: string, after: string, beforeHeader: string | undefined, afterHeader: string | undefined, context = 3): string {
  if (before === after) return '';
  const A = splitKeepingEol(before);
  const B = splitKeepingEol(after);
  const ops = lineOps(A.lines, B.lines);
  const out = [beforeHeader === undefined ? '--- before' : `--- before: ${beforeHeader}`, afterHeader === undefined ? '+++ after' : `+++ after: ${afterHeader}`];
  let k = 0;
  while (k < ops.length) {
    if ((ops[k] as Op).kind === ' ') {
      k++;
      continue;
    }
    let start = Math.max(0, k - context);
    let end = k;
    // extend the hunk while changes are closer than 2*context lines apart
    for (;;) {
      while (end < ops.length && (ops[end] as Op).kind !== ' ') end++;
      let gap = end;
      while (gap < ops.length && (ops[gap] as Op).kind === ' ') gap++;
      if (gap < ops.length && gap - end <= 2 * context) end = gap;
      else {
        end = Math.min(ops.length, end + context);
        break;
      }
    }
    let aLine = 1;
    let bLine = 1;
    for (let x = 0; x < start; x++) {
      if ((ops[x] as Op).kind !== '+') aLine++;
      if ((ops[x] as Op).kind !== '-') bLine++;
    }
    const hunk = ops.slice(start, end);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    const range = (s: number, len: number): string => (len === 1 ? `${s}` : `${len === 0 ? s - 1 : s},${len}`);
    out.push(`@@ -${range(aLine, aLen)} +${range(bLine, bLen)} @@`);
    for (const o of hunk) {
      const marked = o.line.endsWith(NO_EOL);
      out.push(o.kind + (marked ? o.line.slice(0, -1) : o.line));
      if (marked) out.push('\\ No newline at end of file');
    }
    k = end;
    start = end;
  }
  return out.join('\n') + '\n';
}
