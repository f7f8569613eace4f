// modprobe (community.general.modprobe): a kernel module loaded (with params) or unloaded. Loaded means
// listed in /proc/modules (dashes read as underscores) or built into the kernel (modules.builtin), as
// the Ansible module reads it; in check mode modprobe runs with -n (a dry run that still fails for a
// module that does not exist).
import { shellQuote as q } from '../util/shell.js';
import { shlexSplit } from '../inventory/shlex.js';
import type { Module, ModuleResult } from './types.js';

/** The modprobe module. */
export const modprobe: Module = async (ctx) => {
  const name = String(ctx.args.name);
  const state = String(ctx.args.state ?? 'present');
  const params = ctx.args.params === undefined || ctx.args.params === null ? '' : String(ctx.args.params);
  const result: ModuleResult = { changed: false, name, params, state };
  const probe = await ctx.host.run(
    `grep -q ${q(`^${name.replace(/-/g, '_')} `)} /proc/modules && echo loaded || { grep -q ${q(`/${name}.ko`)} "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null && echo builtin || echo absent; }`,
  );
  const loaded = probe.stdout.trim() !== 'absent';
  if (state === 'present' ? loaded : !loaded) return result;
  const dry = ctx.check ? ['-n'] : [];
  const argv = state === 'present' ? ['modprobe', ...dry, name, ...shlexSplit(params, false)] : ['modprobe', '-r', name, ...dry];
  const r = await ctx.host.run(argv.map(q).join(' '));
  if (r.rc !== 0) return { ...result, failed: true, msg: r.stderr.trim() || r.stdout.trim(), rc: r.rc, stdout: r.stdout, stderr: r.stderr };
  return { ...result, changed: true };
};
