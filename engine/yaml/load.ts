// Loads YAML as Ansible reads it (PyYAML scalar rules, merge keys) and keeps source positions,
// so every later error can name file:line:col. One loader for inventories, vars files and playbooks.
import { readFileSync } from 'node:fs';
import {
  LineCounter,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
  type ScalarTag,
} from 'yaml';
import { ParseError, type SourcePos } from '../errors.js';
import { pyyamlTags } from './scalars.js';
import { UnsafeText } from './unsafe-text.js';
import { decryptVault, isVaultText, vaultValue } from '../vault/vault.js';

/** The `!unsafe` string (its own module, which the reporters load without the YAML library). */
export { UnsafeText };

const unsafeTag: ScalarTag = {
  tag: '!unsafe',
  identify: (v) => v instanceof UnsafeText,
  resolve: (s) => new UnsafeText(s),
};

// a !vault value is decrypted as it loads; one that cannot be is kept locked and fails where it is used, as
// Ansible decrypts a !vault value on use (engine/vault/vault.ts LockedVault)
const vaultTag: ScalarTag = {
  tag: '!vault',
  identify: () => false,
  resolve: (s) => vaultValue(s) as unknown as string,
};

/** A YAML syntax problem (as opposed to a wrong structure); `code` is the yaml library's error code. */
export class YamlSyntaxError extends ParseError {
  constructor(
    readonly code: string,
    message: string,
    pos: SourcePos,
    hint?: string,
  ) {
    super(message, pos, hint);
  }
}

/** A parsed YAML file: its plain value plus what is needed to locate nodes in it. */
export interface YamlFile {
  file: string;
  value: unknown;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Reads a file, turning I/O failures into a user error naming the file. */
export function readUserFile(file: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new ParseError(`cannot read ${what}: ${reason}`, { file });
  }
  // a vault-encrypted file (ansible-vault encrypt) is read as its plaintext, as Ansible's loader reads it
  if (!isVaultText(text)) return text;
  try {
    return decryptVault(text);
  } catch (e) {
    throw new ParseError((e as Error).message, { file }, 'give the vault password with --vault-password-file, --vault-id or --ask-vault-pass');
  }
}

/** Parses YAML text with Ansible's rules; throws ParseError with the first problem's location. */
export function parseYaml(text: string, file: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter: lines,
    customTags: (tags) => [...pyyamlTags(tags), unsafeTag, vaultTag],
  });
  const first = doc.errors[0];
  if (first) {
    const offset = first.code === 'DUPLICATE_KEY' ? (duplicateKeyOffset(doc.contents) ?? first.pos[0]) : first.pos[0];
    const pos = lines.linePos(offset);
    throw new YamlSyntaxError(first.code, yamlMessage(first.code, first.message), { file, line: pos.line, col: pos.col }, yamlHint(first.code, text, first.pos[0]));
  }
  checkTemplateKeys(doc.contents, file, lines);
  // a bounded alias count guards against exponential alias expansion ("billion laughs")
  const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  return { file, value, doc, lines };
}

/** Reads and parses a YAML file. */
export function loadYamlFile(file: string, what = 'YAML file'): YamlFile {
  return parseYaml(readUserFile(file, what), file);
}

/** Where a node starts, as a SourcePos. */
export function nodePos(y: Pick<YamlFile, 'file' | 'lines'>, node: unknown): SourcePos {
  if (isNode(node) && node.range) {
    const p = y.lines.linePos(node.range[0]);
    return { file: y.file, line: p.line, col: p.col };
  }
  return { file: y.file };
}

/** Positions of the keys and values of a top-level mapping, for per-variable origins. */
export function topLevelPositions(y: YamlFile): Map<string, SourcePos> {
  const out = new Map<string, SourcePos>();
  const root = y.doc.contents;
  if (!isMap(root)) return out;
  for (const pair of root.items) {
    if (isScalar(pair.key)) out.set(String(pair.key.value), nodePos(y, pair.value ?? pair.key));
  }
  return out;
}

/** Finds the node at a path of keys/indexes (for pointing validation errors at the right line). */
export function nodeAt(y: YamlFile, path: (string | number)[], opts: { key?: boolean } = {}): Node | undefined {
  let cur: unknown = y.doc.contents;
  for (const [i, seg] of path.entries()) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      // the key itself when asked for, or when the value is empty (`host:` has no value node of its own)
      const wantKey = opts.key === true && i === path.length - 1;
      cur = wantKey || pair?.value === null || (isScalar(pair?.value) && pair.value.value === null) ? pair?.key : pair?.value;
    } else if (isSeq(cur) && typeof seg === 'number') {
      cur = cur.items[seg];
    } else {
      return undefined;
    }
  }
  return isNode(cur) ? cur : undefined;
}

// The offset of the second occurrence of a repeated mapping key (the yaml library points elsewhere).
function duplicateKeyOffset(node: unknown): number | undefined {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (isScalar(pair.key)) {
        const k = String(pair.key.value);
        if (seen.has(k) && pair.key.range) return pair.key.range[0];
        seen.add(k);
      }
      const inner = duplicateKeyOffset(pair.value);
      if (inner !== undefined) return inner;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const inner = duplicateKeyOffset(item);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

// `msg: {{ foo }}` parses as a map whose key is a map: almost always an unquoted template.
function checkTemplateKeys(node: unknown, file: string, lines: LineCounter): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isPair(pair) && isMap(pair.key) && node.range) {
        const p = lines.linePos(node.range[0]); // the outer `{`, where the template starts
        throw new YamlSyntaxError('TEMPLATE_KEY', 'a mapping is used as a key; this is usually an unquoted template', { file, line: p.line, col: p.col }, 'quote values that start with {{, e.g. msg: "{{ foo }}"');
      }
      checkTemplateKeys(pair.value, file, lines);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) checkTemplateKeys(item, file, lines);
  }
}

function yamlMessage(code: string, message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY') return `duplicate key in mapping (YAML keys must be unique)`;
  if (code === 'TAB_AS_INDENT') return 'tab character used for indentation';
  return `invalid YAML: ${firstLine.replace(/ at line \d+, column \d+.*$/, '')}`;
}

function yamlHint(code: string, text: string, offset: number): string | undefined {
  if (code === 'TAB_AS_INDENT') return 'YAML indentation must use spaces; replace the tabs';
  if (code === 'DUPLICATE_KEY') return 'remove or rename one of the two entries';
  const lineStart = text.lastIndexOf('\n', offset) + 1;
  const line = text.slice(lineStart, text.indexOf('\n', offset) === -1 ? undefined : text.indexOf('\n', offset));
  if (/:\s*\{\{/.test(line)) return 'quote values that start with {{, e.g. msg: "{{ foo }}"';
  // a template inside a flow mapping ({path: /x-{{ n }}}): its braces end the mapping's value
  if (/\{\{/.test(line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '""'))) return 'quote values that hold {{ }}, in a { } mapping too, e.g. {path: "/tmp/x-{{ name }}"}';
  return undefined;
}
