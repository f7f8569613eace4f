// modprobe (community.general.modprobe): a kernel module loaded (with params) or unloaded, and with
// `persistent` loaded at boot (/etc/modules-load.d/NAME.conf, its params in /etc/modprobe.d/NAME.conf)
// or no longer. Loaded means listed in /proc/modules (dashes read as underscores) or built into the
// kernel (modules.builtin), as the Ansible module reads it; a load that leaves the module unlisted is
// not a change (the module warns why). In check mode modprobe runs with -n (a dry run).
import { shellQuote as q } from '../util/shell.js';
import { shlexSplit } from '../inventory/shlex.js';
import { readTexts } from './file-content.js';
import type { HostIO, Module, ModuleContext, ModuleResult } from './types.js';

const MODULES_LOAD = '/etc/modules-load.d';
const OPTIONS_DIR = '/etc/modprobe.d';

/** loaded, absent, or the error reading the kernel's lists (the module fails on it, as Ansible's does). */
async function probe(host: HostIO, name: string): Promise<'loaded' | 'absent' | string> {
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
  return out.startsWith('nofile ') ? `[Errno 2] No such file or directory: '${out.slice(7)}'` : out;
}

/** The regular files of a directory (named under `dir` as asked) and their text (one command). */
const readDir = async (host: HostIO, dir: string): Promise<[string, string][]> => [...(await readTexts(host, `${q(dir)}/*`))].map(([p, t]) => [`${dir}/${p.slice(p.lastIndexOf('/') + 1)}`, t]);

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Comments out the matching lines of each file (`#` in front); returns whether any changed. */
async function disable(ctx: ModuleContext, files: [string, string][], re: RegExp): Promise<boolean> {
  let changed = false;
  for (const [path, text] of files) {
    const lines = text.split(/(?<=\n)/);
    const out = lines.map((l) => (re.test(l) ? `#${l}` : l));
    if (out.every((l, i) => l === lines[i])) continue;
    changed = true;
    if (!ctx.check) await ctx.host.write(path, Buffer.from(out.join('')), {});
  }
  return changed;
}

/** Brings the boot-time configuration to `persistent` (present/absent); returns whether it changed. */
async function persist(ctx: ModuleContext, name: string, params: string, persistent: string): Promise<boolean> {
  const moduleLine = new RegExp(`^ *${esc(name)} *(?:[#;].*)?\\n?$`);
  const optionLine = new RegExp(`^options ${esc(name)} (\\w+=\\S+) *(?:[#;].*)?\\n?$`);
  const loads = await readDir(ctx.host, MODULES_LOAD);
  const options = await readDir(ctx.host, OPTIONS_DIR);
  const listed = loads.some(([, t]) => t.split(/(?<=\n)/).some((l) => moduleLine.test(l)));
  const current = new Set(options.flatMap(([, t]) => t.split(/(?<=\n)/).flatMap((l) => optionLine.exec(l)?.[1] ?? [])));
  const wanted = new Set(params.split(/\s+/).filter(Boolean));
  let changed = false;
  if (persistent === 'present') {
    if (!listed) {
      changed = true;
      if (!ctx.check) await ctx.host.write(`${MODULES_LOAD}/${name}.conf`, Buffer.from(`${name}\n`), {});
    }
    if (current.size !== wanted.size || [...wanted].some((p) => !current.has(p))) {
      changed = true;
      await disable(ctx, options, optionLine);
      if (!ctx.check) await ctx.host.write(`${OPTIONS_DIR}/${name}.conf`, Buffer.from(`${[...params.split(/\s+/).filter(Boolean)].map((p) => `options ${name} ${p}`).join('\n')}\n`), {});
    }
  } else if (persistent === 'absent') {
    if (listed) changed = (await disable(ctx, loads, moduleLine)) || changed;
    if (current.size) changed = (await disable(ctx, options, optionLine)) || changed;
  }
  return changed;
}

/** The modprobe module. */
export const modprobe: Module = async (ctx) => {
  const name = String(ctx.args.name);
  const state = String(ctx.args.state ?? 'present');
  const params = ctx.args.params === undefined || ctx.args.params === null ? '' : String(ctx.args.params);
  const result: ModuleResult = { changed: false, name, params, state };
  const failed = (r: { rc: number; stdout: string; stderr: string }): ModuleResult => ({ ...result, failed: true, msg: r.stderr, rc: r.rc, stdout: r.stdout, stderr: r.stderr });
  const before = await probe(ctx.host, name);
  if (before !== 'loaded' && before !== 'absent') return { ...result, failed: true, msg: before };
  const extra = shlexSplit(params, false);
  if (state === 'present' && before === 'absent') {
    const r = await ctx.host.run(['modprobe', ...(ctx.check ? ['-n'] : []), name, ...extra].map(q).join(' '));
    if (r.rc !== 0) return failed(r);
    if (ctx.check || (await probe(ctx.host, name)) === 'loaded') result.changed = true;
    else {
      const why = await ctx.host.run(['modprobe', '-n', '--first-time', name, ...extra].map(q).join(' '));
      if (why.rc !== 0) ctx.warn(why.stderr.trim());
    }
  } else if (state === 'absent' && before === 'loaded') {
    const r = await ctx.host.run(['modprobe', '-r', name, ...(ctx.check ? ['-n'] : [])].map(q).join(' '));
    if (r.rc !== 0) return failed(r);
    result.changed = true;
  }
  const persistent = String(ctx.args.persistent ?? 'disabled');
  if (persistent !== 'disabled' && (await persist(ctx, name, params, persistent))) result.changed = true;
  return result;
};
