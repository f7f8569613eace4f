// modprobe (community.general.modprobe): a kernel module loaded (with params) or unloaded, and with
// `persistent` loaded at boot (/etc/modules-load.d/NAME.conf, its params in /etc/modprobe.d/NAME.conf)
// or no longer. Loaded means listed in /proc/modules (dashes read as underscores) or built into the
// kernel (modules.builtin), as the Ansible module reads it; a load that leaves the module unlisted is
// not a change (the module warns why). In check mode modprobe runs with -n (a dry run) and, unlike
// Ansible's module, nothing is written to /etc.
import { basename, dirname } from 'node:path';
import { shellQuote as q } from '../util/shell.js';
import { shlexSplit } from '../inventory/shlex.js';
import { declareModule, failPlan, type Options, type Plan, type Step } from './declare.js';
import { readTexts } from './file-content.js';
import type { HostIO } from './types.js';

const MODULES_LOAD = '/etc/modules-load.d';
const OPTIONS_DIR = '/etc/modprobe.d';

/** What modprobe compares: whether the kernel has the module, and the boot-time configuration files. */
export interface ModprobeFacts {
  /** loaded, absent, or the error reading the kernel's lists (the module fails on it, as Ansible's does). */
  kernel: 'loaded' | 'absent' | { problem: string };
  /** The regular files of /etc/modules-load.d and their text. */
  loads: [string, string][];
  /** The regular files of /etc/modprobe.d and their text. */
  options: [string, string][];
}

// whether the kernel has the module (one command)
async function probe(host: HostIO, name: string): Promise<ModprobeFacts['kernel']> {
  const r = await host.run(
    [
      `if [ ! -r /proc/modules ]; then echo "nofile /proc/modules"`,
      `elif grep -q ${q(`^${name.replace(/-/g, '_')} `)} /proc/modules; then echo loaded`,
      `else f="/lib/modules/$(uname -r)/modules.builtin"; if [ ! -r "$f" ]; then echo "nofile $f"`,
      `elif awk -v m=${q(`/${name}.ko`)} '{ sub(/[ \\t\\r]+$/, ""); if (length($0) >= length(m) && substr($0, length($0) - length(m) + 1) == m) f = 1 } END { exit !f }' "$f"; then echo loaded`,
      'else echo absent; fi; fi',
    ].join('; '),
  );
  const out = r.stdout.trim();
  return out.startsWith('nofile ') ? { problem: `[Errno 2] No such file or directory: '${out.slice(7)}'` } : out === 'loaded' ? 'loaded' : 'absent';
}

/** The regular files of the two configuration directories (named under them as asked) and their text, in one command. */
async function readConfig(host: HostIO): Promise<Pick<ModprobeFacts, 'loads' | 'options'>> {
  const texts = [...(await readTexts(host, `${q(MODULES_LOAD)}/* ${q(OPTIONS_DIR)}/*`))];
  const under = (dir: string): [string, string][] => texts.flatMap(([p, t]) => (dirname(p).endsWith(basename(dir)) ? [[`${dir}/${basename(p)}`, t] as [string, string]] : []));
  return { loads: under(MODULES_LOAD), options: under(OPTIONS_DIR) };
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const lines = (text: string): string[] => text.split(/(?<=\n)/);

// each file with a matching line, its matching lines commented out (`#` in front)
const disabled = (files: [string, string][], re: RegExp): [string, string][] =>
  files.flatMap(([path, text]) => (lines(text).some((l) => re.test(l)) ? [[path, lines(text).map((l) => (re.test(l) ? `#${l}` : l)).join('')] as [string, string]] : []));

/** The files `persistent` rewrites (path → new text, later ones winning), as Ansible's module decides them. */
function persistWrites(o: Options<typeof MODPROBE_OPTIONS>, f: ModprobeFacts): Map<string, string> {
  const name = o.name ?? '';
  const params = o.params ?? '';
  const moduleLine = new RegExp(`^ *${esc(name)} *(?:[#;].*)?\\n?$`);
  const optionLine = new RegExp(`^options ${esc(name)} (\\w+=\\S+) *(?:[#;].*)?\\n?$`);
  const listed = f.loads.some(([, t]) => lines(t).some((l) => moduleLine.test(l)));
  const current = new Set(f.options.flatMap(([, t]) => lines(t).flatMap((l) => optionLine.exec(l)?.[1] ?? [])));
  const wanted = params.split(/\s+/).filter(Boolean);
  const writes = new Map<string, string>();
  if (o.persistent === 'present') {
    if (!listed) writes.set(`${MODULES_LOAD}/${name}.conf`, `${name}\n`);
    if (current.size !== new Set(wanted).size || wanted.some((p) => !current.has(p))) {
      for (const [path, text] of disabled(f.options, optionLine)) writes.set(path, text);
      writes.set(`${OPTIONS_DIR}/${name}.conf`, `${wanted.map((p) => `options ${name} ${p}`).join('\n')}\n`);
    }
  } else if (o.persistent === 'absent') {
    for (const [path, text] of [...disabled(f.loads, moduleLine), ...disabled(f.options, optionLine)]) writes.set(path, text);
  }
  return writes;
}

const MODPROBE_OPTIONS = {
  name: { type: 'str', required: true },
  state: { type: 'str', choices: ['present', 'absent'] },
  params: { type: 'str' },
  persistent: { type: 'str', choices: ['disabled', 'absent', 'present'] },
} as const;

// modprobe's words: the module and its params as a shell would split them
const modprobeArgs = (o: Options<typeof MODPROBE_OPTIONS>): string[] => [o.name ?? '', ...shlexSplit(o.params ?? '', false)];

/** The modprobe module. */
export const modprobeModule = declareModule({
  spec: { options: MODPROBE_OPTIONS },
  async facts(o, host): Promise<ModprobeFacts> {
    const kernel = await probe(host, o.name ?? '');
    const persistent = o.persistent !== undefined && o.persistent !== 'disabled';
    return { kernel, ...(persistent ? await readConfig(host) : { loads: [], options: [] }) };
  },
  plan(o, f, { check }): Plan {
    const name = o.name ?? '';
    const state = o.state ?? 'present';
    const result = { changed: false, name, params: o.params ?? '', state };
    if (typeof f.kernel !== 'string') return failPlan(f.kernel.problem, result);
    const dry = check ? ['-n'] : [];
    const fails = { failure: '{stderr}', failKeys: result, failWith: ['rc', 'stdout', 'stderr'], inCheck: true } as const;
    const steps: Step[] = [];
    if (state === 'present' && f.kernel === 'absent') steps.push({ kind: 'run', command: ['modprobe', ...dry, ...modprobeArgs(o)].map(q).join(' '), ...fails });
    else if (state === 'absent' && f.kernel === 'loaded') steps.push({ kind: 'run', command: ['modprobe', '-r', name, ...dry].map(q).join(' '), ...fails });
    // Ansible's module gives no diff of these files
    for (const [path, content] of persistWrites(o, f)) steps.push({ kind: 'write', path, content, noDiff: true });
    return { steps, result: { ...result, changed: steps.length > 0 } };
  },
  // a load counts only when the kernel lists the module afterwards; modprobe's dry run says why it did not
  async after(o, f, host, { check, warn }) {
    if (check || (o.state ?? 'present') !== 'present' || f.kernel !== 'absent' || (await probe(host, o.name ?? '')) === 'loaded') return {};
    const why = await host.run(['modprobe', '-n', '--first-time', ...modprobeArgs(o)].map(q).join(' '));
    if (why.rc !== 0) warn(why.stderr.trim());
    return { changed: persistWrites(o, f).size > 0 };
  },
});
