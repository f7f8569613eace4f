// apt_repository: a one-line apt source present (enabled) or absent, in /etc/apt/sources.list or a
// sources.list.d/*.list file, as Ansible's module decides — without python3-apt on the host. Every
// sources file is read and each line parsed as the module parses it (a `#` line is a disabled source,
// text after ` #` a comment); the files are compared before and after in the module's normalized form,
// and when they differ every file is written in that form (a file left with no line is removed), as
// the module saves them. Then `apt-get update`, retried; a failed update puts the files back.
// Declared: the facts are the sources files' texts.
import { shellQuote as q } from '../util/shell.js';
import { declareModule, failPlan, makeParentDir, type Step } from './declare.js';
import { normalizeMode, readTexts } from './file-content.js';
import { onlyValues } from './option-kinds.js';
import type { FileDiff } from './types.js';

const SOURCES = '/etc/apt/sources.list';
const PARTS = '/etc/apt/sources.list.d';
const SOURCE_TYPES = ['deb', 'deb-src'];

/** One line of a sources file, as the module keeps it. */
export interface SourceLine {
  valid: boolean;
  enabled: boolean;
  source: string;
  comment: string;
}

/** The module's reading of a line. */
export function parseSource(raw: string): SourceLine {
  let line = raw.trim();
  let enabled = true;
  let comment = '';
  if (line.startsWith('#')) {
    enabled = false;
    line = line.slice(1);
  }
  const i = line.indexOf('#');
  if (i > 0) {
    comment = line.slice(i + 1).trim();
    line = line.slice(0, i);
  }
  let source = line.trim();
  let valid = false;
  if (source) {
    const chunks = source.split(/\s+/);
    if (SOURCE_TYPES.includes(chunks[0] as string)) {
      valid = true;
      source = chunks.join(' ');
    }
  }
  return { valid, enabled, source, comment };
}

/** A file's lines in the module's written form. */
export const renderSources = (lines: SourceLine[]): string => lines.map((l) => `${l.enabled ? '' : '# '}${l.source}${l.comment ? ` # ${l.comment}` : ''}\n`).join('');

/** The file a new source goes to when `filename` is not given: its host and path, as words joined by `_`. */
export function suggestFilename(source: string, filename: string | undefined): string {
  if (filename !== undefined) return `${filename}.list`;
  const line = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
  const parts = line.split(/\s+/).filter((p) => p && !SOURCE_TYPES.includes(p));
  const first = (parts[0] ?? '').includes('@') ? (parts[0] as string).split('@').slice(1).join('@') : (parts[0] ?? '');
  return `${first.replace(/[^a-zA-Z0-9]/g, ' ').split(/\s+/).filter(Boolean).join('_')}.list`;
}

/** The sources files by path, in the module's reading order (sources.list, then the parts sorted). */
type Sources = Map<string, SourceLine[]>;

/** Adds or removes `repo` in `files`; returns the files a new source went to (their mode is set). */
export function editSources(files: Sources, repo: string, state: 'present' | 'absent', filename: string | undefined): { created: Set<string> } | { invalid: string } {
  const p = parseSource(repo);
  if (!p.valid || !p.enabled) return { invalid: repo.trim().replace(/^#/, '').replace(/\s#.*$/, '') };
  const created = new Set<string>();
  if (state === 'absent') {
    for (const [file, lines] of files) files.set(file, lines.filter((l) => !(l.valid && l.enabled && l.source === p.source)));
    return { created };
  }
  let found = false;
  for (const lines of files.values()) {
    for (const l of lines) {
      if (l.valid && l.source === p.source) {
        l.enabled = true;
        found = true;
      }
    }
  }
  if (!found) {
    const name = suggestFilename(p.source, filename);
    const file = name.includes('/') ? name : `${PARTS}/${name}`;
    files.set(file, [...(files.get(file) ?? []), { valid: true, enabled: true, source: p.source, comment: '' }]);
    created.add(file);
  }
  return { created };
}

/** What apt_repository compares: every sources file's text by path (sources.list, then sources.list.d/*.list). */
export interface AptRepositoryFacts {
  files: Record<string, string>;
}

/** `apt-get update -q` tried `retries` times (waits doubling from 1 s up to `maxDelay`, plus up to 1 s); its last errors on failure. */
export function updateCommand(retries: number, maxDelay: number): string {
  if (retries < 1) return "printf 'unknown reason' >&2; exit 1";
  return [
    'o=$(mktemp) && e=$(mktemp) || exit 1',
    'i=1',
    'while :; do',
    '  DEBIAN_FRONTEND=noninteractive apt-get update -q >"$o" 2>"$e"; rc=$?',
    `  if [ $rc -eq 0 ] && ! grep -qE '^(E|W): Failed to fetch' "$e"; then rm -f -- "$o" "$e"; exit 0; fi`,
    `  [ $i -ge ${retries} ] && break`,
    `  d=$((1 << (i - 1))); [ $d -gt ${maxDelay} ] && d=${maxDelay}`,
    `  sleep "$(awk -v d=$d 'BEGIN { srand(); printf "%.3f", d + rand() }')"`,
    '  i=$((i + 1))',
    'done',
    `m=$(cat -- "$e"); [ -n "$m" ] || m=$(cat -- "$o"); [ -n "$m" ] || m='unknown reason'; rm -f -- "$o" "$e"; printf '%s' "$m" >&2; exit 1`,
  ].join('\n');
}

const lines = (text: string): SourceLine[] => text.split('\n').slice(0, text.endsWith('\n') ? -1 : undefined).map(parseSource);
const rendered = (files: Sources): Map<string, string> => new Map([...files].filter(([, l]) => l.length).map(([f, l]) => [f, renderSources(l)]));
const remove = (path: string): Step => ({ kind: 'run', command: `rm -f -- ${q(path)}`, failure: `Cannot remove ${path}: {stderr}` });

/** The apt_repository module. */
export const aptRepositoryModule = declareModule({
  spec: {
    options: {
      repo: { type: 'str', required: true },
      state: { type: 'str', choices: ['absent', 'present'] },
      mode: { type: 'raw' },
      update_cache: { type: 'bool', aliases: ['update-cache'] },
      update_cache_retries: { type: 'int' },
      update_cache_retry_max_delay: { type: 'int' },
      filename: { type: 'str' },
      // whether Ansible's module may install python3-apt on the host: kplay's needs none, so either value holds
      install_python_apt: onlyValues('bool', true, false),
      // certificates of the Launchpad API, for PPAs (which kplay refuses): never contacted, so either value holds
      validate_certs: onlyValues('bool', true, false),
      codename: onlyValues('str'),
    },
  },
  refuse(o) {
    const repo = o.repo ?? '';
    if (!repo) return "Please set argument 'repo' to a non-empty value";
    if (repo.startsWith('ppa:')) return `kplay's apt_repository does not add Launchpad PPAs (${repo}): give the source line (deb [signed-by=...] http://ppa.launchpadcontent.net/OWNER/NAME/ubuntu CODENAME main) and its key with get_url`;
    return undefined;
  },
  facts: async (_o, host): Promise<AptRepositoryFacts> => ({ files: Object.fromEntries(await readTexts(host, `${q(SOURCES)} ${q(PARTS)}/*.list`)) }),
  plan(o, f) {
    const repo = o.repo ?? '';
    const state = o.state === 'absent' ? 'absent' : 'present';
    const raw = new Map(Object.entries(f.files));
    const files: Sources = new Map([...raw].map(([path, text]) => [path, lines(text)]));
    const before = rendered(files);
    const edited = editSources(files, repo, state, o.filename);
    if ('invalid' in edited) return failPlan(`Invalid repository string: ${edited.invalid}`);
    const after = rendered(files);
    const names = new Set([...before.keys(), ...after.keys()]);
    const changed = before.size !== after.size || [...names].some((p) => before.get(p) !== after.get(p));
    const result = { changed, repo, state };
    if (!changed) return { steps: [], result };
    const diff = [...names].map((p): FileDiff => ({ before: before.get(p) ?? '', after: after.get(p) ?? '', before_header: before.has(p) ? p : '/dev/null', after_header: after.has(p) ? p : '/dev/null' }));
    // written as the module saves: every file in its normalized form, new sources' files with the mode
    const mode = normalizeMode(o.mode) ?? '0644';
    const steps: Step[] = [];
    for (const path of new Set([...raw.keys(), ...names])) {
      const text = after.get(path);
      if (text === undefined) steps.push(remove(path));
      else if (text !== raw.get(path) || edited.created.has(path)) {
        if (!raw.has(path)) steps.push(makeParentDir(path));
        steps.push({ kind: 'write', path, content: text, attrs: edited.created.has(path) ? { mode } : {}, noDiff: true });
      }
    }
    if (o.update_cache !== false) {
      // a failed update puts the sources back as they were: new files removed, the others as read
      const undo: Step[] = [...names].map((path) => {
        const was = raw.get(path);
        return was === undefined ? remove(path) : { kind: 'write', path, content: was, noDiff: true };
      });
      steps.push({ kind: 'run', command: updateCommand(o.update_cache_retries ?? 5, o.update_cache_retry_max_delay ?? 12), failure: 'Failed to update apt cache: {stderr}', undo });
    }
    return { steps, result: { ...result, diff } };
  },
});
