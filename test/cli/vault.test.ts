// Ansible Vault in kplay, ansible-playbook and ansible-inventory: !vault values in group_vars, encrypted
// vars_files, -e @file and include_vars, with the password from --vault-password-file, --vault-id,
// ansible.cfg or a script; without it or with a wrong one, an encrypted file stops the run before any host
// is touched, and a !vault value fails only the task that uses it (Ansible decrypts it on use).
// Compared with Ansible where it is installed (CI installs it).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { KPLAY_BIN } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';
import { openTerminal, tmuxAvailable } from '../support/tmux.js';
import { sleep } from '../support/until.js';
import { encrypt } from '../support/vault.js';

const PW = 'correct horse';
const indent = (t: string): string => t.trimEnd().replace(/^/gm, '    ');

function tree(extra: Record<string, string> = {}): string {
  const root = writeTree({
    hosts: 'h1 ansible_connection=local\n',
    'group_vars/all.yml': `plain: p\ngreeting: !vault |\n${indent(encrypt('inline-value', PW, 'prod'))}\n`,
    'vars.yml': encrypt('from_vars_file: v-{{ plain }}\n', PW),
    'extra.yml': encrypt('from_extra: e\n', PW),
    'inc.yml': encrypt('from_include: i\n', PW),
    'pw.txt': `${PW}\n`,
    'pw.sh': `#!/bin/sh\necho '${PW}'\n`,
    'wrong.txt': 'nope\n',
    'site.yaml': `- hosts: all
  gather_facts: false
  vars_files: [vars.yml]
  tasks:
    - include_vars: inc.yml
    - debug: msg="{{ greeting | upper }} {{ from_vars_file }} {{ from_extra }} {{ from_include }}"
    - file: {path: "{{ playbook_dir }}/touched", state: touch}
`,
    ...extra,
  });
  chmodSync(join(root, 'pw.sh'), 0o755);
  return root;
}

function run(engine: 'kplay' | 'ansible', root: string, args: string[]): { rc: number | null; msg: string | undefined; text: string } {
  const argv = engine === 'kplay' ? [process.execPath, KPLAY_BIN] : ['ansible-playbook'];
  const r = spawnSync(argv[0] as string, [...argv.slice(1), '-i', 'hosts', 'site.yaml', '-e', '@extra.yml', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1', ANSIBLE_NOCOLOR: '1' } });
  return { rc: r.status, msg: /"msg": "(.*)"/.exec(r.stdout)?.[1], text: r.stdout + r.stderr };
}

const WANT = 'INLINE-VALUE v-p e i';

describe('Ansible Vault', () => {
  it.each([
    ['--vault-password-file', ['--vault-password-file', 'pw.txt'], {}],
    ['--vault-pass-file with a script', ['--vault-pass-file', 'pw.sh'], {}],
    ['--vault-id with a label', ['--vault-id', 'prod@pw.txt'], {}],
    ['--vault-id after a wrong one', ['--vault-id', 'dev@wrong.txt', '--vault-id', 'pw.txt'], {}],
    ["ansible.cfg's vault_password_file", [], { 'ansible.cfg': '[defaults]\nvault_password_file = pw.txt\n' }],
    ["ansible.cfg's vault_identity_list", [], { 'ansible.cfg': '[defaults]\nvault_identity_list = prod@pw.txt\n' }],
  ] as [string, string[], Record<string, string>][])('decrypts with %s', (_what, args, files) => {
    for (const engine of hasAnsible ? (['kplay', 'ansible'] as const) : (['kplay'] as const)) {
      const root = tree(files);
      const r = run(engine, root, args);
      expect({ rc: r.rc, msg: r.msg }, `${engine}: ${r.text}`).toEqual({ rc: 0, msg: WANT });
      expect(existsSync(join(root, 'touched'))).toBe(true);
    }
  });

  it.each([
    ["a client script asked for the label's password", ['--vault-id', 'prod@pw-client.sh'], {}, WANT, []],
    ['a client script without a label, asked with no --vault-id', ['--vault-id', 'pw-client.sh'], {}, undefined, ["Vault password client script ROOT/pw-client.sh did not find a secret for vault-id=None: b'unknown id: \\n'"]],
    ['a missing password file before a good one: warned of', ['--vault-password-file', 'nothere.txt', '--vault-password-file', 'pw.txt'], {}, WANT, ['[WARNING]: Error getting vault password file (default): The vault password file ROOT/nothere.txt was not found']],
    ['a failing script before a good one: warned of, its stderr not captured', ['--vault-password-file', 'bad.sh', '--vault-password-file', 'pw.txt'], {}, WANT, ['[WARNING]: Error in vault password file loading (default): Vault password script ROOT/bad.sh returned non-zero (3): None']],
    ['vault_id_match (any value but an empty one turns it on): another label is not tried', ['--vault-id', 'dev@pw.txt'], { 'ansible.cfg': '[defaults]\nvault_id_match = false\n' }, undefined, ['Decryption failed (no vault secrets were found that could decrypt)']],
    ["vault_identity: an unlabelled password's label and a 1.1 envelope's, with vault_id_match", ['--vault-password-file', 'pw.txt'], { 'ansible.cfg': '[defaults]\nvault_identity = prod\nvault_id_match = true\n' }, WANT, []],
    ["vault_identity is a 1.1 envelope's label: with vault_id_match, the label 'default' does not open it", ['--vault-id', 'default@pw.txt'], { 'ansible.cfg': '[defaults]\nvault_identity = prod\nvault_id_match = true\n' }, undefined, ['Decryption failed (no vault secrets were found that could decrypt)']],
  ] as [string, string[], Record<string, string>, string | undefined, string[]][])('password sources as Ansible takes them: %s', (_what, args, files, want, says) => {
    for (const engine of hasAnsible ? (['kplay', 'ansible'] as const) : (['kplay'] as const)) {
      const root = tree({
        'pw-client.sh': `#!/bin/sh\n[ "$1 $2" = "--vault-id prod" ] && { echo '${PW}'; exit 0; }\necho "unknown id: $*" >&2\nexit 2\n`,
        'bad.sh': '#!/bin/sh\necho boom >&2\nexit 3\n',
        ...files,
      });
      chmodSync(join(root, 'pw-client.sh'), 0o755);
      chmodSync(join(root, 'bad.sh'), 0o755);
      const r = run(engine, root, args);
      expect({ rc: r.rc === 0, msg: r.msg }, `${engine}: ${r.text}`).toEqual({ rc: want !== undefined, msg: want });
      // (warnings are wrapped at 79 columns)
      for (const text of says) expect(r.text.replace(/\s+/g, ' '), engine).toContain(text.replace('ROOT', root).replace('ROOT', root));
    }
  });

  it('never shows a !vault value: it is a secret wherever it appears', () => {
    const root = tree({ 'show.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: var=greeting\n    - debug: msg="it is {{ greeting }}"\n' });
    const r = spawnSync(process.execPath, [KPLAY_BIN, '-i', 'hosts', 'show.yaml', '--vault-password-file', 'pw.txt'], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('"greeting": "<redacted: secret>"');
    expect(r.stdout).toContain('"msg": "it is <redacted: secret>"');
    expect(r.stdout + r.stderr).not.toContain('inline-value');
  });

  it.each([
    ['no password', [], 'Attempting to decrypt but no vault secrets found'],
    ['a wrong password', ['--vault-password-file', 'wrong.txt'], 'Decryption failed (no vault secrets were found that could decrypt)'],
    ['a missing password file', ['--vault-password-file', 'nothere.txt'], 'The vault password file'],
  ] as [string, string[], string][])('stops before any host is touched with %s', (_what, args, message) => {
    for (const engine of hasAnsible ? (['kplay', 'ansible'] as const) : (['kplay'] as const)) {
      const root = tree();
      const r = run(engine, root, args);
      expect(r.rc, `${engine}: ${r.text}`).not.toBe(0);
      expect(r.text, engine).toContain(message);
      expect(r.text, engine).not.toContain('Traceback');
      if (engine === 'kplay') expect(r.text).not.toContain('invalid YAML');
      expect(existsSync(join(root, 'touched')), engine).toBe(false);
    }
  });

  it("an encrypted group_vars file of the second host's group, without the password, stops the play before its first task runs on any host, as in Ansible", () => {
    for (const engine of hasAnsible ? (['kplay', 'ansible'] as const) : (['kplay'] as const)) {
      const root = writeTree({
        hosts: 'h1 ansible_connection=local\nh2 ansible_connection=local\n[web]\nh2\n',
        'group_vars/web.yml': encrypt('secret: s3\n', PW),
        'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - file: {path: "{{ playbook_dir }}/touched-{{ inventory_hostname }}", state: touch}\n',
      });
      const argv = engine === 'kplay' ? [process.execPath, KPLAY_BIN] : ['ansible-playbook'];
      const r = spawnSync(argv[0] as string, [...argv.slice(1), '-i', 'hosts', 'site.yaml'], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1', ANSIBLE_NOCOLOR: '1' } });
      // the play's banner, then the error; no task line, no recap (the old engine ran h1's task first)
      expect({ rc: r.status, out: r.stdout.trim() }, `${engine}: ${r.stdout}${r.stderr}`).toEqual({ rc: 4, out: expect.stringMatching(/^PLAY \[all\] \*+$/) as unknown });
      expect(r.stderr, engine).toContain('Attempting to decrypt but no vault secrets found');
      expect(['h1', 'h2'].filter((h) => existsSync(join(root, `touched-${h}`))), engine).toEqual([]);
    }
  });

  it.each([
    ['no password', []],
    ['a wrong password', ['--vault-password-file', 'wrong.txt']],
  ] as [string, string[]][])('with %s, a !vault value fails only where it is used, as Ansible decrypts it on use', (_what, args) => {
    // a !vault block for a key at column `at`
    const vaulted = (t: string, at: number): string => `!vault |\n${indent(encrypt(t, PW)).replace(/^/gm, ' '.repeat(at))}`;
    const outcomes: Record<string, unknown> = {};
    for (const engine of hasAnsible ? (['kplay', 'ansible'] as const) : (['kplay'] as const)) {
      const root = writeTree({
        hosts: 'h1 ansible_connection=local\n',
        'group_vars/all.yml': `plain: p\ngreeting: !vault |\n${indent(encrypt('inline-value', PW))}\n`,
        'vars.yml': `from_file: f\nunused: !vault |\n${indent(encrypt('u', PW))}\nnested:\n  k: 1\n  s: ${vaulted('n', 2)}\n`,
        'wrong.txt': 'nope\n',
        'p.yaml': `- hosts: all
  gather_facts: false
  vars_files: [vars.yml]
  vars:
    play_secret: ${vaulted('s', 4)}
  tasks:
    - debug: msg="{{ plain }} {{ from_file }} {{ greeting is defined }} {{ greeting is undefined }} {{ play_secret is defined }} {{ hostvars.h1.plain }}"
    - debug: msg="{{ greeting }}"
      ignore_errors: true
    - debug:
        msg: ${vaulted('in-args', 8)}
      ignore_errors: true
    - copy: {dest: "{{ playbook_dir }}/out", content: "{{ greeting }}"}
      ignore_errors: true
    - debug: msg="{{ 'yes' if unused == 'u' else 'no' }}"
      ignore_errors: true
    - debug: msg="{{ greeting }}"
      vars: {greeting: shadowed}
    - debug: msg="{{ nested.k }} {{ nested | length }} {{ nested.s is defined }}"
    - debug: msg="{{ nested }}"
      ignore_errors: true
    - file: {path: "{{ playbook_dir }}/touched", state: touch}
`,
      });
      const argv = engine === 'kplay' ? [process.execPath, KPLAY_BIN] : ['ansible-playbook'];
      const r = spawnSync(argv[0] as string, [...argv.slice(1), '-i', 'hosts', 'p.yaml', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1', ANSIBLE_NOCOLOR: '1' } });
      outcomes[engine] = {
        rc: r.status,
        msgs: [...r.stdout.matchAll(/"msg": "(.*?)"/g)].map((m) => m[1]),
        recap: /ok=\d+ +changed=\d+ +unreachable=\d+ +failed=\d+ +skipped=\d+ +rescued=\d+ +ignored=\d+/.exec(r.stdout)?.[0]?.replace(/ +/g, ' '),
        written: [existsSync(join(root, 'out')), existsSync(join(root, 'touched'))],
      };
    }
    const why = args.length ? 'Decryption failed (no vault secrets were found that could decrypt)' : 'Attempting to decrypt but no vault secrets found';
    expect(outcomes.kplay).toEqual({
      rc: 0,
      msgs: ['p f True False True p', why, why, why, why, 'shadowed', '1 2 True', why],
      recap: 'ok=9 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=5',
      written: [false, true],
    });
    if (hasAnsible) expect(outcomes.ansible).toEqual(outcomes.kplay);
  });

  it("decrypts encrypted copy, template and lookup sources as Ansible's loader does; without the password the task fails in Ansible's words", () => {
    for (const engine of hasAnsible ? (['kplay', 'ansible'] as const) : (['kplay'] as const)) {
      const root = writeTree({
        hosts: 'h1 ansible_connection=local\n',
        'files/f.conf': encrypt('file-body\n', PW),
        'templates/t.j2': encrypt('sum {{ 1 + 1 }}\n', PW),
        'pw.txt': PW,
        'p.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {src: f.conf, dest: "{{ playbook_dir }}/out1"}\n    - template: {src: t.j2, dest: "{{ playbook_dir }}/out2"}\n    - debug: msg="{{ lookup(\'file\', \'f.conf\') | upper }}"\n',
      });
      const argv = engine === 'kplay' ? [process.execPath, KPLAY_BIN] : ['ansible-playbook'];
      const play = (more: string[]): { rc: number | null; out: string } => {
        const r = spawnSync(argv[0] as string, [...argv.slice(1), '-i', 'hosts', 'p.yaml', ...more], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1', ANSIBLE_NOCOLOR: '1' } });
        return { rc: r.status, out: r.stdout + r.stderr };
      };
      const without = play([]);
      expect(without.out, engine).toContain(`fatal: [h1]: FAILED! => {"msg": "A vault password or secret must be specified to decrypt ${join(root, 'files/f.conf')}"}`);
      expect(existsSync(join(root, 'out1')), engine).toBe(false);
      const r = play(['--vault-password-file', 'pw.txt']);
      expect({ rc: r.rc, lookup: /"msg": "(.*)"/.exec(r.out)?.[1] }, `${engine}: ${r.out}`).toEqual({ rc: 0, lookup: 'FILE-BODY' });
      expect([readFileSync(join(root, 'out1'), 'utf8'), readFileSync(join(root, 'out2'), 'utf8')], engine).toEqual(['file-body\n', 'sum 2\n']);
    }
  });

  it("a template's {% include %} of an encrypted file gives its ciphertext, as Jinja's loader reads it in Ansible", () => {
    const envelope = encrypt('inner {{ 1 + 1 }}\n', PW);
    for (const engine of hasAnsible ? (['kplay', 'ansible'] as const) : (['kplay'] as const)) {
      const root = writeTree({
        hosts: 'h1 ansible_connection=local\n',
        'templates/enc.j2': envelope,
        'templates/t.j2': 'outer\n{% include "enc.j2" %}\n',
        'pw.txt': PW,
        'p.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - template: {src: t.j2, dest: "{{ playbook_dir }}/out"}\n',
      });
      const argv = engine === 'kplay' ? [process.execPath, KPLAY_BIN] : ['ansible-playbook'];
      const r = spawnSync(argv[0] as string, [...argv.slice(1), '-i', 'hosts', 'p.yaml', '--vault-password-file', 'pw.txt'], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1' } });
      expect(r.status, `${engine}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(readFileSync(join(root, 'out'), 'utf8'), engine).toBe(`outer\n${envelope}`);
    }
  });

  it.skipIf(!tmuxAvailable())('--ask-vault-pass asks on the terminal (the answer not echoed), then decrypts; without a terminal it is refused', async () => {
    const root = tree();
    const term = openTerminal([process.execPath, KPLAY_BIN, '-i', 'hosts', 'site.yaml', '-e', '@extra.yml', '--ask-vault-pass'], { cols: 120, rows: 30, cwd: root, env: { HOME: root } });
    try {
      for (let i = 0; i < 100 && !term.screen().join('\n').includes('Vault password:'); i++) await sleep(100);
      term.type(PW);
      expect(await term.exited(60_000)).toBe(0);
      const history = term.history().join('\n');
      expect(history).toContain(`"msg": "${WANT}"`);
      expect(history).not.toContain(PW);
    } finally {
      term.kill();
    }
    const none = run('kplay', tree(), ['--ask-vault-pass']);
    expect({ rc: none.rc, text: none.text }).toEqual({ rc: 5, text: expect.stringContaining('asking for the vault password needs a terminal') as unknown });
  });

  it.skipIf(!tmuxAvailable())('asks -k before the vault password, as ansible-playbook; adhoc asks -k before it lists the hosts', async () => {
    const root = tree();
    const waitFor = async (term: ReturnType<typeof openTerminal>, text: string): Promise<string> => {
      for (let i = 0; i < 100 && !term.screen().join('\n').includes(text); i++) await sleep(100);
      return term.screen().join('\n');
    };
    const play = openTerminal([process.execPath, KPLAY_BIN, '-i', 'hosts', 'site.yaml', '-e', '@extra.yml', '-k', '--ask-vault-pass'], { cols: 120, rows: 30, cwd: root, env: { HOME: root } });
    try {
      const first = await waitFor(play, 'SSH password:');
      expect(first).toContain('SSH password:');
      expect(first).not.toContain('Vault password');
      play.type('ssh-pass');
      expect(await waitFor(play, 'Vault password:')).toContain('Vault password:');
      play.type(PW);
      expect(await play.exited(60_000)).toBe(0);
      expect(play.history().join('\n')).toContain(`"msg": "${WANT}"`);
    } finally {
      play.kill();
    }
    const adhoc = openTerminal([process.execPath, KPLAY_BIN, 'adhoc', 'all', '-i', 'hosts', '--list-hosts', '-k'], { cols: 120, rows: 30, cwd: root, env: { HOME: root } });
    try {
      const first = await waitFor(adhoc, 'SSH password:');
      expect(first).toContain('SSH password:');
      expect(first).not.toContain('hosts (1)');
      adhoc.type('ssh-pass');
      expect(await adhoc.exited(30_000)).toBe(0);
      expect(adhoc.history().join('\n')).toContain('  hosts (1):\n    h1');
    } finally {
      adhoc.kill();
    }
  });

  it('kplay inventory lists a !vault value encrypted, as ansible-inventory does', () => {
    const root = tree();
    const list = (argv: string[]): unknown => {
      const r = spawnSync(argv[0] as string, [...argv.slice(1), '-i', 'hosts', '--list'], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root } });
      return (JSON.parse(r.stdout) as { _meta: { hostvars: Record<string, unknown> } })._meta.hostvars.h1;
    };
    const mine = list([process.execPath, KPLAY_BIN, 'inventory']);
    expect(mine).toEqual({ ansible_connection: 'local', plain: 'p', greeting: { __ansible_vault: expect.stringMatching(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n[0-9a-f\n]+$/) as unknown } });
    if (hasAnsible) expect(list(['ansible-inventory'])).toEqual(mine);
  });
});
