// sysctl (ansible.posix.sysctl): a kernel parameter's line in sysctl_file (/etc/sysctl.conf) present
// with a value or absent, the file reloaded with `sysctl -p` when it changed, and with sysctl_set the
// live value set with `sysctl -w` when it differs. Values compare with their whitespace normalised.
import { ensureFile } from './file-content.js';
import { shellQuote as q } from '../util/shell.js';
import type { Module } from './types.js';

// yes/true -> 1, no/false -> 0 (as the Ansible module reads booleans), runs of whitespace -> one space
function normalise(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v ?? '').trim();
  if (/^(yes|true|on)$/i.test(s)) return '1';
  if (/^(no|false|off)$/i.test(s)) return '0';
  return s.split(/\s+/).join(' ');
}

// a parameter's name as sysctl spells it either way (net/ipv4/ip_forward = net.ipv4.ip_forward)
const key = (name: string): string => name.trim().replace(/\//g, '.');

/** The sysctl module. */
export const sysctl: Module = async (ctx) => {
  const a = ctx.args;
  const name = key(String(a.name));
  const state = String(a.state ?? 'present');
  if (state === 'present' && (a.value === undefined || a.value === null)) return { changed: false, failed: true, msg: 'value is required when state=present' };
  const value = normalise(a.value);
  const file = String(a.sysctl_file ?? '/etc/sysctl.conf');
  const current = await ctx.host.inspect(file);
  const lines = current.content ? current.content.toString('utf8').split('\n') : [];
  if (lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  let found = false;
  for (const line of lines) {
    const m = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || key(m[1] as string) !== name) {
      out.push(line);
      continue;
    }
    // the first line of the parameter is rewritten (kept when it already says so); later ones go
    if (!found && state === 'present') out.push(normalise(m[2]) === value ? line : `${name}=${value}`);
    found = true;
  }
  if (!found && state === 'present') out.push(`${name}=${value}`);
  const wanted = Buffer.from(out.length ? out.join('\n') + '\n' : '');
  const written = await ensureFile(ctx, file, wanted, {}, { current });
  if (written.failed) return written;
  let changed = written.changed;
  const flag = a.ignoreerrors === true ? ' -e' : '';
  if (changed && a.reload !== false && !ctx.check) {
    const r = await ctx.host.run(`sysctl${flag} -p ${q(file)}`);
    if (r.rc !== 0 || (r.stderr.trim() && a.ignoreerrors !== true)) return { changed, failed: true, msg: `Failed to reload sysctl: ${(r.stderr || r.stdout).trim()}` };
  }
  if (a.sysctl_set === true && state === 'present') {
    const live = await ctx.host.run(`sysctl -n ${q(name)}`);
    if (live.rc !== 0 && a.ignoreerrors !== true) return { changed, failed: true, msg: `setting ${name} failed: ${live.stderr.trim()}` };
    if (normalise(live.stdout) !== value) {
      changed = true;
      if (!ctx.check) {
        const r = await ctx.host.run(`sysctl${flag} -w ${q(`${name}=${value}`)}`);
        if (r.rc !== 0) return { changed, failed: true, msg: `setting ${name} failed: ${(r.stderr || r.stdout).trim()}` };
      }
    }
  }
  return { changed, ...(written.diff ? { diff: written.diff } : {}) };
};
