// Splits a Jinja template into text, `{{ }}` outputs, `{% %}` statements and comments, applying
// Jinja's whitespace control (`-`, `+`) and the environment's trim_blocks/lstrip_blocks as Jinja's
// own lexer does. `{% raw %}` bodies are text. Every tag keeps its line and column for errors.

/** What the lexer produces. */
export type Piece =
  | { k: 'text'; text: string }
  | { k: 'out' | 'stmt'; src: string; line: number; /** Where the tag's body starts (after `{{`, `{%`, `-`). */ col: number };

/** Jinja environment switches that change whitespace handling. */
export interface WhitespaceOptions {
  trimBlocks: boolean;
  lstripBlocks: boolean;
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

const RAW_END = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;

/** Splits `src` into pieces; throws TemplateSyntaxError for an unclosed tag or comment. */
export function lex(src: string, ws: WhitespaceOptions): Piece[] {
  const out: Piece[] = [];
  let text = '';
  let i = 0;
  let stripNext = false; // a `-` closed the last tag: the following whitespace goes
  let trimNewline = false; // trim_blocks after a block tag or comment
  const pushText = (t: string): void => {
    let s = t;
    if (stripNext) s = s.replace(/^\s+/, '');
    else if (trimNewline) s = s.replace(/^\r?\n/, '');
    stripNext = false;
    trimNewline = false;
    text += s;
  };
  // a block tag or comment opening: `-` strips all whitespace before it, lstrip_blocks the
  // spaces and tabs that are all that stands before it on its line (unless `+`)
  const beforeBlock = (mark: string): void => {
    if (mark === '-') text = text.replace(/\s+$/, '');
    else if (ws.lstripBlocks && mark !== '+') text = text.replace(/(^|\n)[ \t]+$/, '$1');
  };
  const flush = (): void => {
    if (text) out.push({ k: 'text', text });
    text = '';
  };
  while (i < src.length) {
    const open = src.slice(i).search(/\{[{%#]/);
    if (open === -1) {
      pushText(src.slice(i));
      break;
    }
    const at = i + open;
    pushText(src.slice(i, at));
    const kind = src[at + 1] as string;
    const mark = src[at + 2] === '-' || src[at + 2] === '+' ? (src[at + 2] as string) : '';
    const bodyStart = at + 2 + mark.length;
    const pos = lineCol(src, at);
    if (kind === '#') {
      const end = src.indexOf('#}', bodyStart);
      if (end === -1) throw new TemplateSyntaxError('unclosed comment: a {# needs its #}', pos.line, pos.col);
      beforeBlock(mark);
      const closeMark = src[end - 1] === '-' && end - 1 >= bodyStart ? '-' : src[end - 1] === '+' ? '+' : '';
      stripNext = closeMark === '-';
      trimNewline = ws.trimBlocks && closeMark !== '+';
      i = end + 2;
      continue;
    }
    const close = kind === '{' ? '}}' : '%}';
    const end = tagEnd(src, bodyStart, close);
    if (end === -1) throw new TemplateSyntaxError(`unclosed ${kind === '{' ? "'{{' (expected '}}')" : "'{%' (expected '%}')"}`, pos.line, pos.col);
    let body = src.slice(bodyStart, end);
    const closeMark = src[end] === '-' ? '-' : kind === '%' && body.endsWith('+') ? '+' : '';
    if (closeMark === '+') body = body.slice(0, -1);
    const after = end + (closeMark === '-' ? 1 : 0) + 2;
    if (kind === '{') {
      if (mark === '-') text = text.replace(/\s+$/, '');
      flush();
      out.push({ k: 'out', src: body, line: pos.line, col: pos.col + bodyStart - at });
      stripNext = closeMark === '-';
      i = after;
      continue;
    }
    beforeBlock(mark);
    if (/^\s*raw\s*$/.test(body)) {
      RAW_END.lastIndex = after;
      const m = RAW_END.exec(src);
      if (!m) throw new TemplateSyntaxError("unclosed {% raw %}: expected '{% endraw %}'", pos.line, pos.col);
      // Jinja's raw state: trim_blocks does not apply after {% raw %}, and the body is its own text,
      // which a later `-` does not strip
      let raw = src.slice(after, m.index);
      if (closeMark === '-') raw = raw.replace(/^\s+/, '');
      if (m[1] === '-') raw = raw.replace(/\s+$/, '');
      else if (ws.lstripBlocks && m[1] !== '+') raw = raw.replace(/(^|\n)[ \t]+$/, '$1');
      flush();
      if (raw) out.push({ k: 'text', text: raw });
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
