// sysctl (ansible.posix.sysctl), declared: a kernel parameter's line in sysctl_file (/etc/sysctl.conf)
// present with a value or absent; with sysctl_set the live value set with `sysctl -w` when it differs;
// after any change (or when the live value differs from the file's) the file reloaded with `sysctl -p`.
// As Ansible's module does: file values compare as written, live values word by word; a rewritten file
// has every line stripped, `key=value` without spaces, and a key's later duplicates dropped.
import { declareModule, fileFact, type FileFact, type Step } from './declare.js';
import { shellQuote as q } from '../util/shell.js';

// what Ansible's sysctl fails on even when sysctl exits with 0
const STDERR_FAILS = '^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$';
const TRUE = ['y', 'yes', 'on', '1', 'true', 't'];
const FALSE = ['n', 'no', 'off', '0', 'false', 'f'];

/** What sysctl compares: the file and the live value (`sysctl -e -n`; null when sysctl failed). */
export interface SysctlFacts {
  file: FileFact;
  live: string | null;
}

// the value as Ansible's module reads it: booleans as 1/0, other text stripped
function parseValue(v: string | undefined): string {
  if (v === undefined) return '';
  if (TRUE.includes(v.toLowerCase())) return '1';
  if (FALSE.includes(v.toLowerCase())) return '0';
  return v.trim();
}

// the same words in the same order (Ansible's _values_is_equal)
const sameWords = (a: string | null, b: string): boolean => a !== null && a.split(/\s+/).filter(Boolean).join(' ') === b.split(/\s+/).filter(Boolean).join(' ');

// a `key = value` line's key and value (comments, blank lines and lines without `=` are none)
function entry(line: string): [string, string] | undefined {
  const t = line.trim();
  if (!t || t.startsWith('#') || t.startsWith(';') || !t.includes('=')) return undefined;
  const at = t.indexOf('=');
  return [t.slice(0, at).trim(), t.slice(at + 1).trim()];
}

/** The sysctl module. */
export const sysctlModule = declareModule({
  spec: {
    options: {
      name: { type: 'str', required: true, aliases: ['key'] },
      value: { type: 'str', aliases: ['val'] },
      state: { type: 'str', choices: ['present', 'absent'] },
      ignoreerrors: { type: 'bool' },
      reload: { type: 'bool' },
      sysctl_file: { type: 'path' },
      sysctl_set: { type: 'bool' },
    },
  },
  async facts(o, host): Promise<SysctlFacts> {
    const live = await host.run(`sysctl -e -n ${q((o.name ?? '').trim())}`);
    return { file: fileFact(await host.inspect(o.sysctl_file ?? '/etc/sysctl.conf')), live: live.rc === 0 ? live.stdout : null };
  },
  refuse(o) {
    const present = (o.state ?? 'present') === 'present';
    if (present && o.value === undefined) return 'state is present but all of the following are missing: value';
    if ((o.name ?? '').trim() === '') return 'name cannot be blank';
    if (present && parseValue(o.value) === '') return 'value cannot be blank';
    return undefined;
  },
  plan(o, facts) {
    const name = (o.name ?? '').trim();
    const state = o.state ?? 'present';
    const value = parseValue(o.value);
    const file = o.sysctl_file ?? '/etc/sysctl.conf';
    const reload = o.reload !== false;
    const lines = (facts.file.type === 'file' ? (facts.file.content ?? '') : '').split(/(?<=\n)/).filter((l) => l !== '').map((l) => [l.trim(), entry(l)] as const);
    const inFile = new Map(lines.flatMap(([, e]) => (e ? [e] : [])));
    const seen = new Set<string>();
    const fixed = lines.flatMap(([l, e]) => {
      if (!e) return [l];
      const [k, v] = e;
      if (seen.has(k)) return [];
      seen.add(k);
      return k !== name ? [`${k}=${v}`] : state === 'present' ? [`${k}=${value}`] : [];
    });
    if (!seen.has(name) && state === 'present') fixed.push(`${name}=${value}`);
    const current = inFile.get(name);
    const writeFile = state === 'present' ? current !== value : current !== undefined && current !== '';
    let changed = writeFile || (reload && !sameWords(facts.live, value) && current !== undefined);
    let setLive = false;
    if (o.sysctl_set === true && state === 'present' && !sameWords(facts.live, value)) {
      changed = true;
      setLive = facts.live !== null;
    }
    const e = o.ignoreerrors === true ? '-e ' : '';
    const steps: Step[] = [];
    if (setLive) steps.push({ kind: 'run', command: `sysctl ${e}-w ${q(`${name}=${value}`)}`, failure: `setting ${name} failed: {stdout}{stderr}`, failOn: STDERR_FAILS });
    if (writeFile) steps.push({ kind: 'write', path: file, content: fixed.map((l) => `${l}\n`).join('') });
    if (changed && reload) steps.push({ kind: 'run', command: `sysctl ${e}-p ${q(file)}`, failure: 'Failed to reload sysctl: {stdout}{stderr}', failOn: STDERR_FAILS });
    return { steps, result: { changed } };
  },
});
