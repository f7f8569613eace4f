// Python's textwrap.wrap, as Ansible's Display wraps warnings and deprecations: the text is cut into
// chunks (runs of whitespace, and words broken after a hyphen between letters), which fill each line
// greedily; a chunk longer than a line is split, at its last hyphen that fits where it has one.
import { expandTabs } from '../util/expand-tabs.js';

// a letter as Python's [^\d\W] matches it (underscore included)
const L = '[^\\d\\W]';
// TextWrapper.wordsep_re (break_on_hyphens): whitespace, an em-dash between words, or a word up to a
// hyphen between letters, an em-dash or its end
const WORDSEP = new RegExp(
  `(\\s+|(?<=[\\w!"'&.,?])-{2,}(?=\\w)|\\S+?(?:-(?:(?<=${L}{2}-)|(?<=${L}-${L}-))(?=${L}-?${L})|(?=\\s|$)|(?<=[\\w!"'&.,?])(?=-{2,}\\w)))`,
);

/** textwrap.wrap(text, width, drop_whitespace=dropWhitespace): Ansible's warnings drop it, its deprecations keep it. */
export function textWrap(text: string, width: number, dropWhitespace = true): string[] {
  // _munge_whitespace: tabs expanded, every other whitespace character a space
  const munged = expandTabs(text).replace(/[\n\v\f\r]/g, ' ');
  const chunks = munged.split(WORDSEP).filter((c) => c !== '').reverse();
  const lines: string[] = [];
  const blank = (c: string | undefined): boolean => c !== undefined && c.trim() === '';
  while (chunks.length) {
    const line: string[] = [];
    let len = 0;
    // whitespace starting a line is dropped, unless it starts the text
    if (dropWhitespace && blank(chunks[chunks.length - 1]) && lines.length) chunks.pop();
    while (chunks.length && len + (chunks[chunks.length - 1] as string).length <= width) {
      const c = chunks.pop() as string;
      line.push(c);
      len += c.length;
    }
    if (chunks.length && (chunks[chunks.length - 1] as string).length > width) longWord(chunks, line, len, width);
    if (dropWhitespace && blank(line[line.length - 1])) line.pop();
    if (line.length) lines.push(line.join(''));
  }
  return lines;
}

// _handle_long_word: as much of the chunk as fits (up to its last hyphen that fits, after a non-hyphen)
function longWord(chunks: string[], line: string[], len: number, width: number): void {
  const space = Math.max(width - len, 1);
  const chunk = chunks[chunks.length - 1] as string;
  let end = space;
  const hyphen = chunk.lastIndexOf('-', space - 1);
  if (hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen))) end = hyphen + 1;
  line.push(chunk.slice(0, end));
  chunks[chunks.length - 1] = chunk.slice(end);
}
