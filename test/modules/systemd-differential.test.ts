// systemd against Ansible's own module (ansible.builtin.systemd, run in-process by module_oracle.py):
// each row's units, made up as files a fake systemctl reads and changes (`show`, `is-active`,
// `is-enabled` with systemctl's exit statuses, the actions), go through both; compared: the actions
// systemctl was asked for (with the flags that matter to each: --force for enable and mask,
// --no-block for jobs), changed, failed and the failure message, the warnings, and `status` (show's properties).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleContext, ModuleResult } from '../../engine/modules/types.js';
import { moduleContext } from '../support/module-context.js';
import { hasAnsible } from '../support/oracle.js';
import { systemPython } from '../support/python.js';
import { redirected } from '../support/redirect.js';
import { writeTree } from '../support/tree.js';

// units/NAME.state: the unit file state (none: systemd does not know the unit); units/NAME.active: its ActiveState
const SYSTEMCTL = `#!/bin/sh
U="$UNITS"; verb=; unit=; flags=
for a in "$@"; do
  case "$a" in
    --force|--no-block) flags="$flags $a";;
    --user|--global|-l) ;;
    *) if [ -z "$verb" ]; then verb=$a; else unit=$a; fi;;
  esac
done
state() { cat "$U/$unit.state" 2>/dev/null; }
active() { cat "$U/$unit.active" 2>/dev/null || echo inactive; }
case "$verb" in
  show) [ -f "$U/$unit.showfails" ] && { echo "Failed to get properties: Connection timed out" >&2; exit 1; }
        [ -f "$U/$unit.busfails" ] && { echo "Failed to parse bus message: Invalid argument" >&2; exit 1; }
        if [ -f "$U/$unit.state" ]; then l=loaded; [ "$(state)" = masked ] && l=masked; else l=not-found; fi
        [ -f "$U/$unit.noload" ] && { printf 'ActiveState=%s\\nUnitFileState=%s\\n' "$(active)" "$(state)"; exit 0; }
        if [ -f "$U/$unit.loaderror" ]; then printf 'Id=%s.service\\nLoadState=bad-setting\\nLoadError=%s\\n' "$unit" "$(cat "$U/$unit.loaderror")"; exit 0; fi
        printf 'Id=%s.service\\nLoadState=%s\\nActiveState=%s\\nUnitFileState=%s\\nExecStart={ path=/usr/bin/%s ; argv[]=/usr/bin/%s\\n  --flag ; ignore_errors=no }\\n' "$unit" "$l" "$(active)" "$(state)" "$unit" "$unit"; exit 0;;
  is-active) active; [ "$(active)" = active ] && exit 0; exit 3;;
  is-enabled) if [ ! -f "$U/$unit.state" ]; then echo "Failed to get unit file state for $unit.service: No such file or directory" >&2; exit 1; fi
        state; case "$(state)" in enabled|enabled-runtime|static|alias|indirect|generated|transient) exit 0;; *) exit 1;; esac;;
  list-unit-files) u=\${unit%\\*}; [ -f "$U/$u.state" ] || { echo "0 unit files listed."; exit 1; }; printf 'UNIT FILE STATE\\n%s.service %s\\n\\n1 unit files listed.\\n' "$u" "$(cat "$U/$u.state")"; exit 0;;
esac
log() { echo "$verb $unit$(case "$verb" in enable|mask) case "$flags" in *--force*) echo ' --force';; esac;; start|stop|restart|reload) case "$flags" in *--no-block*) echo ' --no-block';; esac;; esac)" >> "$U/log"; }
case "$verb" in
  daemon-reload|daemon-reexec) echo "$verb" >> "$U/log"; for f in "$U"/*.fixed; do [ -e "$f" ] && rm -f "\${f%.fixed}.loaderror"; done;;
  start|restart|reload) log; if [ "$(state)" = masked ]; then echo "Failed to $verb $unit.service: Unit $unit.service is masked." >&2; exit 1; fi; echo active > "$U/$unit.active";;
  stop) log; echo inactive > "$U/$unit.active";;
  enable) log; if [ "$unit" = broken ]; then echo "Created symlink nowhere." ; echo "Failed to enable unit: Invalid argument" >&2; exit 1; fi; echo enabled > "$U/$unit.state";;
  disable) log; [ "$(state)" = static ] || echo disabled > "$U/$unit.state";;
  mask) log; echo masked > "$U/$unit.state";;
  unmask) log; echo disabled > "$U/$unit.state";;
esac
`;

type Units = Record<string, string>;
type Run = { result: ModuleResult; actions: string[]; warnings: string[] };

function unitsTree(units: Units): { root: string; env: Record<string, string> } {
  const root = writeTree({ 'bin/systemctl': SYSTEMCTL, 'units/.keep': '', 'etc/init.d/.keep': '', ...units });
  chmodSync(join(root, 'bin/systemctl'), 0o755);
  for (const f of Object.keys(units).filter((f) => f.startsWith('etc/init.d/'))) chmodSync(join(root, f), 0o755);
  return { root, env: { PATH: `${join(root, 'bin')}:/usr/bin:/bin`, UNITS: join(root, 'units') } };
}

const actions = (root: string): string[] => (existsSync(join(root, 'units/log')) ? readFileSync(join(root, 'units/log'), 'utf8').trim().split('\n') : []);

async function kplay(units: Units, args: Record<string, unknown>, check: boolean): Promise<Run> {
  const { root, env } = unitsTree(units);
  const warnings: string[] = [];
  const base = moduleContext(args, { check, env, warn: (w) => warnings.push(w) });
  const ctx = { ...base, host: redirected(base.host, { '/etc/init.d/': join(root, 'etc/init.d') + '/' }) };
  const result = await (IMPLEMENTATIONS.systemd as (c: ModuleContext) => Promise<ModuleResult>)(ctx);
  return { result, actions: actions(root), warnings };
}

function ansible(units: Units, args: Record<string, unknown>, check: boolean): Run {
  const { root, env } = unitsTree(units);
  const out = spawnSync(systemPython ?? 'python3', [join(__dirname, 'module_oracle.py'), 'systemd', root, JSON.stringify({ ...args, _ansible_check_mode: check })], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const { warnings = [], ...result } = JSON.parse(out.stdout.trim().split('\n').pop() ?? '{}') as ModuleResult & { warnings?: string[] };
  return { result, actions: actions(root), warnings };
}

const unit = (name: string, state: string, active = 'inactive'): Units => ({ [`units/${name}.state`]: `${state}\n`, [`units/${name}.active`]: `${active}\n` });

// [units before, args, check mode]
const rows: [Units, Record<string, unknown>, boolean][] = [
  [unit('nginx', 'enabled'), { name: 'nginx', state: 'started' }, false],
  [unit('nginx', 'enabled', 'active'), { name: 'nginx', state: 'started' }, false],
  [unit('nginx', 'enabled', 'reloading'), { name: 'nginx', state: 'started' }, false],
  [unit('nginx', 'enabled', 'activating'), { name: 'nginx', state: 'started' }, false],
  [unit('nginx', 'enabled', 'active'), { name: 'nginx', state: 'stopped', no_block: true }, false],
  [unit('nginx', 'enabled', 'deactivating'), { name: 'nginx', state: 'stopped' }, false],
  [unit('nginx', 'enabled', 'failed'), { name: 'nginx', state: 'stopped' }, false],
  [unit('containerd', 'enabled', 'active'), { name: 'containerd', state: 'restarted' }, false],
  [unit('containerd', 'enabled'), { name: 'containerd', state: 'restarted', no_block: true }, false],
  [unit('haproxy', 'enabled', 'active'), { name: 'haproxy', state: 'reloaded' }, false],
  [unit('haproxy', 'enabled'), { name: 'haproxy', state: 'reloaded' }, false],
  [unit('kubelet', 'disabled'), { name: 'kubelet', daemon_reload: true, enabled: true, state: 'started' }, false],
  [unit('kubelet', 'enabled', 'active'), { name: 'kubelet', daemon_reload: true, daemon_reexec: true, enabled: 'yes' }, false],
  [{}, { daemon_reload: true }, false],
  [unit('journald', 'static', 'active'), { name: 'journald', enabled: true }, false],
  [unit('journald', 'static', 'active'), { name: 'journald', enabled: false }, false],
  [unit('dbus-alias', 'alias', 'active'), { name: 'dbus-alias', enabled: true }, false],
  [unit('sock', 'indirect'), { name: 'sock', enabled: true }, false],
  [unit('gen', 'generated', 'active'), { name: 'gen', enabled: true }, false],
  [unit('apache2', 'enabled', 'active'), { name: 'apache2', enabled: false }, false],
  [unit('nginx', 'enabled', 'active'), { name: 'nginx', masked: true, state: 'stopped' }, false],
  [unit('nginx', 'masked'), { name: 'nginx', masked: false, enabled: true, state: 'started' }, false],
  [unit('nginx', 'masked'), { name: 'nginx', masked: true }, false],
  [unit('nginx', 'masked-runtime'), { name: 'nginx', masked: true }, false],
  [unit('app', 'disabled'), { name: 'app', enabled: true, force: true, state: 'started', scope: 'user' }, false],
  [unit('app', 'disabled'), { name: 'app', masked: true, force: true }, false],
  [{}, { name: 'ntpd', state: 'started' }, false],
  [{}, { name: 'ntpd', enabled: false }, true],
  [{}, { name: 'ntpd', masked: true }, false],
  [{ 'etc/init.d/legacy': '#!/bin/sh\n' }, { name: 'legacy', state: 'started' }, false],
  [unit('nginx', 'disabled', 'active'), { name: 'nginx', state: 'restarted', enabled: true, daemon_reload: true }, true],
  [unit('broken', 'disabled'), { name: 'broken', enabled: true }, false],
  [unit('nginx', 'masked'), { name: 'nginx', state: 'started' }, false],
  [{}, { name: 'kube*', state: 'started' }, false],
  [{}, { state: 'started' }, false],
  [{ ...unit('kubelet', 'bad'), 'units/kubelet.loaderror': 'org.freedesktop.systemd1.BadSetting "Unit kubelet.service has a bad unit file setting."\n' }, { name: 'kubelet', state: 'started' }, false],
  // a unit file fixed on disk: daemon_reload loads it before the unit is read, so its old load error is gone
  [{ ...unit('kubelet', 'enabled'), 'units/kubelet.loaderror': 'org.freedesktop.systemd1.BadSetting "bad setting"\n', 'units/kubelet.fixed': '' }, { name: 'kubelet', state: 'started', daemon_reload: true }, false],
  [{ ...unit('kubelet', 'enabled'), 'units/kubelet.loaderror': 'org.freedesktop.systemd1.BadSetting "bad setting"\n', 'units/kubelet.fixed': '' }, { name: 'kubelet', state: 'started', daemon_reload: true }, true],
  // show answers without a LoadState (a minimal systemctl): the unit is not found, whatever is-enabled says
  [{ ...unit('app', 'disabled'), 'units/app.noload': '' }, { name: 'app', state: 'started' }, false],
  [{ ...unit('app', 'disabled'), 'units/app.noload': '', 'etc/init.d/app': '#!/bin/sh\n' }, { name: 'app', enabled: true }, false],
  // show fails with "Failed to parse bus message" (a container's systemctl): list-unit-files finds the unit and
  // is-active gives its state, as in Ansible's workaround
  [{ ...unit('nginx', 'enabled', 'active'), 'units/nginx.busfails': '' }, { name: 'nginx', state: 'started' }, false],
  [{ ...unit('nginx', 'disabled'), 'units/nginx.busfails': '' }, { name: 'nginx', state: 'started', enabled: true }, false],
  [{ ...unit('nginx', 'enabled', 'active'), 'units/nginx.busfails': '' }, { name: 'nginx', state: 'stopped' }, true],
  [{ 'units/ntpd.busfails': '' }, { name: 'ntpd', state: 'started' }, false],
  // show fails: the unit's state is unknown, as Ansible's module says
  [{ ...unit('nginx', 'enabled', 'active'), 'units/nginx.showfails': '' }, { name: 'nginx', state: 'started' }, false],
  [{ ...unit('nginx', 'enabled', 'active'), 'units/nginx.showfails': '' }, { name: 'nginx', enabled: true }, false],
];

describe.skipIf(!hasAnsible)("systemd against Ansible's own module", () => {
  it.each(rows)('%j %j (check %s)', async (units, args, check) => {
    const ours = await kplay(units, args, check);
    const theirs = ansible(units, args, check);
    const seen = (r: Run) => ({ actions: r.actions, changed: r.result.changed === true, failed: r.result.failed === true, msg: r.result.failed ? r.result.msg : undefined, warnings: r.warnings });
    expect(seen(ours)).toEqual(seen(theirs));
    // name, and state and enabled only where Ansible's has them
    if (!theirs.result.failed) for (const k of ['name', 'state', 'enabled'] as const) expect([k, ours.result[k]]).toEqual([k, theirs.result[k]]);
    // the whole of systemctl show's properties, as Ansible's module returns them
    if (!theirs.result.failed) expect(ours.result.status).toEqual(theirs.result.status);
  });
});
