// apt_repository: a one-line apt source present (enabled) or absent, in /etc/apt/sources.list or a
// sources.list.d/*.list file, as Ansible's module decides — without python3-apt on the host. Every
// sources file is read and each line parsed as the module parses it (a `#` line is a disabled source,
// text after ` #` a comment); the files are compared before and after in the module's normalized form,
// and when they differ every file is written in that form (a file left with no line is removed), as
// the module saves them. Then `apt-get update`, retried; a failed update puts the files back.
import { shellQuote as q } from '../util/shell.js';
import { normalizeMode, readTexts } from './file-content.js';
import type { FileDiff, Module, ModuleContext, ModuleResult } from './types.js';

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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The apt_repository module. */
export const aptRepository: Module = async (ctx) => {
  const a = ctx.args;
  const repo = String(a.repo ?? '');
  const state = a.state === 'absent' ? 'absent' : 'present';
  if (!repo) return { changed: false, failed: true, msg: "Please set argument 'repo' to a non-empty value" };
  if (repo.startsWith('ppa:')) return { changed: false, failed: true, msg: `kplay's apt_repository does not add Launchpad PPAs (${repo}): give the source line (deb [signed-by=...] http://ppa.launchpadcontent.net/OWNER/NAME/ubuntu CODENAME main) and its key with get_url` };
  const raw = await readTexts(ctx.host, `${q(SOURCES)} ${q(PARTS)}/*.list`);
  const files: Sources = new Map([...raw].map(([f, t]) => [f, t.split('\n').slice(0, t.endsWith('\n') ? -1 : undefined).map(parseSource)]));
  const before = new Map([...files].filter(([, l]) => l.length).map(([f, l]) => [f, renderSources(l)]));
  const edited = editSources(files, repo, state, a.filename === undefined || a.filename === null ? undefined : String(a.filename));
  if ('invalid' in edited) return { changed: false, failed: true, msg: `Invalid repository string: ${edited.invalid}` };
  const after = new Map([...files].filter(([, l]) => l.length).map(([f, l]) => [f, renderSources(l)]));
  const names = new Set([...before.keys(), ...after.keys()]);
  const changed = before.size !== after.size || [...names].some((f) => before.get(f) !== after.get(f));
  const result: ModuleResult = { changed, repo, state };
  if (changed && ctx.diff) {
    result.diff = [...names].map((f): FileDiff => ({ before: before.get(f) ?? '', after: after.get(f) ?? '', before_header: before.has(f) ? f : '/dev/null', after_header: after.has(f) ? f : '/dev/null' }));
  }
  if (!changed || ctx.check) return result;
  const mode = normalizeMode(a.mode) ?? '0644';
  // written as the module saves: every file in its normalized form, new sources' files with the mode
  const save = async (texts: Map<string, string>, created: Set<string>): Promise<void> => {
    for (const f of new Set([...raw.keys(), ...names])) {
      const text = texts.get(f);
      if (text === undefined) await ctx.host.run(`rm -f -- ${q(f)}`);
      else if (text !== raw.get(f) || created.has(f)) {
        if (!raw.has(f)) await ctx.host.run(`mkdir -p -- "$(dirname -- ${q(f)})"`);
        await ctx.host.write(f, Buffer.from(text), created.has(f) ? { mode } : {});
      }
    }
  };
  await save(after, edited.created);
  if (a.update_cache !== false) {
    const retries = a.update_cache_retries === undefined || a.update_cache_retries === null ? 5 : Number(a.update_cache_retries);
    const maxDelay = a.update_cache_retry_max_delay === undefined || a.update_cache_retry_max_delay === null ? 12 : Number(a.update_cache_retry_max_delay);
    const jitter = Math.random();
    let err = '';
    for (let i = 0; i < retries; i++) {
      const r = await ctx.host.run('apt-get update -q', { env: { DEBIAN_FRONTEND: 'noninteractive' } });
      if (r.rc === 0 && !/^(E|W): Failed to fetch/m.test(r.stderr)) return result;
      err = r.stderr.trim() || r.stdout.trim();
      if (i < retries - 1) await sleep(Math.min(2 ** i, maxDelay) * 1000 + jitter * 1000);
    }
    // the sources as they were: new files removed, the others as read
    for (const f of names) {
      const was = raw.get(f);
      if (was === undefined) await ctx.host.run(`rm -f -- ${q(f)}`);
      else await ctx.host.write(f, Buffer.from(was), {});
    }
    return { changed: false, failed: true, msg: `Failed to update apt cache: ${err || 'unknown reason'}` };
  }
  return result;
};
