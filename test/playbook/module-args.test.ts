// Module arguments after templating: converted to the types each module declares, as AnsibleModule
// converts them before a module runs (one row per case: module, arguments in, arguments out or error).
import { describe, expect, it } from 'vitest';
import { MODULES } from '../../engine/modules/specs.js';
import { convertArgs } from '../../engine/playbook/module-args.js';
import { PyFloat } from '../../engine/util/py-float.js';

const pos = { file: 'site.yaml', line: 3, column: 7 };
const convert = (module: string, args: Record<string, unknown>): Record<string, unknown> => convertArgs(module, MODULES[module] as (typeof MODULES)[string], args, pos);

describe('convertArgs', () => {
  it.each([
    ['lineinfile', { path: '/f', line: 'x', create: 'yes' }, { path: '/f', line: 'x', create: true }],
    ['lineinfile', { path: '/f', line: 'x', create: 'Off', backup: 1 }, { path: '/f', line: 'x', create: false, backup: true }],
    ['copy', { content: 'x', dest: '/f', force: ' true ', remote_src: 'n' }, { content: 'x', dest: '/f', force: true, remote_src: false }],
    ['wait_for', { port: '22', timeout: ' 5 ' }, { port: 22, timeout: 5 }],
    ['apt', { name: 'curl,jq' }, { name: ['curl', 'jq'] }],
    ['apt', { upgrade: false }, { upgrade: 'no' }],
    ['apt', { upgrade: true }, { upgrade: 'yes' }],
    ['lineinfile', { path: '/f', line: 8080 }, { path: '/f', line: '8080' }],
    // a whole-number float: its text for text, a boolean for 1.0 and 0.0 (Ansible's BOOLEANS), a number for a float option
    ['lineinfile', { path: '/f', line: new PyFloat(1), create: new PyFloat(1), backup: new PyFloat(0) }, { path: '/f', line: '1.0', create: true, backup: false }],
    ['apt', { name: new PyFloat(2) }, { name: ['2.0'] }],
    ['systemd', { name: 'kubelet', enabled: 'yes', state: 'started' }, { name: 'kubelet', enabled: true, state: 'started' }],
    // controller-side actions keep their arguments as written (assert's `that` is never split on commas)
    ['assert', { that: 'x in [1, 2]' }, { that: 'x in [1, 2]' }],
  ])('%s %j -> %j', (module, input, output) => {
    expect(convert(module, input)).toEqual(output);
  });

  it.each([
    ['lineinfile', { path: '/f', create: 'maybe' }, "parameter 'create' of module 'lineinfile' must be a boolean (yes/no, true/false, on/off, 1/0), got \"maybe\""],
    ['wait_for', { port: '22x' }, "parameter 'port' of module 'wait_for' must be a whole number, got \"22x\""],
    // Ansible's check_type_int refuses a float, whole or not
    ['wait_for', { port: new PyFloat(22) }, "parameter 'port' of module 'wait_for' must be a whole number"],
    ['file', { path: '/f', state: 'dir' }, "value of 'state' must be one of: absent, directory, file, hard, link, touch; got 'dir'"],
    ['copy', { dest: { a: 1 }, content: 'x' }, "parameter 'dest' of module 'copy' must be text, not a list or mapping"],
    // a partly honoured option: converted, then refused
    ['blockinfile', { path: '/f', block: 'x', append_newline: 'yes' }, "module 'blockinfile': kplay does not support 'append_newline' with the value true"],
    ['ini_file', { path: '/f', section: 's', option: 'o', value: 'v', follow: 'yes' }, "module 'ini_file': kplay does not support 'follow' with the value true"],
    ['user', { name: 'u', login_class: 'staff' }, "module 'user': kplay does not support 'login_class' yet"],
  ])('%s %j is an error naming the option', (module, input, message) => {
    expect(() => convert(module, input)).toThrow(message);
  });
});
