// Splits a Jinja template into text, `{{ }}` outputs, `{% %}` statements and comments, applying
// Jinja's whitespace control (`-`, `+`) and the environment's trim_blocks/lstrip_blocks, delimiters and
// newline_sequence as Jinja's own lexer does. `{% raw %}` bodies are text. Every tag keeps its line
// and column for errors.

/** What the lexer produces. */
export type Piece =
  | { k: 'text'; text: string }
  | { k: 'out' | 'stmt'; src: string; line: number; /** Where the tag's body starts (after `{{`, `{%`, `-`). */ col: number };

/** The strings that open and close a template's tags (Jinja's variable_start_string and the five others). */
export interface Delimiters {
  variableStart: string;
  variableEnd: string;
  blockStart: string;
  blockEnd: string;
  commentStart: string;
  commentEnd: string;
}

/** Ansible's settings for YAML strings and template files (trim_blocks on, lstrip_blocks off, Jinja's delimiters). */
export const ANSIBLE_WS: WhitespaceOptions = { trimBlocks: true, lstripBlocks: false };

/** Each delimiter's name in Jinja's environment (the template module's option, a `#jinja2:` key). */
export const DELIMITER_SETTINGS: Readonly<Record<string, keyof Delimiters>> = {
  variable_start_string: 'variableStart',
  variable_end_string: 'variableEnd',
  block_start_string: 'blockStart',
  block_end_string: 'blockEnd',
  comment_start_string: 'commentStart',
  comment_end_string: 'commentEnd',
};

/** Jinja's own delimiters. */
export const JINJA_DELIMITERS: Delimiters = { variableStart: '{{', variableEnd: '}}', blockStart: '{%', blockEnd: '%}', commentStart: '{#', commentEnd: '#}' };

/** Jinja environment settings that change how a template is read (the template module's and `#jinja2:`'s). */
export interface WhitespaceOptions {
  trimBlocks: boolean;
  lstripBlocks: boolean;
  /** Other delimiters than Jinja's own. */
  delimiters?: Delimiters | undefined;
  /** The line break the template's own text is written with (Jinja's newline_sequence; `\n` when not given). */
  newline?: string | undefined;
  /** The template's last line break is kept (Jinja's keep_trailing_newline; Jinja drops it by default). */
  keepTrailingNewline?: boolean | undefined;
}

/** A template syntax problem at a line and column of the template. */
export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

function lineCol(src: string, at: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = src.indexOf('\n'); i !== -1 && i < at; i = src.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, col: at - start + 1 };
}

// Where a tag's body ends: the first `close` outside string literals and (for `}}`) outside
// brackets, as Jinja's lexer balances them (`{{ {'a': {'b': 1}} }}`).
function tagEnd(src: string, from: number, close: string): number {
  let depth = 0;
  let first = -1; // an unbalanced tag ends at its first close, so the parser can say what is wrong
  for (let i = from; i < src.length; i++) {
    const c = src[i] as string;
    if (c === "'" || c === '"') {
      let j = i + 1;
      for (; j < src.length; j++) {
        if (src[j] === '\\') j++;
        else if (src[j] === c) break;
      }
      if (j >= src.length) return -1;
      i = j;
      continue;
    }
    const closes = src.startsWith(close, i) || src.startsWith('-' + close, i);
    if (closes && depth === 0) return i;
    if (closes && first === -1) first = i;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
  }
  return first;
}

const escaped = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// the first tag opening at or after `from`: where, which, and its opening string (the longest of those
// that start there, as Jinja's lexer tries the longer first). `seen` keeps each opening's next place, so
// the text is searched once for each kind (-1: none left)
function nextOpening(src: string, from: number, d: Delimiters, seen: Record<'out' | 'stmt' | 'comment', number>): { at: number; kind: 'out' | 'stmt' | 'comment'; open: string } | undefined {
  let best: { at: number; kind: 'out' | 'stmt' | 'comment'; open: string } | undefined;
  for (const [kind, open] of [['out', d.variableStart], ['stmt', d.blockStart], ['comment', d.commentStart]] as const) {
    if (seen[kind] !== -1 && seen[kind] < from) seen[kind] = src.indexOf(open, from);
    const at = seen[kind];
    if (at !== -1 && (!best || at < best.at || (at === best.at && open.length > best.open.length))) best = { at, kind, open };
  }
  return best;
}

/** Splits `src` into pieces; throws TemplateSyntaxError for an unclosed tag or comment. */
export function lex(src: string, ws: WhitespaceOptions): Piece[] {
  const d = ws.delimiters ?? JINJA_DELIMITERS;
  const nl = ws.newline ?? '\n';
  const rawEnd = new RegExp(`${escaped(d.blockStart)}([-+]?)\\s*endraw\\s*([-+]?)${escaped(d.blockEnd)}`, 'g');
  const seen = { out: -2, stmt: -2, comment: -2 };
  const out: Piece[] = [];
  let text = '';
  let i = 0;
  let stripNext = false; // a `-` closed the last tag: the following whitespace goes
  let trimNewline = false; // trim_blocks after a block tag or comment
  // the text since the last tag: where it starts in `text`, and whether it starts a line (the template's
  // start, or the tag before it ended with a line break, its own or one trim_blocks or `-` took)
  let segment = 0;
  let segmentStartsLine = true;
  const pushText = (t: string, from: number): void => {
    let s = t;
    if (stripNext) s = s.replace(/^\s+/, '');
    else if (trimNewline) s = s.replace(/^\r?\n/, '');
    const taken = t.length - s.length;
    segmentStartsLine = from === 0 ? taken === 0 || t[taken - 1] === '\n' : (taken > 0 ? t[taken - 1] : src[from - 1]) === '\n';
    stripNext = false;
    trimNewline = false;
    segment = text.length;
    text += s;
  };
  // a `-` opening strips the whitespace the text since the last tag ends with
  const stripSegmentEnd = (): void => {
    text = text.slice(0, segment) + text.slice(segment).replace(/\s+$/, '');
  };
  // a block tag or comment opening: `-` strips all whitespace before it, lstrip_blocks the
  // spaces and tabs that are all that stands before it on its line (unless `+`), as Jinja's lexer:
  // only when that line starts in the text since the last tag
  const beforeBlock = (mark: string): void => {
    if (mark === '-') stripSegmentEnd();
    else if (ws.lstripBlocks && mark !== '+') {
      const lineAt = text.lastIndexOf('\n') + 1;
      const from = Math.max(lineAt, segment);
      if ((lineAt > segment || segmentStartsLine) && /^[ \t]*$/.test(text.slice(from))) text = text.slice(0, from);
    }
  };
  // the template's own text is written with the environment's line break (the source's are \n here)
  const flush = (): void => {
    if (text) out.push({ k: 'text', text: nl === '\n' ? text : text.replaceAll('\n', nl) });
    text = '';
  };
  while (i < src.length) {
    const opening = nextOpening(src, i, d, seen);
    if (!opening) {
      pushText(src.slice(i), i);
      break;
    }
    const { at, kind, open } = opening;
    pushText(src.slice(i, at), i);
    const markAt = at + open.length;
    const mark = src[markAt] === '-' || src[markAt] === '+' ? (src[markAt] as string) : '';
    const bodyStart = markAt + mark.length;
    const pos = lineCol(src, at);
    if (kind === 'comment') {
      const end = src.indexOf(d.commentEnd, bodyStart);
      if (end === -1) throw new TemplateSyntaxError(`unclosed comment: a ${d.commentStart} needs its ${d.commentEnd}`, pos.line, pos.col);
      beforeBlock(mark);
      const closeMark = src[end - 1] === '-' && end - 1 >= bodyStart ? '-' : src[end - 1] === '+' ? '+' : '';
      stripNext = closeMark === '-';
      trimNewline = ws.trimBlocks && closeMark !== '+';
      i = end + d.commentEnd.length;
      continue;
    }
    const close = kind === 'out' ? d.variableEnd : d.blockEnd;
    const end = tagEnd(src, bodyStart, close);
    if (end === -1) throw new TemplateSyntaxError(`unclosed '${open}' (expected '${close}')`, pos.line, pos.col);
    let body = src.slice(bodyStart, end);
    const closeMark = src[end] === '-' ? '-' : kind === 'stmt' && body.endsWith('+') ? '+' : '';
    if (closeMark === '+') body = body.slice(0, -1);
    const after = end + (closeMark === '-' ? 1 : 0) + close.length;
    if (kind === 'out') {
      if (mark === '-') stripSegmentEnd();
      flush();
      out.push({ k: 'out', src: body, line: pos.line, col: pos.col + bodyStart - at });
      stripNext = closeMark === '-';
      i = after;
      continue;
    }
    beforeBlock(mark);
    if (/^\s*raw\s*$/.test(body)) {
      rawEnd.lastIndex = after;
      const m = rawEnd.exec(src);
      if (!m) throw new TemplateSyntaxError(`unclosed ${d.blockStart} raw ${d.blockEnd}: expected '${d.blockStart} endraw ${d.blockEnd}'`, pos.line, pos.col);
      // Jinja's raw state: trim_blocks does not apply after {% raw %}, and the body is its own text,
      // which a later `-` does not strip
      let raw = src.slice(after, m.index);
      if (closeMark === '-') raw = raw.replace(/^\s+/, '');
      if (m[1] === '-') raw = raw.replace(/\s+$/, '');
      else if (ws.lstripBlocks && m[1] !== '+') raw = raw.replace(/(^|\n)[ \t]+$/, '$1');
      flush();
      text = raw;
      flush();
      stripNext = m[2] === '-';
      trimNewline = ws.trimBlocks && m[2] !== '+';
      i = m.index + m[0].length;
      continue;
    }
    flush();
    out.push({ k: 'stmt', src: body, line: pos.line, col: pos.col + bodyStart - at });
    stripNext = closeMark === '-';
    trimNewline = ws.trimBlocks && closeMark !== '+';
    i = after;
  }
  flush();
  return out;
}
