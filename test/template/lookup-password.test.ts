// The password lookup (kubespray's defaults make kube_encrypt_token and kubeadm_certificate_key with it)
// and varnames (kubespray's validate_inventory): the password kept in a 0600 file in a 0700 directory and
// read back by later lookups and by Ansible, /dev/null keeping nothing, the chars option's names and `,,`,
// encrypt's salt kept beside the password (the same hash as Ansible's from the same file), Ansible's errors.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const play = (vars: string, tasks: string): string => `- hosts: localhost\n  gather_facts: false\n${vars ? `  vars:\n${vars}` : ''}  tasks:\n${tasks}`;

describe('the password and varnames lookups', () => {
  it.each(Object.entries(ENGINES))('%s: keeps the password in the file, reads it back, and finds variables by name', (engine, argv) => {
    if (engine === 'ansible' && !hasAnsible) return;
    const root = writeTree({
      'site.yaml': play(
        `    creds: "{{ playbook_dir }}/credentials"\n    k8s_checksums: {}\n    other_checksums: {}\n    token: "{{ lookup('password', creds + '/token.creds length=32 chars=ascii_letters,digits') }}"\n`,
        `    - debug: msg="{{ token | length }} {{ token is match('^[A-Za-z0-9]+$') }} {{ lookup('password', creds + '/token.creds') == token }}"\n` +
          `    - debug: msg="{{ lookup('password', '/dev/null length=12 chars=digits,,') is match('^[0-9,]{12}$') }} {{ lookup('password', '/dev/null') | length }}"\n` +
          `    - debug: msg="{{ query('varnames', '^.+_checksums$') | sort }} {{ query('ansible.builtin.varnames', '^k8s_', 'other') | sort }}"\n`,
      ),
    });
    const run = playMessages(argv, root);
    expect(run.msgs, run.text).toEqual(['32 True True', 'True 20', "['k8s_checksums', 'other_checksums'] ['k8s_checksums', 'other_checksums']"]);
    const file = `${root}/credentials/token.creds`;
    expect(readFileSync(file, 'utf8')).toMatch(/^[A-Za-z0-9]{32}\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${root}/credentials`).mode & 0o777).toBe(0o700);
  });

  it("reads the file the other engine wrote: the same password, and with encrypt the same hash from the salt kept beside it", () => {
    const root = writeTree({
      'site.yaml': play('', `    - debug: msg="{{ lookup('password', 'p.txt') }}"\n    - debug: msg="{{ lookup('password', 'e.txt encrypt=sha512_crypt') }}"\n    - debug: msg="{{ lookup('password', 'm.txt encrypt=md5_crypt') }}"\n`),
      'p.txt': 'kept-password\n',
      'e.txt': 'secret salt=abcdefghijklmnop\n',
    });
    const kplay = playMessages(ENGINES.kplay, root);
    // a salt is added to a file without one, and kept there
    const m = readFileSync(`${root}/m.txt`, 'utf8');
    expect(m).toMatch(/^[A-Za-z0-9.,:_-]{20} salt=[./0-9A-Za-z]{8}\n$/);
    expect(kplay.msgs[0]).toBe('kept-password');
    expect(kplay.msgs[1]).toBe('$6$rounds=656000$abcdefghijklmnop$z9xJ0y9RW3OBrlS6NcWPGwdenhYZEfWfk/pE3f9Yi4fg6SOtfkCkdCMOHQU98M5EBxrur4.yLTmNNcqIWS8Cq0');
    expect(kplay.msgs[2]).toMatch(/^\$1\$[./0-9A-Za-z]{8}\$[./0-9A-Za-z]{22}$/);
    if (hasAnsible) expect(playMessages(ENGINES.ansible, root).msgs).toEqual(kplay.msgs);
    expect(readFileSync(`${root}/m.txt`, 'utf8')).toBe(m);
  });

  it("with seed= makes the password Python's random.Random(seed) makes, and keeps it in the file as Ansible does", () => {
    const root = writeTree({ 'site.yaml': play('', `    - debug: msg="{{ lookup('password', 'creds/' + inventory_hostname + ' seed=' + inventory_hostname) }}"\n    - debug: msg="{{ lookup('password', '/dev/null seed=42 length=8 chars=digits') }}"\n`) });
    const kplay = playMessages(ENGINES.kplay, root);
    // what ansible-playbook 2.14 made for these seeds when this row was written
    expect(kplay.msgs, kplay.text).toEqual(['7ZQX1-xalTt52lKEHNP4', '77410197']);
    expect(readFileSync(`${root}/creds/localhost`, 'utf8')).toBe('7ZQX1-xalTt52lKEHNP4\n');
    if (hasAnsible) {
      const again = writeTree({ 'site.yaml': readFileSync(`${root}/site.yaml`, 'utf8') });
      expect(playMessages(ENGINES.ansible, again).msgs).toEqual(kplay.msgs);
    }
  });

  it("takes turns with another run through Ansible's lock file beside the password file, and gives up on a lock never released", () => {
    const root = writeTree({ 'site.yaml': play('', `    - debug: msg="{{ lookup('password', 'p.txt') | length }}"\n`) });
    const lock = join(root, `${createHash('sha1').update(join(root, 'p.txt')).digest('hex')}.ansible_lockfile`);
    writeFileSync(lock, '');
    // the other run releases its lock after 2 seconds; had this one not waited, the file would be there by then
    const other = spawn('sh', ['-c', `sleep 2; test -e p.txt && echo early > early; rm ${lock}`], { cwd: root, stdio: 'ignore' });
    const run = playMessages(ENGINES.kplay, root);
    expect(run.msgs, run.text).toEqual(['20']);
    expect(existsSync(join(root, 'early'))).toBe(false);
    expect(readdirSync(root).filter((f) => f.endsWith('.ansible_lockfile'))).toEqual([]);
    other.kill();
    writeFileSync(lock, '');
    const stuck = playMessages(ENGINES.kplay, root, 'site.yaml', ['-e', 'unused=1']);
    expect(stuck.text).toContain('fatal: [localhost]');
    expect(stuck.msgs[0]).toContain(`Password lookup cannot get the lock in 7 seconds, abort...This may caused by un-removed lockfileyou can manually remove it from controller machine at ${lock} and try again`);
    // another run's lock is left where it is
    expect(existsSync(lock)).toBe(true);
  }, 30_000);

  it.each([
    ["'/dev/null foo=1'", 'Unrecognized parameter(s) given to password lookup: foo'],
    ["'/dev/null length=x'", "invalid literal for int() with base 10: 'x'"],
    ["'/dev/null', seed=1.5", "kplay reproduces Python's random.Random(seed) for a text or whole-number seed"],
    ["'/dev/null encrypt=bcrypt'", 'kplay does not compute bcrypt hashes'],
    ["'/dev/null encrypt=sha512'", "passlib does not support 'sha512' algorithm"],
  ])('lookup(password, %s) fails the task: %s', (term, words) => {
    const root = writeTree({ 'site.yaml': play('', `    - debug: msg="{{ lookup('password', ${term}) }}"\n`) });
    const run = playMessages(ENGINES.kplay, root);
    expect(run.text).toContain('fatal: [localhost]');
    expect(run.msgs[0]).toContain(words);
  });
});
