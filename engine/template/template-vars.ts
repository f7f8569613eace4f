// The variables Ansible adds while it renders a template file (generate_ansible_template_vars): for the
// template module and for lookup('template').
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';

// a local time as Python's str() of a datetime writes it (the fraction only when there is one)
function pyDatetime(t: Date): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const fraction = t.getMilliseconds() ? `.${pad(t.getMilliseconds() * 1000, 6)}` : '';
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}${fraction}`;
}

/** template_host, template_path (as written), template_fullpath, template_destpath (null for a lookup), template_uid, template_mtime, template_run_date and ansible_managed. */
export function ansibleTemplateVars(written: string, fullpath: string, dest: string | null): Record<string, unknown> {
  let uid: string;
  let mtime: Date | undefined;
  try {
    const st = statSync(fullpath);
    mtime = st.mtime;
    uid = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(st.uid))?.split(':')[0] ?? String(st.uid);
  } catch {
    uid = 'unknown';
  }
  return {
    template_host: hostname(),
    template_path: written,
    template_fullpath: fullpath,
    template_destpath: dest,
    template_uid: uid,
    ...(mtime ? { template_mtime: pyDatetime(mtime) } : {}),
    template_run_date: pyDatetime(new Date()),
    ansible_managed: 'Ansible managed',
  };
}
