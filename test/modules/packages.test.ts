// apt/package against fake dpkg-query/apt-get/apt-cache (state in a file, calls logged): each row is
// the installed packages before, the arguments, the apt-get calls expected and `changed`.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleContext } from '../../engine/modules/types.js';
import { moduleContext } from '../support/module-context.js';
import { writeTree } from '../support/tree.js';

const FAKES = {
  'bin/dpkg-query': `#!/bin/sh
pkg=$(eval echo \\$$#)
line=$(grep "^$pkg " "$STATE") || exit 1
printf 'install ok installed|%s' "\${line#* }"
`,
  'bin/apt-cache': `#!/bin/sh
echo "$2:"; echo "  Candidate: $(grep "^$2 " "$REPO" | cut -d' ' -f2)"
`,
  'bin/apt-get': `#!/bin/sh
echo "apt-get $*" >> "$LOG"
case "$1" in
  update) exit 0;;
  install) for a in "$@"; do case "$a" in -*|install) ;; *=*) n=\${a%%=*}; v=\${a#*=}; grep -v "^$n " "$STATE" > "$STATE.new"; echo "$n $v" >> "$STATE.new"; mv "$STATE.new" "$STATE";; *) v=$(grep "^$a " "$REPO" | cut -d' ' -f2); grep -v "^$a " "$STATE" > "$STATE.new"; echo "$a $v" >> "$STATE.new"; mv "$STATE.new" "$STATE";; esac; done;;
  remove|purge) for a in "$@"; do grep -v "^$a " "$STATE" > "$STATE.new"; mv "$STATE.new" "$STATE"; done;;
esac
`,
};

async function apt(installed: string, args: Record<string, unknown>, check = false) {
  const root = writeTree({ ...FAKES, state: installed, repo: 'kubeadm 1.30.2-1.1\nkubelet 1.30.2-1.1\ncontainerd 1.7.12\n' });
  for (const f of Object.keys(FAKES)) chmodSync(join(root, f), 0o755);
  const env = { PATH: `${join(root, 'bin')}:${process.env.PATH}`, STATE: join(root, 'state'), REPO: join(root, 'repo'), LOG: join(root, 'log') };
  const ctx = moduleContext(args, { env, check });
  const result = await (IMPLEMENTATIONS.apt as (c: ModuleContext) => Promise<Record<string, unknown>>)(ctx);
  const log = existsSync(join(root, 'log')) ? readFileSync(join(root, 'log'), 'utf8').trim().split('\n') : [];
  return { result, log, state: readFileSync(join(root, 'state'), 'utf8') };
}

// [installed before, args, apt-get calls, changed]
const cases: [string, Record<string, unknown>, string[], boolean][] = [
  ['', { name: 'kubeadm' }, ['apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold kubeadm'], true],
  ['kubeadm 1.30.2-1.1\n', { name: 'kubeadm' }, [], false],
  ['kubeadm 1.29.0-1.1\n', { name: 'kubeadm=1.30.2-1.1', allow_downgrade: true }, ['apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --allow-downgrades kubeadm=1.30.2-1.1'], true],
  ['kubeadm 1.30.2-1.1\n', { name: ['kubeadm=1.30.2', 'kubelet=1.30.2-1.1'] }, ['apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold kubelet=1.30.2-1.1'], true],
  ['kubeadm 1.29.0-1.1\n', { name: 'kubeadm', state: 'latest' }, ['apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold kubeadm'], true],
  ['kubeadm 1.30.2-1.1\n', { name: 'kubeadm', state: 'absent' }, ['apt-get remove -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold kubeadm'], true],
  ['', { name: 'kubeadm', state: 'absent' }, [], false],
  ['', { name: 'containerd', update_cache: true }, ['apt-get update -q', 'apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold containerd'], true],
];

describe('apt', () => {
  it.each(cases)('installed %j, args %j', async (installed, args, calls, changed) => {
    const r = await apt(installed, args);
    expect(r.log.filter(Boolean)).toEqual(calls);
    expect(r.result.changed).toBe(changed);
  });

  it('runs no apt-get in check mode but reports the change', async () => {
    const r = await apt('', { name: 'kubeadm' }, true);
    expect(r.log.filter(Boolean)).toEqual([]);
    expect(r.result).toMatchObject({ changed: true, installed: ['kubeadm'] });
  });

  it('pins a version so a second run changes nothing', async () => {
    const first = await apt('kubeadm 1.29.0-1.1\n', { name: 'kubeadm=1.30.2-1.1' });
    expect(first.state).toContain('kubeadm 1.30.2-1.1');
  });
});

describe('script and fetch', () => {
  it('script runs a local file on the host with arguments and cleans up', async () => {
    const root = writeTree({ 'files/hello.sh': '#!/bin/sh\necho "hello $1"\n' });
    const ctx = moduleContext({ _raw_params: 'hello.sh world' }, { findLocal: (_k, src) => join(root, 'files', src) });
    const r = await (IMPLEMENTATIONS.script as (c: ModuleContext) => Promise<Record<string, unknown>>)(ctx);
    expect(r).toMatchObject({ changed: true, rc: 0, stdout: 'hello world' });
  });

  it('fetch copies host files to DEST/HOST/PATH, only when they differ', async () => {
    const root = writeTree({ 'remote/admin.conf': 'kubeconfig\n' });
    const make = (args: Record<string, unknown>): ModuleContext => moduleContext(args, { variable: () => ({ defined: true, value: 'master1' }) });
    const fetch = IMPLEMENTATIONS.fetch as (c: ModuleContext) => Promise<Record<string, unknown>>;
    const src = join(root, 'remote/admin.conf');
    const r1 = await fetch(make({ src, dest: join(root, 'fetched') }));
    expect(r1.changed).toBe(true);
    expect(readFileSync(join(root, 'fetched', 'master1', src), 'utf8')).toBe('kubeconfig\n');
    expect((await fetch(make({ src, dest: join(root, 'fetched') }))).changed).toBe(false);
    const flat = await fetch(make({ src, dest: join(root, 'local-admin.conf'), flat: true }));
    expect(flat.changed).toBe(true);
    writeFileSync(join(root, 'x'), '');
    expect((await fetch(make({ src: join(root, 'missing'), dest: root }))).failed).toBe(true);
  });
});
