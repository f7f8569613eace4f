// lineinfile, blockinfile and replace: each case is (file content before, arguments) and the
// expected content and `changed` after; every case is also run through Ansible's own module.
import { describe, expect, it } from 'vitest';
import { editBlock } from '../../engine/modules/blockinfile.js';
import { editLine } from '../../engine/modules/lineinfile.js';
import { replaceText } from '../../engine/modules/replace.js';
import { ansibleModules, type ModuleCase } from '../support/ansible-modules.js';
import { hasAnsible } from '../support/oracle.js';

const HOSTS = '127.0.0.1 localhost\n10.0.0.1 old-master\n# comment\n';

// [module, before, args, after, changed]
const cases: [string, string, Record<string, unknown>, string, boolean][] = [
  ['lineinfile', HOSTS, { line: '10.0.0.100 k8s-api' }, HOSTS + '10.0.0.100 k8s-api\n', true],
  ['lineinfile', HOSTS, { line: '127.0.0.1 localhost' }, HOSTS, false],
  ['lineinfile', HOSTS, { regexp: 'old-master$', line: '10.0.0.2 new-master' }, '127.0.0.1 localhost\n10.0.0.2 new-master\n# comment\n', true],
  ['lineinfile', HOSTS, { regexp: '^10\\.', line: '10.0.0.1 old-master' }, HOSTS, false],
  ['lineinfile', HOSTS, { regexp: 'nomatch', line: 'new' }, HOSTS + 'new\n', true],
  ['lineinfile', HOSTS, { regexp: 'nomatch', line: '# comment' }, HOSTS, false],
  ['lineinfile', HOSTS, { line: 'after-local', insertafter: 'localhost' }, '127.0.0.1 localhost\nafter-local\n10.0.0.1 old-master\n# comment\n', true],
  ['lineinfile', HOSTS, { line: 'first', insertbefore: 'BOF' }, 'first\n' + HOSTS, true],
  ['lineinfile', HOSTS, { line: 'before-comment', insertbefore: '^#' }, '127.0.0.1 localhost\n10.0.0.1 old-master\nbefore-comment\n# comment\n', true],
  ['lineinfile', HOSTS, { line: 'x', insertafter: 'nomatch' }, HOSTS + 'x\n', true],
  ['lineinfile', HOSTS, { state: 'absent', regexp: '^10\\.' }, '127.0.0.1 localhost\n# comment\n', true],
  ['lineinfile', HOSTS, { state: 'absent', line: 'not there' }, HOSTS, false],
  ['lineinfile', HOSTS, { state: 'absent', search_string: 'old-master' }, '127.0.0.1 localhost\n# comment\n', true],
  ['lineinfile', HOSTS, { search_string: 'old-master', line: '10.0.0.9 master' }, '127.0.0.1 localhost\n10.0.0.9 master\n# comment\n', true],
  ['lineinfile', 'a=1\nb=2\n', { regexp: '^(b)=(\\d)$', line: '\\1=\\2\\2', backrefs: true }, 'a=1\nb=22\n', true],
  ['lineinfile', 'a=1\n', { regexp: '^(c)=', line: '\\1=3', backrefs: true }, 'a=1\n', false],
  ['lineinfile', 'x\nx\n', { regexp: '^x$', line: 'y' }, 'x\ny\n', true],
  ['lineinfile', 'x\nx\n', { regexp: '^x$', line: 'y', firstmatch: true }, 'y\nx\n', true],
  ['lineinfile', 'no-newline', { line: 'added' }, 'no-newline\nadded\n', true],
  ['blockinfile', HOSTS, { block: '10.0.0.100 k8s-api\n10.0.0.11 m1' }, HOSTS + '# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.100 k8s-api\n10.0.0.11 m1\n# END ANSIBLE MANAGED BLOCK\n', true],
  ['blockinfile', HOSTS + '# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\n', { block: 'new' }, HOSTS + '# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\n', true],
  ['blockinfile', HOSTS + '# BEGIN ANSIBLE MANAGED BLOCK\nsame\n# END ANSIBLE MANAGED BLOCK\n', { block: 'same' }, HOSTS + '# BEGIN ANSIBLE MANAGED BLOCK\nsame\n# END ANSIBLE MANAGED BLOCK\n', false],
  ['blockinfile', HOSTS + '# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\n', { state: 'absent' }, HOSTS, true],
  ['blockinfile', HOSTS, { block: 'top', insertbefore: 'BOF' }, '# BEGIN ANSIBLE MANAGED BLOCK\ntop\n# END ANSIBLE MANAGED BLOCK\n' + HOSTS, true],
  ['blockinfile', HOSTS, { block: 'mid', insertafter: 'localhost' }, '127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\nmid\n# END ANSIBLE MANAGED BLOCK\n10.0.0.1 old-master\n# comment\n', true],
  ['blockinfile', HOSTS, { block: 'x', marker: '# {mark} KPLAY hosts' }, HOSTS + '# BEGIN KPLAY hosts\nx\n# END KPLAY hosts\n', true],
  ['replace', HOSTS, { regexp: '10\\.0\\.0\\.1\\b', replace: '10.0.0.2' }, '127.0.0.1 localhost\n10.0.0.2 old-master\n# comment\n', true],
  ['replace', HOSTS, { regexp: 'nomatch', replace: 'x' }, HOSTS, false],
  ['replace', 'server: https://10.0.0.1:6443\n', { regexp: 'https://([0-9.]+):6443', replace: 'https://k8s-api:\\1' }, 'server: https://k8s-api:10.0.0.1\n', true],
  ['replace', 'a\nb\na\n', { regexp: '^a$', replace: 'c', after: 'b' }, 'a\nb\nc\n', true],
  ['replace', '    server: https://10.0.0.1:6443\n', { regexp: '^(\\s*server:\\s*)\\S+\\s*$', replace: '\\g<1>https://k8s-api:8443' }, '    server: https://k8s-api:8443', true], // Python: $ also matches after the final newline, so \s* eats it
  ['replace', 'port=1\n', { regexp: '^(?P<key>\\w+)=(?P<v>\\d)$', replace: '\\g<key>=$\\g<v>0' }, 'port=$10\n', true],
  ['replace', 'A b\n', { regexp: '(?i)a', replace: 'x' }, 'x b\n', true],
  ['replace', 'x\n', { regexp: 'x', replace: 'y', after: 'nothing' }, 'x\n', false], // a section not found: nothing replaced
  ['replace', 'a\nx\nb\n', { regexp: 'x', replace: 'y', before: '^b' }, 'a\nx\nb\n', false], // ^ is the file's start there
  ['replace', 'x\n[a]\nx\n[b]\nx\n', { regexp: '^x$', replace: 'y', after: '\\[a\\]', before: '\\[b\\]' }, 'x\n[a]\ny\n[b]\nx\n', true],
];

function kplayEdit(module: string, before: string, args: Record<string, unknown>): { text: string; changed: boolean } {
  if (module === 'lineinfile') return editLine(before, args);
  if (module === 'blockinfile') return editBlock(before, args);
  const r = replaceText(before, args);
  return { text: r.text, changed: r.text !== before };
}

describe('text-editing modules', () => {
  it.each(cases)('%s %j %j', (module, before, args, after, changed) => {
    const r = kplayEdit(module, before, args);
    expect(r.text).toBe(after);
    expect(r.changed).toBe(changed);
  });

  it.skipIf(!hasAnsible)("give the same file content and changed as Ansible's own modules", () => {
    const oracle = ansibleModules(cases.map(([module, before, args]): ModuleCase => ({ module, before, args })));
    expect(oracle.map((o, i) => [cases[i]?.[0], cases[i]?.[2], o.after, o.changed])).toEqual(cases.map(([m, , a, after, changed]) => [m, a, after, changed]));
  });
});
