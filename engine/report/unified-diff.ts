// Unified diffs of text files as --diff shows them, line for line as Ansible's callback makes them: the
// texts split as Python's splitlines(keepends) splits them, a last line without a line break marked
// ("\ No newline at end of file" joined to it, so "x" and "x\n" differ), and Python's difflib.unified_diff
// (SequenceMatcher's longest matches, its "popular" lines of long texts, hunks of 3 lines of context).

// Python's str.splitlines(True): every line keeps its ending (\n, \r\n, \r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029)
function splitLines(text: string): string[] {
  return text.match(/[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|$)/g)?.filter((l) => l !== '') ?? [];
}

// the lines as the callback diffs them: a last line without a line break carries the marker
function calloutLines(text: string): string[] {
  const lines = splitLines(text);
  const last = lines.length - 1;
  if (last >= 0 && !(lines[last] as string).endsWith('\n')) lines[last] += '\n\\ No newline at end of file\n';
  return lines;
}

type Block = [number, number, number];
type Opcode = ['equal' | 'replace' | 'delete' | 'insert', number, number, number, number];

// difflib.SequenceMatcher(None, a, b) with autojunk: b's lines by position, a line in more than 1% of a
// text of 200 lines or more left out ("popular")
class SequenceMatcher {
  private readonly b2j = new Map<string, number[]>();
  constructor(
    private readonly a: string[],
    private readonly b: string[],
  ) {
    b.forEach((line, j) => {
      const at = this.b2j.get(line);
      if (at) at.push(j);
      else this.b2j.set(line, [j]);
    });
    if (b.length >= 200) {
      const most = Math.floor(b.length / 100) + 1;
      for (const [line, at] of [...this.b2j]) if (at.length > most) this.b2j.delete(line);
    }
  }

  private longestMatch(alo: number, ahi: number, blo: number, bhi: number): Block {
    const { a, b } = this;
    let [besti, bestj, bestsize] = [alo, blo, 0];
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of this.b2j.get(a[i] as string) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) [besti, bestj, bestsize] = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    // grown over the popular lines at each end (no line is junk: isjunk is None)
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) [besti, bestj, bestsize] = [besti - 1, bestj - 1, bestsize + 1];
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return [besti, bestj, bestsize];
  }

  private matchingBlocks(): Block[] {
    const queue: [number, number, number, number][] = [[0, this.a.length, 0, this.b.length]];
    const blocks: Block[] = [];
    while (queue.length) {
      const [alo, ahi, blo, bhi] = queue.pop() as [number, number, number, number];
      const [i, j, k] = this.longestMatch(alo, ahi, blo, bhi);
      if (!k) continue;
      blocks.push([i, j, k]);
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
    blocks.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
    const joined: Block[] = [];
    let [i1, j1, k1] = [0, 0, 0];
    for (const [i2, j2, k2] of blocks) {
      if (i1 + k1 === i2 && j1 + k1 === j2) k1 += k2;
      else {
        if (k1) joined.push([i1, j1, k1]);
        [i1, j1, k1] = [i2, j2, k2];
      }
    }
    if (k1) joined.push([i1, j1, k1]);
    joined.push([this.a.length, this.b.length, 0]);
    return joined;
  }

  opcodes(): Opcode[] {
    const out: Opcode[] = [];
    let [i, j] = [0, 0];
    for (const [ai, bj, size] of this.matchingBlocks()) {
      const tag = i < ai && j < bj ? 'replace' : i < ai ? 'delete' : j < bj ? 'insert' : undefined;
      if (tag) out.push([tag, i, ai, j, bj]);
      [i, j] = [ai + size, bj + size];
      if (size) out.push(['equal', ai, i, bj, j]);
    }
    return out;
  }

  // get_grouped_opcodes(n): the changes with n lines of context, a group per hunk
  groups(n: number): Opcode[][] {
    const codes = this.opcodes();
    if (!codes.length) codes.push(['equal', 0, 1, 0, 1]);
    const first = codes[0] as Opcode;
    if (first[0] === 'equal') codes[0] = ['equal', Math.max(first[1], first[2] - n), first[2], Math.max(first[3], first[4] - n), first[4]];
    const last = codes[codes.length - 1] as Opcode;
    if (last[0] === 'equal') codes[codes.length - 1] = ['equal', last[1], Math.min(last[2], last[1] + n), last[3], Math.min(last[4], last[3] + n)];
    const groups: Opcode[][] = [];
    let group: Opcode[] = [];
    for (const code of codes) {
      let [tag, i1, i2, j1, j2] = code;
      if (tag === 'equal' && i2 - i1 > 2 * n) {
        group.push([tag, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)]);
        groups.push(group);
        group = [];
        [i1, j1] = [Math.max(i1, i2 - n), Math.max(j1, j2 - n)];
      }
      group.push([tag, i1, i2, j1, j2]);
    }
    if (group.length && !(group.length === 1 && (group[0] as Opcode)[0] === 'equal')) groups.push(group);
    return groups;
  }
}

// difflib's _format_range_unified
function range(start: number, stop: number): string {
  const length = stop - start;
  if (length === 1) return `${start + 1}`;
  return `${length ? start + 1 : start},${length}`;
}

/** The unified diff between two texts (empty when they give none); a header not given is shown bare ("--- before"), as Ansible's callback shows it. */
export function unifiedDiff(before: string, after: string, beforeHeader: string | undefined, afterHeader: string | undefined, context = 3): string {
  const a = calloutLines(before);
  const b = calloutLines(after);
  const out: string[] = [];
  for (const group of new SequenceMatcher(a, b).groups(context)) {
    if (!out.length) out.push(`--- ${beforeHeader === undefined ? 'before' : `before: ${beforeHeader}`}\n`, `+++ ${afterHeader === undefined ? 'after' : `after: ${afterHeader}`}\n`);
    const [first, last] = [group[0] as Opcode, group[group.length - 1] as Opcode];
    out.push(`@@ -${range(first[1], last[2])} +${range(first[3], last[4])} @@\n`);
    for (const [tag, i1, i2, j1, j2] of group) {
      if (tag === 'equal') for (const line of a.slice(i1, i2)) out.push(` ${line}`);
      if (tag === 'replace' || tag === 'delete') for (const line of a.slice(i1, i2)) out.push(`-${line}`);
      if (tag === 'replace' || tag === 'insert') for (const line of b.slice(j1, j2)) out.push(`+${line}`);
    }
  }
  return out.join('');
}
