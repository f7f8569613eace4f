// Symbolic modes against Ansible's own _symbolic_mode_to_octal: the mode each leaves on a path.
import { describe, expect, it } from 'vitest';
import { symbolicMode } from '../../engine/modules/symbolic-mode.js';
import { hasAnsible } from '../support/oracle.js';
import { pythonEval } from '../support/python.js';

// [current mode, symbolic mode, is a directory, the mode it leaves]
const rows: [string, string, boolean, string][] = [
  ['0755', 'u=rwx,g=rx,o=', true, '0750'],
  ['0750', 'u=rwx,g=rx,o=', true, '0750'],
  ['0644', 'u+x,g-r', false, '0704'],
  ['0644', 'a+X', false, '0644'],
  ['0755', 'a+X', false, '0755'],
  ['0700', 'go+X', true, '0711'],
  ['0644', 'g=u', false, '0664'],
  ['0750', 'o=g,u-w', true, '0555'],
  ['0600', 'u+s,o+t', false, '5600'],
  ['4755', 'u=rwx', false, '0755'],
  ['2775', 'g-s', true, '0775'],
  ['0644', 'ug+rwX,o-rwx', true, '0770'],
  ['0640', 'u=rw,g=r,o=', false, '0640'],
  ['0000', 'u=rw-w+x', false, '0500'],
];

describe('symbolic modes', () => {
  it.each(rows)('%s with %s (directory %s) is %s', (current, spec, isDir, want) => {
    expect(symbolicMode(current, spec, isDir)).toBe(want);
  });

  it('cannot say for a clause without users when the umask is not known, or for a bad one', () => {
    for (const spec of ['+x', 'u=rwx,=r', 'u=rwq', 'z+r', 'u']) expect(symbolicMode('0644', spec, false)).toBeUndefined();
  });

  // [current mode, symbolic mode, is a directory, umask, the mode it leaves]: a clause without users
  // acts on all of them but not on the bits the umask has
  const masked: [string, string, boolean, number, string][] = [
    ['0644', '+x', false, 0o022, '0755'],
    ['0600', '+x', false, 0o022, '0711'],
    ['0600', '+x', false, 0o077, '0700'],
    ['0777', '-w', false, 0o022, '0577'],
    ['0640', '=r', false, 0o022, '0444'],
    ['0750', '+rw,o-x', true, 0o027, '0750'],
    ['0700', '+rw', true, 0o002, '0764'],
    ['0644', 'u+x,+X', true, 0o022, '0755'],
    ['0600', '+s', false, 0o022, '6600'],
  ];
  it.each(masked)('%s with %s (directory %s, umask %o) is %s', (current, spec, isDir, umask, want) => {
    expect(symbolicMode(current, spec, isDir, umask)).toBe(want);
  });

  it.skipIf(!hasAnsible)("leaves what Ansible's own code computes under that umask", () => {
    const theirs = pythonEval<string[]>(
      `import os, stat
from ansible.module_utils.basic import AnsibleModule
class S: pass
def fn(rows):
    out = []
    for cur, spec, is_dir, umask, _ in rows:
        st = S(); st.st_mode = (stat.S_IFDIR if is_dir else stat.S_IFREG) | int(cur, 8)
        old = os.umask(umask)
        out.append(format(AnsibleModule._symbolic_mode_to_octal(st, spec), '04o'))
        os.umask(old)
    return out`,
      masked,
    );
    expect(masked.map(([c, s, d, u]) => symbolicMode(c, s, d, u))).toEqual(theirs);
  });

  it.skipIf(!hasAnsible)("leaves what Ansible's own code computes", () => {
    const theirs = pythonEval<string[]>(
      `import stat
from ansible.module_utils.basic import AnsibleModule
class S: pass
def fn(rows):
    out = []
    for cur, spec, is_dir, _ in rows:
        st = S(); st.st_mode = (stat.S_IFDIR if is_dir else stat.S_IFREG) | int(cur, 8)
        out.append(format(AnsibleModule._symbolic_mode_to_octal(st, spec), '04o'))
    return out`,
      rows,
    );
    expect(rows.map(([c, s, d]) => symbolicMode(c, s, d))).toEqual(theirs);
  });
});
