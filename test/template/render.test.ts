import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderString, renderValue, TemplateError } from '../../engine/template/render.js';
import { loadInventory } from '../../engine/inventory/sources.js';
import { VarsContext } from '../../engine/vars/host-scope.js';
import { writeTree } from '../support/tree.js';

const at = { file: 't.yaml', line: 1 };
const ctx = {
  s: "it's <b>",
  n: 8443,
  list: ['a', 'b', 'c'],
  cfg: { port: 6443, name: 'demo' },
  empty: '',
  groups: { etcd: ['m1', 'm2'], 'primary-master': ['m1'] },
  nothing: null,
  item: { name: 'loop-var' },
};

// [template, context -> expected value]
const cases: [string, unknown][] = [
  ['{{s}}', "it's <b>"],
  ['x={{s}}', "x=it's <b>"],
  ['{{n}}', 8443],
  ['{{ list }}', ['a', 'b', 'c']],
  ['{{ item }}', { name: 'loop-var' }],
  ['x {{item.name}} {{ list.[1] }}', 'x loop-var b'],
  ['{{#each list}}{{@index}}{{/each}}', '012'],
  ['{{groups.etcd.[0]}}', 'm1'],
  ['{{groups.[primary-master].[0]}}', 'm1'],
  ['{{default missing "x"}}', 'x'],
  ['{{default nothing "x"}}', 'x'],
  ['{{default empty "x"}}', ''],
  ['{{default empty "x" true}}', 'x'],
  ['{{default (item cfg "port") 1}}', 6443],
  ['{{length list}}', 3],
  ['{{length cfg}}', 2],
  ['{{join list ","}}', 'a,b,c'],
  ['{{to_json cfg}}', '{"port":6443,"name":"demo"}'],
  ['{{to_yaml cfg}}', 'port: 6443\nname: demo'],
  ['{{b64encode "kube"}}', 'a3ViZQ=='],
  ['{{quote s}}', `'it'"'"'s <b>'`],
  ['{{bool "yes"}}', true],
  ['{{bool "no"}}', false],
  ['{{int "42"}}', 42],
  ['{{upper cfg.name}}', 'DEMO'],
  ['{{replace "a-b-c" "-" "."}}', 'a.b.c'],
  ['{{regex_replace "v1.30.2" "^v(\\d+)\\..*$" "\\1"}}', '1'],
  ['{{split "a b  c"}}', ['a', 'b', 'c']],
  ['{{last list}}', 'c'],
  ['{{item list -1}}', 'c'],
  ['{{basename "/etc/kubernetes/admin.conf"}}', 'admin.conf'],
  ['{{dirname "/etc/kubernetes/admin.conf"}}', '/etc/kubernetes'],
  ['{{eq cfg (hash port=6443 name="demo")}}', true],
  ['{{gt n 1000}}', true],
  ['{{and n empty}}', false],
  ['{{or empty n}}', true],
  ['{{in "b" list}}', true],
  ['{{concat "https://" cfg.name ":" n}}', 'https://demo:8443'],
  ['{{list 1 "a"}}', [1, 'a']],
  ['{{#if empty}}yes{{else}}no{{/if}}', 'no'],
  ['{{#each list}}{{this}};{{/each}}', 'a;b;c;'],
  ['{{ "literal" }}', 'literal'],
  ['{{ 5 }}', 5],
];

describe('templates (Handlebars, kplay configuration)', () => {
  it.each(cases)('%s', (tpl, expected) => {
    expect(renderValue(tpl, ctx, at)).toEqual(expected);
  });

  it('renders mixed text as text', () => {
    expect(renderString('port {{n}} on {{cfg.name}}', ctx, at)).toBe('port 8443 on demo');
  });

  it.each([
    ['{{ missing }}', "undefined variable 'missing'"],
    ['x {{ cfg.nope }}', "undefined variable 'cfg.nope'"],
    ['{{ nosuchhelper 1 }}', 'unknown helper'],
    ['{{#if}}', 'template syntax error'],
  ])('%s is a located error', (tpl, message) => {
    expect(() => renderValue(tpl, ctx, at)).toThrow(TemplateError);
    expect(() => renderValue(tpl, ctx, at)).toThrow(message);
  });

  it('reaches other hosts through hostvars, lazily', () => {
    const root = writeTree({ hosts: '[m]\nm1 ansible_host=192.0.2.11 ep="{{ansible_host}}:6443"\nm2\n' });
    const inv = loadInventory([join(root, 'hosts')], { cwd: root });
    const vars = new VarsContext(inv, { inventory: [], playbook: [] }, { vars: { target: 'm1' }, origins: new Map() });
    const m2 = vars.scope(inv.hosts.get('m2')!);
    expect(m2.template('{{ hostvars.m1.ansible_host }}', at)).toBe('192.0.2.11');
    expect(m2.template('{{ lookup (lookup hostvars target) "ep" }}', at)).toBe('192.0.2.11:6443');
    expect(m2.template('{{ inventory_hostname }} of {{ length groups.m }}', at)).toBe('m2 of 2');
  });
});
