// copy, template, file, stat, slurp, command/shell through the real local transport on temp dirs:
// each row gives the files before, the arguments, and the expected result and files after.
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleResult } from '../../engine/modules/types.js';
import { moduleContext } from '../support/module-context.js';
import { writeTree } from '../support/tree.js';
import { renderFile } from '../../engine/template/render.js';
import { BASE_FUNCTIONS } from '../../engine/template/expr/filters.js';

async function run(module: string, root: string, args: Record<string, unknown>, opts: { check?: boolean; diff?: boolean } = {}): Promise<ModuleResult> {
  const abs = (v: unknown): unknown => (typeof v === 'string' && v.startsWith('@/') ? join(root, v.slice(2)) : v);
  const resolved = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, abs(v)]));
  const ctx = moduleContext(resolved, {
    check: opts.check ?? false,
    diff: opts.diff ?? false,
    findLocal: (_kind, src) => (existsSync(join(root, 'local', src)) ? join(root, 'local', src) : undefined),
    // Jinja with `name` alone, and the module's settings (newline_sequence...)
    render: (text, origin, _extra, settings) => renderFile(text, (n) => (n === 'name' ? 'kplay' : undefined), BASE_FUNCTIONS, origin, [], settings),
  });
  const impl = IMPLEMENTATIONS[module];
  if (!impl) throw new Error(`no module ${module}`);
  return impl(ctx);
}

const mode = (p: string): string => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

describe('file modules on the local host', () => {
  it("copy writes a mapping or list as content as json.dumps writes it (Ansible's copy action)", async () => {
    const root = writeTree({});
    const r = await run('copy', root, { content: { a: 1, b: ['é', null, true] }, dest: '@/out.json' });
    expect(r.changed).toBe(true);
    expect(readFileSync(join(root, 'out.json'), 'utf8')).toBe('{"a": 1, "b": ["\\u00e9", null, true]}');
  });

  it('copy writes content once, then reports ok; keeps the mode it was given', async () => {
    const root = writeTree({});
    const args = { content: 'hello\n', dest: '@/out.txt', mode: '0640' };
    expect((await run('copy', root, args)).changed).toBe(true);
    expect(readFileSync(join(root, 'out.txt'), 'utf8')).toBe('hello\n');
    expect(mode(join(root, 'out.txt'))).toBe('0640');
    expect((await run('copy', root, args)).changed).toBe(false);
    expect((await run('copy', root, { ...args, mode: 0o600 })).changed).toBe(true);
    expect(mode(join(root, 'out.txt'))).toBe('0600');
  });

  it.each([
    ['copy', { content: 'new\n', dest: '@/f.conf' }],
    ['template', { src: 't.j2', dest: '@/f.conf' }],
    ['lineinfile', { path: '@/f.conf', line: 'new' }],
    ['blockinfile', { path: '@/f.conf', block: 'new' }],
    ['replace', { path: '@/f.conf', regexp: 'old', replace: 'new' }],
  ])('%s runs validate on the new content before it replaces the file; a failure leaves the file as it was', async (module, args) => {
    const root = writeTree({ 'f.conf': 'old\n', 'local/t.j2': 'new\n' });
    const refused = await run(module, root, { ...args, validate: 'grep -q nothing-like-this %s' });
    // copy and template report the command's output; the line editors one line (Ansible's messages)
    expect(refused).toMatchObject({ failed: true, changed: false, ...(['copy', 'template'].includes(module) ? { msg: 'failed to validate', exit_status: 1 } : { msg: 'failed to validate: rc:1 error:' }) });
    expect(readFileSync(join(root, 'f.conf'), 'utf8')).toBe('old\n');
    const noPlaceholder = await run(module, root, { ...args, validate: 'true' });
    expect(noPlaceholder).toMatchObject({ failed: true, msg: 'validate must contain %s: true' });
    expect(readFileSync(join(root, 'f.conf'), 'utf8')).toBe('old\n');
    // the command sees the new content, in a file of its own (not the destination)
    const passed = await run(module, root, { ...args, validate: `sh -c 'grep -q new "$1" && test "$1" != ${join(root, 'f.conf')}' _ %s` });
    expect(passed).toMatchObject({ changed: true });
    expect(passed.failed).toBeUndefined();
    expect(readFileSync(join(root, 'f.conf'), 'utf8')).toContain('new');
  });

  it('copy in check mode changes nothing but reports the change and a diff', async () => {
    const root = writeTree({ 'out.txt': 'old\n' });
    const r = await run('copy', root, { content: 'new\n', dest: '@/out.txt' }, { check: true, diff: true });
    expect(r.changed).toBe(true);
    expect(r.diff).toEqual([{ before_header: join(root, 'out.txt'), after_header: 'dynamically generated', before: 'old\n', after: 'new\n' }]);
    expect(readFileSync(join(root, 'out.txt'), 'utf8')).toBe('old\n');
  });

  it('copy from files/ into a directory, with a backup of the old file', async () => {
    const root = writeTree({ 'local/app.conf': 'v2\n', 'etc/app.conf': 'v1\n' });
    const r = await run('copy', root, { src: 'app.conf', dest: '@/etc/', backup: true });
    expect(r.changed).toBe(true);
    expect(readFileSync(join(root, 'etc/app.conf'), 'utf8')).toBe('v2\n');
    expect(readFileSync(String(r.backup_file), 'utf8')).toBe('v1\n');
    expect(String(r.backup_file)).toMatch(/app\.conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
  });

  it('copy leaves no temporary file behind', async () => {
    const root = writeTree({});
    await run('copy', root, { content: 'x', dest: '@/f' });
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(root)).toEqual(['f']);
  });

  it('template renders and writes only on change', async () => {
    const root = writeTree({ 'local/motd.j2': 'hello {{ name }}\n' });
    expect((await run('template', root, { src: 'motd.j2', dest: '@/motd' })).changed).toBe(true);
    expect(readFileSync(join(root, 'motd'), 'utf8')).toBe('hello kplay\n');
    expect((await run('template', root, { src: 'motd.j2', dest: '@/motd' })).changed).toBe(false);
  });

  // [files before, args, changed, check after]
  const fileCases: [Record<string, string>, Record<string, unknown>, boolean, (root: string) => void][] = [
    [{}, { path: '@/d/e', state: 'directory', mode: '0750' }, true, (r) => expect(mode(join(r, 'd/e'))).toBe('0750')],
    [{ 'd/.keep': '' }, { path: '@/d', state: 'directory' }, false, (r) => expect(statSync(join(r, 'd')).isDirectory()).toBe(true)],
    [{ f: 'x' }, { path: '@/f', state: 'absent' }, true, (r) => expect(existsSync(join(r, 'f'))).toBe(false)],
    [{}, { path: '@/nothing', state: 'absent' }, false, () => undefined],
    [{ target: 'x' }, { path: '@/link', state: 'link', src: '@/target' }, true, (r) => expect(readlinkSync(join(r, 'link'))).toBe(join(r, 'target'))],
    [{}, { path: '@/t', state: 'touch' }, true, (r) => expect(lstatSync(join(r, 't')).isFile()).toBe(true)],
    [{ f: 'x' }, { path: '@/f', mode: '0600' }, true, (r) => expect(mode(join(r, 'f'))).toBe('0600')],
  ];
  it.each(fileCases)('file %j %j', async (files, args, changed, check) => {
    const root = writeTree(files);
    expect((await run('file', root, args)).changed).toBe(changed);
    check(root);
  });

  it('file recurse applies the mode to everything below a directory, then changes nothing', async () => {
    const root = writeTree({ 'd/a': 'x', 'd/sub/b': 'y' });
    const args = { path: '@/d', state: 'directory', mode: '0750', recurse: true };
    expect((await run('file', root, args, { check: true })).changed).toBe(true);
    expect(mode(join(root, 'd/sub/b'))).not.toBe('0750');
    expect((await run('file', root, args)).changed).toBe(true);
    for (const p of ['d', 'd/a', 'd/sub', 'd/sub/b']) expect(mode(join(root, p)), p).toBe('0750');
    expect((await run('file', root, args)).changed).toBe(false);
    // without recurse only the directory itself counts
    expect((await run('file', root, { path: '@/d', state: 'directory', mode: '0750' })).changed).toBe(false);
  });

  it('file link over a regular file or to a missing source needs force, as in Ansible', async () => {
    const root = writeTree({ f: 'x', target: 't' });
    expect(await run('file', root, { path: '@/f', src: '@/target', state: 'link' })).toMatchObject({ failed: true, msg: `refusing to convert from file to symlink for ${join(root, 'f')}` });
    expect(lstatSync(join(root, 'f')).isFile()).toBe(true);
    expect(await run('file', root, { path: '@/l', src: '@/none', state: 'link' })).toMatchObject({ failed: true, msg: expect.stringContaining('src file does not exist, use "force=yes"') });
    expect((await run('file', root, { path: '@/f', src: '@/target', state: 'link', force: true })).changed).toBe(true);
    expect(readlinkSync(join(root, 'f'))).toBe(join(root, 'target'));
    expect((await run('file', root, { path: '@/l', src: '@/none', state: 'link', force: true })).changed).toBe(true);
  });

  it('file touch with access_time and modification_time preserve changes nothing on an existing file', async () => {
    const root = writeTree({ f: 'x' });
    const before = statSync(join(root, 'f')).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect((await run('file', root, { path: '@/f', state: 'touch', access_time: 'preserve', modification_time: 'preserve' })).changed).toBe(false);
    expect(statSync(join(root, 'f')).mtimeMs).toBe(before);
    expect((await run('file', root, { path: '@/new', state: 'touch', access_time: 'preserve', modification_time: 'preserve' })).changed).toBe(true);
    expect((await run('file', root, { path: '@/f', state: 'touch' })).changed).toBe(true);
    expect(statSync(join(root, 'f')).mtimeMs).toBeGreaterThan(before);
  });

  it('template force: false leaves an existing file; newline_sequence sets the line ends', async () => {
    const root = writeTree({ 'local/t.j2': 'a\nb\n', old: 'kept\n' });
    expect((await run('template', root, { src: 't.j2', dest: '@/old', force: false })).changed).toBe(false);
    expect(readFileSync(join(root, 'old'), 'utf8')).toBe('kept\n');
    expect((await run('template', root, { src: 't.j2', dest: '@/crlf', newline_sequence: '\r\n' })).changed).toBe(true);
    expect(readFileSync(join(root, 'crlf'), 'utf8')).toBe('a\r\nb\r\n');
  });

  it('file reports a missing path for state=file', async () => {
    const r = await run('file', writeTree({}), { path: '/nonexistent/kplay', state: 'file' });
    expect(r.failed).toBe(true);
    expect(r.msg).toContain('is absent');
  });

  it('stat and slurp read, never change', async () => {
    const root = writeTree({ f: 'abc' });
    const s = await run('stat', root, { path: '@/f' });
    expect(s).toMatchObject({ changed: false, stat: { exists: true, isreg: true, size: 3, checksum: 'a9993e364706816aba3e25717850c26c9cd0d89d' } });
    expect((await run('stat', root, { path: '@/none' })).stat).toEqual({ exists: false });
    expect(await run('slurp', root, { src: '@/f' })).toMatchObject({ content: 'YWJj', encoding: 'base64' });
  });

  it('command and shell give Ansible-shaped results and honour creates', async () => {
    const root = writeTree({ marker: '' });
    const c = await run('command', root, { _raw_params: 'printf "a b\\nc\\n"' });
    expect(c).toMatchObject({ changed: true, rc: 0, stdout: 'a b\nc', stdout_lines: ['a b', 'c'], cmd: ['printf', 'a b\\nc\\n'] });
    const s = await run('shell', root, { _raw_params: 'echo out; echo err >&2; exit 3' });
    expect(s).toMatchObject({ failed: true, rc: 3, stdout: 'out', stderr: 'err', msg: 'non-zero return code' });
    expect(await run('command', root, { _raw_params: 'false', creates: '@/marker' })).toMatchObject({ changed: false, rc: 0 });
    expect(await run('shell', root, { _raw_params: 'cat', stdin: 'fed' })).toMatchObject({ stdout: 'fed' });
    // --check: Ansible registers the whole shape (a later `when: "'x' in r.stdout"` must not fail); skipped
    // without a guard, changed when creates/removes said the command would run
    expect(await run('command', root, { _raw_params: 'true' }, { check: true })).toEqual({ changed: false, skipped: true, cmd: ['true'], rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], start: null, end: null, delta: null, msg: 'Command would have run if not in check mode' });
    expect(await run('shell', root, { _raw_params: 'touch x', creates: '@/none' }, { check: true })).toMatchObject({ changed: true, cmd: 'touch x', rc: 0, stdout: '', stdout_lines: [], msg: 'Command would have run if not in check mode' });
    expect(await run('shell', root, { _raw_params: 'touch x', creates: '@/none' }, { check: true })).not.toHaveProperty('skipped');
  });
});
