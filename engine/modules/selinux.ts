// The SELinux file options (seuser, serole, setype, selevel) that Ansible's file modules take: on a host
// without SELinux Ansible does nothing with them, and neither does kplay; on a host with SELinux enabled
// kplay cannot set a file's context, so the task fails saying so instead of leaving the context unset.
import type { Module, ModuleContext } from './types.js';

/** Why the task cannot run as asked: SELinux options given on a host where SELinux is enabled; else undefined. */
export async function selinuxRefusal(ctx: ModuleContext): Promise<string | undefined> {
  const a = ctx.args;
  const given = Object.entries({ seuser: a.seuser, serole: a.serole, setype: a.setype, selevel: a.selevel })
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k]) => k);
  if (!given.length) return undefined;
  // Ansible's selinux_enabled(): the selinuxfs is mounted (a policy is loaded)
  const r = await ctx.host.run('test -e /sys/fs/selinux/enforce || grep -qs " selinuxfs " /proc/mounts');
  if (r.rc !== 0) return undefined;
  return `this host has SELinux enabled and kplay does not set SELinux file contexts (${given.join(', ')} given); set the context with a command task (chcon or semanage fcontext and restorecon), or leave ${given.join(', ')} out`;
}

/** The module, refusing SELinux options on an SELinux host before it acts. */
export function withSelinux(impl: Module): Module {
  return async (ctx) => {
    const refusal = await selinuxRefusal(ctx);
    return refusal ? { changed: false, failed: true, msg: refusal } : impl(ctx);
  };
}
