// copy against Ansible's copy, each engine in its own sandbox: a directory as src (`tree` copies the
// directory into dest, `tree/` its contents; directory_mode for the directories made, mode for the
// files; a second run changes nothing; a changed file on the host is put back), and single files from
// content (text, a mapping), a controller file (binary too), the host itself (remote_src), into a
// directory (a missing one made for dest/), with modes numeric and symbolic (and setuid with an owner),
// force=false, backup and validate; every key each task registers is compared with Ansible's.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, registeredPairs, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

// the sha1 of 'summed\n'
const SUMMED = '9830126478e68e49cc7f3ca2a8c335fd8c711cd6';

const steps: [Record<string, unknown>, string][] = [
  [{ file: { path: '@WORK@/d1', state: 'directory' } }, 'changed'],
  [{ copy: { src: 'tree', dest: '@WORK@/d1/', mode: '0640', directory_mode: '0750' } }, 'changed'],
  [{ copy: { src: 'tree', dest: '@WORK@/d1/', mode: '0640', directory_mode: '0750' } }, 'ok'],
  [{ copy: { dest: '@WORK@/d1/tree/sub/b.conf', content: 'edited\n' } }, 'changed'],
  [{ copy: { src: 'tree', dest: '@WORK@/d1/', mode: '0640', directory_mode: '0750' } }, 'changed'],
  [{ copy: { src: 'tree/', dest: '@WORK@/d2' } }, 'changed'],
  [{ copy: { src: 'tree/', dest: '@WORK@/d2' } }, 'ok'],
  // a directory of one file: the result is that file's copy (its sums, dest, add_path_info), as Ansible's action gives it
  [{ copy: { src: 'solo/', dest: '@WORK@/s1/' } }, 'changed'],
  [{ copy: { src: 'solo/', dest: '@WORK@/s1/' } }, 'ok'],
  [{ copy: { src: 'solo/', dest: '@WORK@/s1/', mode: '0600' }, check_mode: true }, 'changed'],
  [{ copy: { src: 'solo', dest: '@WORK@/s1/' }, check_mode: true }, 'changed'],
  [{ copy: { src: 'solo', dest: '@WORK@/s1/', mode: '0640' } }, 'changed'],
  [{ copy: { content: 'one\n', dest: '@WORK@/f/one.conf', mode: '0640' } }, 'failed'],
  [{ file: { path: '@WORK@/f', state: 'directory' } }, 'changed'],
  [{ copy: { content: 'one\n', dest: '@WORK@/f/one.conf', mode: '0640' } }, 'changed'],
  [{ copy: { content: 'one\n', dest: '@WORK@/f/one.conf', mode: 'u=rw,g=r,o=' } }, 'ok'],
  [{ copy: { content: 'one\n', dest: '@WORK@/f/one.conf', mode: 'u=rw,go=r' } }, 'changed'],
  [{ copy: { content: 'two\n', dest: '@WORK@/f/one.conf', force: false } }, 'ok'],
  [{ copy: { content: 'two\n', dest: '@WORK@/f/one.conf', backup: true } }, 'changed'],
  [{ copy: { content: 'three\n', dest: '@WORK@/f/one.conf', validate: '/bin/false %s' } }, 'failed'],
  [{ copy: { content: 'three\n', dest: '@WORK@/f/one.conf', validate: 'grep -q three %s' } }, 'changed'],
  [{ copy: { content: { a: 1, b: ['x', null] }, dest: '@WORK@/f/data.json' } }, 'changed'],
  [{ copy: { src: 'blob.bin', dest: '@WORK@/f/' } }, 'changed'],
  [{ copy: { src: 'blob.bin', dest: '@WORK@/f/' } }, 'ok'],
  [{ copy: { src: '@WORK@/f/blob.bin', dest: '@WORK@/f/blob2.bin', remote_src: true } }, 'changed'],
  [{ copy: { src: '@WORK@/f/missing', dest: '@WORK@/f/x', remote_src: true } }, 'failed'],
  [{ copy: { content: 'x', dest: '@WORK@/f/' } }, 'failed'],
  [{ copy: { content: 'four\n', dest: '@WORK@/f/one.conf' }, check_mode: true }, 'changed'],
  [{ copy: { content: 'five\n', dest: '@WORK@/f/missing/five.conf' } }, 'failed'],
  [{ copy: { content: 'five\n', dest: '@WORK@/f/missing/five.conf' }, check_mode: true }, 'changed'],
  [{ copy: { src: 'blob.bin', dest: '@WORK@/new/deeper/', directory_mode: '0750', mode: '0600' } }, 'changed'],
  [{ copy: { src: 'blob.bin', dest: '@WORK@/new/deeper/', directory_mode: '0750', mode: '0600' } }, 'ok'],
  [{ copy: { content: 'sym\n', dest: '@WORK@/f/sym.conf', mode: 'u+x,g+w' } }, 'changed'],
  [{ copy: { content: 'suid\n', dest: '@WORK@/f/suid', mode: '04755', owner: 'nobody' } }, 'changed'],
  [{ copy: { content: 'suid2\n', dest: '@WORK@/f/suid' } }, 'changed'],
  [{ copy: { content: 'suid2\n', dest: '@WORK@/f/suid', force: false } }, 'ok'],
  [{ copy: { src: '@WORK@/f/suid', dest: '@WORK@/f/suid.copy', remote_src: true }, check_mode: true }, 'changed'],
  [{ copy: { content: 'run\n', dest: '@WORK@/f/run.sh', mode: '+x' } }, 'changed'],
  [{ copy: { content: 'run\n', dest: '@WORK@/f/run.sh', mode: '+x' } }, 'ok'],
  // follow: a link to an existing file is kept and its file written; without it the link is replaced
  [{ file: { path: '@WORK@/f/link.conf', src: '@WORK@/f/one.conf', state: 'link' } }, 'changed'],
  [{ copy: { content: 'through\n', dest: '@WORK@/f/link.conf', follow: true, mode: '0600' } }, 'changed'],
  [{ copy: { content: 'through\n', dest: '@WORK@/f/link.conf', follow: true, mode: '0600' } }, 'ok'],
  [{ file: { path: '@WORK@/f/dangling.conf', src: '@WORK@/f/nowhere', state: 'link', force: true } }, 'changed'],
  [{ copy: { content: 'new\n', dest: '@WORK@/f/dangling.conf', follow: true } }, 'changed'],
  [{ file: { path: '@WORK@/f/link2.conf', src: '@WORK@/f/run.sh', state: 'link' } }, 'changed'],
  [{ copy: { content: 'replaced\n', dest: '@WORK@/f/link2.conf' } }, 'changed'],
  // links in a source directory (made here, beside the playbook): local_follow copies a link to a file as that
  // file and walks a link to a directory, unless it leads back into the walk (kept as a link), and keeps a
  // dangling one as a link; local_follow: false keeps every link
  [{ file: { path: '@WORK@/files/ltree/link-a', src: 'a.conf', state: 'link' } }, 'changed'],
  [{ file: { path: '@WORK@/files/ltree/link-sub', src: 'sub', state: 'link' } }, 'changed'],
  [{ file: { path: '@WORK@/files/ltree/link-other', src: '../other', state: 'link' } }, 'changed'],
  [{ file: { path: '@WORK@/files/ltree/sub/loop', src: '..', state: 'link' } }, 'changed'],
  [{ file: { path: '@WORK@/files/ltree/dangling', src: 'nowhere', state: 'link', force: true } }, 'changed'],
  [{ copy: { src: 'ltree', dest: '@WORK@/l1/' } }, 'changed'],
  [{ copy: { src: 'ltree', dest: '@WORK@/l1/' } }, 'ok'],
  [{ copy: { src: 'ltree/', dest: '@WORK@/l2', local_follow: false } }, 'changed'],
  [{ copy: { src: 'ltree/', dest: '@WORK@/l2', local_follow: 'no' } }, 'ok'],
  // checksum: the sha1 the bytes sent must have, compared when they are sent (or always with remote_src)
  [{ copy: { content: 'summed\n', dest: '@WORK@/f/summed', checksum: '0000000000000000000000000000000000000000' } }, 'failed'],
  [{ copy: { content: 'summed\n', dest: '@WORK@/f/summed', checksum: SUMMED } }, 'changed'],
  [{ copy: { content: 'summed\n', dest: '@WORK@/f/summed', checksum: '0000000000000000000000000000000000000000' } }, 'ok'],
  [{ copy: { src: '@WORK@/f/summed', dest: '@WORK@/f/summed2', remote_src: true, checksum: '0000000000000000000000000000000000000000' }, check_mode: true }, 'failed'],
  [{ copy: { content: 'other\n', dest: '@WORK@/f/summed', checksum: '0000000000000000000000000000000000000000' }, check_mode: true }, 'changed'],
];


// bytes that are not UTF-8 text
const BLOB = Buffer.from([0, 255, 10, 128, 200]);

// a listing's lines without their trailing spaces (a file's empty link target)
const lines = (listing: string): string[] => listing.split('\n').map((l) => l.trimEnd()).filter(Boolean);

const tree = (run: EngineRun, dir: string): string =>
  execFileSync('find', [join(run.sandbox.dir, 'work', dir), '-printf', '%P %y %m %s %l\\n'], { encoding: 'utf8' })
    .split('\n')
    // a backup's name has the process id and the time in it
    .map((l) => l.replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~/, '.BACKUP~').replace(run.sandbox.dir, '@SANDBOX@'))
    .sort()
    .join('\n');

describe.skipIf(!hasAnsible || !canSandbox())('copy, kplay vs ansible-playbook', () => {
  const run = bothEngines(
      steps.map(([t]) => t),
      { 'files/tree/a.conf': 'alpha\n', 'files/tree/sub/b.conf': 'beta\n', 'files/tree/sub/deeper/c.conf': 'gamma\n', 'files/blob.bin': BLOB, 'files/solo/only.conf': 'solo\n', 'files/ltree/a.conf': 'la\n', 'files/ltree/sub/s.conf': 'ls\n', 'files/other/o.conf': 'lo\n' },
    );

  it('every task reports what Ansible reports', () => {
    const shown = (r: EngineRun): string[] => r.results.map((x, i) => `${i} ${JSON.stringify(steps[i]?.[0])}: ${outcome(x)}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
  });

  it("reports a single file's checksum and md5sum as Ansible does (none for a change in check mode)", () => {
    const single = (r: EngineRun): unknown[] =>
      r.results.flatMap((x, i) => {
        const copy = steps[i]?.[0].copy as Record<string, unknown> | undefined;
        if (!copy || x.failed === true || String(copy.src ?? '').startsWith('tree')) return [];
        // (a directory of one file reports that file's sums)
        return [{ i, checksum: x.checksum, md5sum: x.md5sum }];
      });
    expect(single(run().kplay)).toEqual(single(run().ansible));
    expect(single(run().kplay).filter((x) => (x as { checksum?: string }).checksum !== undefined).length).toBeGreaterThan(5);
  });

  it("registers what Ansible's copy registers, key by key: add_path_info's owner, mode, size and state of the file left, dest or path, the sums", () => {
    const { kplay, ansible } = registeredPairs(run().kplay, run().ansible);
    kplay.forEach((r, i) => expect({ i, task: steps[i]?.[0], r }).toEqual({ i, task: steps[i]?.[0], r: ansible[i] }));
  });

  it('makes the same trees and files, with the same modes, bytes and backups', () => {
    for (const d of ['d1', 'd2', 'f', 'new', 's1', 'l1', 'l2']) expect(tree(run().kplay, d)).toBe(tree(run().ansible, d));
    expect(lines(tree(run().kplay, 'l1'))).toEqual([' d 755 4096', 'ltree d 755 4096', 'ltree/a.conf f 644 3', 'ltree/dangling l 777 7 nowhere', 'ltree/link-a f 644 3', 'ltree/link-other d 755 4096', 'ltree/link-other/o.conf f 644 3', 'ltree/link-sub d 755 4096', 'ltree/link-sub/loop l 777 2 ..', 'ltree/link-sub/s.conf f 644 3', 'ltree/sub d 755 4096', 'ltree/sub/loop l 777 2 ..', 'ltree/sub/s.conf f 644 3']);
    expect(lines(tree(run().kplay, 'l2'))).toEqual([' d 755 4096', 'a.conf f 644 3', 'dangling l 777 7 nowhere', 'link-a l 777 6 a.conf', 'link-other l 777 8 ../other', 'link-sub l 777 3 sub', 'sub d 755 4096', 'sub/loop l 777 2 ..', 'sub/s.conf f 644 3']);
    // a setuid bit asked with an owner is kept; a rewrite without a mode loses it (its owner is set again after its mode)
    expect(tree(run().kplay, 'f')).toContain('suid f 755 6');
    expect(tree(run().kplay, 'f')).toContain('sym.conf f 764 4');
    expect(tree(run().kplay, 'new')).toContain('deeper d 750');
    // follow kept the link (its file written); without follow the link became a file
    expect(tree(run().kplay, 'f')).toMatch(/^link\.conf l /m);
    expect(tree(run().kplay, 'f')).toMatch(/^link2\.conf f /m);
    const bytes = (r: EngineRun, f: string): string => execFileSync('od', ['-An', '-tx1', join(r.sandbox.dir, 'work', 'f', f)], { encoding: 'utf8' });
    for (const f of ['one.conf', 'data.json', 'blob.bin', 'blob2.bin']) expect(bytes(run().kplay, f)).toBe(bytes(run().ansible, f));
    const backups = (r: EngineRun): number => readdirSync(join(r.sandbox.dir, 'work', 'f')).filter((n) => n.startsWith('one.conf.') && n.endsWith('~')).length;
    expect([backups(run().kplay), backups(run().ansible)]).toEqual([1, 1]);
    expect(tree(run().kplay, 'd1')).toContain('tree/sub/deeper d 750');
    expect(tree(run().kplay, 'd1')).toContain('tree/sub/b.conf f 640 5');
  });
});

// a vault-encrypted source: copied decrypted, as Ansible's loader gives it, or as it is with decrypt: false
const VAULTED = '$ANSIBLE_VAULT;1.1;AES256\n65316162373031373935646337343338393730356664613130633536653838636139613533396232\n3263383430633866333538323134613266356336636563630a636336323138623936643931303631\n65643836663465623738646230383837313165626334356335646231306362613762303930353330\n3035356663303763610a636566626562303737663930343731313930653636303764316430323166\n6566\n';

describe.skipIf(!hasAnsible || !canSandbox())('copy of a vault-encrypted file, kplay vs ansible-playbook', () => {
  const vaultSteps: [Record<string, unknown>, string][] = [
    [{ file: { path: '@WORK@/v', state: 'directory' } }, 'changed'],
    [{ copy: { src: 'secret.yml', dest: '@WORK@/v/plain.yml' } }, 'changed'],
    [{ copy: { src: 'secret.yml', dest: '@WORK@/v/plain.yml', decrypt: true } }, 'ok'],
    [{ copy: { src: 'secret.yml', dest: '@WORK@/v/sealed.yml', decrypt: false } }, 'changed'],
    [{ copy: { src: 'vdir/', dest: '@WORK@/v/d', decrypt: 'no' } }, 'changed'],
  ];
  const run = bothEngines(
    vaultSteps.map(([t]) => t),
    { 'files/secret.yml': VAULTED, 'files/vdir/s.yml': VAULTED, pw: 'pw\n' },
    ['--vault-password-file', 'pw'],
  );

  it('copies the decrypted text unless decrypt is false, with the same results', () => {
    const shown = (r: EngineRun): string[] => r.results.map((x, i) => `${i} ${JSON.stringify(vaultSteps[i]?.[0])}: ${outcome(x)}`);
    expect(shown(run().kplay)).toEqual(shown(run().ansible));
    expect(run().kplay.results.map(outcome)).toEqual(vaultSteps.map(([, o]) => o));
    const { kplay, ansible } = registeredPairs(run().kplay, run().ansible);
    kplay.forEach((r, i) => expect({ i, r }).toEqual({ i, r: ansible[i] }));
    const text = (r: EngineRun, p: string): string => readFileSync(join(r.sandbox.dir, 'work', p), 'utf8');
    for (const p of ['v/plain.yml', 'v/sealed.yml', 'v/d/s.yml']) expect(text(run().kplay, p)).toBe(text(run().ansible, p));
    expect(text(run().kplay, 'v/plain.yml')).toBe('secret: 1\n');
    expect(text(run().kplay, 'v/sealed.yml')).toBe(VAULTED);
    expect(text(run().kplay, 'v/d/s.yml')).toBe(VAULTED);
  });
});
