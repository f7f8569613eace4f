// Python's shlex.split(line, comments=True, posix=True), which Ansible uses to split INI host lines:
// quotes group and disappear, backslash escapes, `#` starts a comment even in the middle of a word.

/** Thrown for an unclosed quote or a trailing backslash, with Python's message. */
export class ShlexError extends Error {}

const WHITESPACE = ' \t\r\n';
const QUOTES = `'"`;

/** Splits a line like Python's `shlex.split(line, comments=comments)`. */
export function shlexSplit(line: string, comments = true): string[] {
  const out: string[] = [];
  let state: string | null = ' ';
  let token = '';
  let quoted = false;
  let escapedState = ' ';
  let i = 0;

  const emit = (): void => {
    if (token !== '' || quoted) out.push(token);
    token = '';
    quoted = false;
  };

  for (;;) {
    const c: string = i < line.length ? (line[i] as string) : '';
    i++;
    if (state === ' ') {
      if (c === '') break;
      if (WHITESPACE.includes(c)) {
        if (token !== '' || quoted) emit();
        continue;
      }
      if (comments && c === '#') {
        const nl = line.indexOf('\n', i);
        i = nl === -1 ? line.length : nl + 1;
        continue;
      }
      if (c === '\\') {
        escapedState = 'a';
        state = c;
      } else if (QUOTES.includes(c)) {
        state = c;
      } else {
        token = c;
        state = 'a';
      }
    } else if (state === "'" || state === '"') {
      quoted = true;
      if (c === '') throw new ShlexError('No closing quotation');
      if (c === state) {
        state = 'a';
      } else if (c === '\\' && state === '"') {
        escapedState = state;
        state = '\\';
      } else {
        token += c;
      }
    } else if (state === '\\') {
      if (c === '') throw new ShlexError('No escaped character');
      // Inside double quotes only the quote itself and the backslash can be escaped.
      if (QUOTES.includes(escapedState) && c !== state && c !== escapedState) token += state;
      token += c;
      state = escapedState;
    } else {
      // state 'a': inside a word
      if (c === '') {
        emit();
        break;
      }
      if (WHITESPACE.includes(c)) {
        state = ' ';
        emit();
        continue;
      }
      if (comments && c === '#') {
        const nl = line.indexOf('\n', i);
        i = nl === -1 ? line.length : nl + 1;
        state = ' ';
        emit();
        continue;
      }
      if (QUOTES.includes(c)) {
        state = c;
      } else if (c === '\\') {
        escapedState = 'a';
        state = c;
      } else {
        token += c;
      }
    }
  }
  return out;
}
