// Python's str.expandtabs(): a tab moves to the next multiple of the tab size, a line break starts over.
// Ansible's debug output wraps text that went through it (report/textwrap.ts), and templates call it.

/** `text.expandtabs(size)` as Python gives it. */
export function expandTabs(text: string, size = 8): string {
  let col = 0;
  let out = '';
  for (const ch of text) {
    if (ch === '\t') {
      const n = size > 0 ? size - (col % size) : 0;
      out += ' '.repeat(n);
      col += n;
    } else {
      out += ch;
      col = ch === '\n' || ch === '\r' ? 0 : col + 1;
    }
  }
  return out;
}
