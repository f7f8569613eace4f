import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_FUNCTIONS } from '../../engine/template/expr/filters.js';
import { parseFile, renderFile, renderHandlebars, renderValue, TemplateError } from '../../engine/template/render.js';
import { loadInventory } from '../../engine/inventory/sources.js';
import { VarsContext } from '../../engine/vars/host-scope.js';
import { writeTree } from '../support/tree.js';

const at = { file: 't.yaml', line: 3, col: 7 };
const vars: Record<string, unknown> = {
  s: "it's <b>",
  n: 8443,
  list: ['a', 'b', 'c'],
  cfg: { port: 6443, name: 'demo' },
  empty: '',
  groups: { etcd: ['m1', 'm2'], 'primary-master': ['m1'] },
  nothing: null,
  item: { name: 'loop-var' },
  flag: true,
};
const read = (n: string): unknown => vars[n];
const value = (tpl: string): unknown => renderValue(tpl, read, BASE_FUNCTIONS, at);

// [template, expected value]: Ansible 2.14's typing (a lone variable keeps numbers and booleans,
// text that reads as a list, dict or boolean becomes one, everything else is text)
const cases: [string, unknown][] = [
  ['{{ s }}', "it's <b>"],
  ['x={{ s }}', "x=it's <b>"],
  ['{{ n }}', 8443],
  ['{{ n + 1 }}', '8444'],
  ['{{ flag }}', true],
  ['{{ nothing }}', null],
  ['{{ nothing }}x', 'x'],
  ['{{ list }}', ['a', 'b', 'c']],
  ['{{ item }}', { name: 'loop-var' }],
  ['x {{ item.name }} {{ list[1] }}', 'x loop-var b'],
  ["{{ groups['primary-master'][0] }}", 'm1'],
  ['{{ groups.etcd | first }}', 'm1'],
  ["{{ missing | default('x') }}", 'x'],
  ["{{ missing | default(other) | default('z') }}", 'z'],
  ["{{ empty | default('x') }}", ''],
  ["{{ empty | default('x', true) }}", 'x'],
  ['{{ list | length }}', '3'],
  ["{{ list | join(',') }}", 'a,b,c'],
  ['{{ cfg | to_json }}', '{"port": 6443, "name": "demo"}'], // to_json's text is not read back as a dict
  ['{{ cfg | to_json | trim }}', { port: 6443, name: 'demo' }],
  ["{{ 'kube' | b64encode }}", 'a3ViZQ=='],
  ['{{ s | quote }}', `'it'"'"'s <b>'`],
  ["{{ 'yes' | bool }}", true],
  ["{{ '1.30.2' is version('1.30', '>=') }}", true],
  // in a YAML value a backslash in a {{ }} string is just a backslash (Ansible doubles them): '\\d' is \d
  ["{{ 'v1.30.2' | regex_replace('^v(\\d+)\\..*$', '\\1') }}", '1'],
  ["{{ 'v1.30.2' | regex_replace('^v(\\\\d+)', 'x') }}", 'v1.30.2'],
  ["{{ 'a b  c'.split() }}", ['a', 'b', 'c']],
  ['{{ list[-1] }}', 'c'],
  ["{{ 'b' in list }}", true],
  ["{{ 'x' if flag else 'y' }}", 'x'],
  ['{% for i in list %}{{ loop.index }}{{ i }}{% endfor %}', '1a2b3c'],
  ["{{ cfg | dict2items | map(attribute='key') | list }}", ['port', 'name']],
  ['{{ [1, 2] }}', [1, 2]],
  ["{{ '[1, 2]' }}", [1, 2]],
  ['{{ 5 }}', '5'],
];

describe('YAML values (Jinja, typed as Ansible types them)', () => {
  it.each(cases)('%s', (tpl, expected) => {
    expect(value(tpl)).toEqual(expected);
  });

  it.each([
    ['{{ missing }}', "'missing' is undefined", { line: 3, col: 10 }],
    ['x {{ cfg.nope }}', "'dict object' has no attribute 'nope'", { line: 3, col: 15 }],
    ['{{ n | nosuchfilter }}', "no filter named 'nosuchfilter'", { line: 3, col: 12 }],
    ['{{ n is nosuchtest }}', "no test named 'nosuchtest'", { line: 3, col: 12 }],
    ['a\n{% if %}', 'expected a value', { line: 4 }],
    ['{% for x in list %}', "'{% for %}' is never closed", { line: 3 }],
    ['{% do list.append(1) %}', "'{% do %}' is not supported by kplay's templates (supported: if, for, set, macro, call, filter, with, block, include, import, from, extends, raw); it is a Jinja extension Ansible does not load either", { line: 3 }],
    ['{% for i in list %}{% break %}{% endfor %}', 'a Jinja extension Ansible does not load', { line: 3 }],
    ['{% call m %}{% endcall %}', 'expected call', { line: 3, col: 15 }],
    ['{% call m() %}x', "'{% call %}' is never closed", { line: 3 }],
    ['{% from "x.j2" import a, _b %}', 'names starting with an underline can not be imported', { line: 3, col: 32 }],
    ["{% import 'x.j2' %}", "expected 'as'", { line: 3 }],
    ["{% import 'x.j2' as m with %}", "expected 'context'", { line: 3 }],
    ['{% with a = 1 b = 2 %}{% endwith %}', "expected ','", { line: 3 }],
    ['{% filter nosuch %}x{% endfilter %}', "no filter named 'nosuch'", { line: 3 }],
    ['{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}', "macro 'm' takes not more than 1 argument(s)", { line: 3 }],
    ["{% macro m() %}{% endmacro %}{% call m() %}{% endcall %}", "macro 'm' was invoked with two values for the special caller argument", { line: 3 }],
    ['{% for i in list %}{{ loop.cycle() }}{% endfor %}', 'no items for cycling given', { line: 3 }],
    ["{% import 'x.j2' as m %}", 'TemplateNotFound: x.j2', { line: 3 }],
    ['{% block a %}{% endblock b %}', "'{% endblock %}' takes nothing more than the block's name ('a')", { line: 3 }],
    ['{% block a-b %}{% endblock %}', 'Block names in Jinja have to be valid Python identifiers', { line: 3 }],
    ['{% block a %}{% endblock %}\n{% block a %}{% endblock %}', "block 'a' defined twice", { line: 4 }],
    ['{% block a required %}x{% endblock %}', 'Required blocks can only contain comments or whitespace', { line: 3 }],
    ['{% block a %}{% block b %}{{ nope }}{% endblock %}{% endblock %}', "'nope' is undefined", { line: 3, col: 36 }],
    ['{% for loop in list %}{% endfor %}', "Can't assign to special loop variable in for-loop target", { line: 3 }],
    ['{% for x in list %}{{ loop([x]) }}{% endfor %}', "The loop must have the 'recursive' marker to be called recursively.", { line: 3 }],
    ['{% for x in list recursive %}{{ loop() }}{% endfor %}', 'loop() takes 1 argument (0 given)', { line: 3 }],
  ])('%s is an error at file:line:col', (tpl, message, where) => {
    let err: unknown;
    try {
      value(tpl);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).message).toContain(message);
    expect((err as TemplateError).pos).toMatchObject({ file: 't.yaml', ...where });
  });

  it.each([
    // (no collection is installed for these renders: nothing configured where to find one)
    ["{{ '10.0.0.0/8' | cidr_merge }}", 'Ansible routes it to ansible.utils.cidr_merge, which kplay does not have and the collection ansible.utils is not installed on this controller'],
    ["{{ '10.0.0.5' | ansible.netcommon.hwaddr }}", 'Ansible routes it to ansible.utils.hwaddr, which kplay does not have and the collection ansible.utils is not installed on this controller'],
    ['{{ n | nosuchns.coll.f }}', 'kplay has no filter of that name, and the collection nosuchns.coll is not installed on this controller'],
    ['{{ n | nosuchfilter }}', 'see docs/templates.md for the filters kplay provides'],
  ])("%s: the hint names the ansible.utils filter Ansible routes a name to, or the collection it is not in", (tpl, hint) => {
    let err: unknown;
    try {
      value(tpl);
    } catch (e) {
      err = e;
    }
    expect((err as TemplateError).hint).toBe(hint);
  });

  it.each([
    ["{{ '10.0.0.1/8' | ipaddr('network') }}", '10.0.0.0'],
    ["{{ '10.0.0.5' | ansible.netcommon.ipsubnet(24) }}", '10.0.0.0/24'],
    ["{{ ['10.0.0.1', 'x'] | map('ipv4') | list | string }}", "['10.0.0.1', False]"],
  ])('%s: a short or ansible.netcommon name runs the ansible.utils filter Ansible routes it to', (tpl, out) => {
    expect(String(value(tpl))).toBe(out);
  });

  it('reaches other hosts through hostvars, lazily', () => {
    const root = writeTree({ hosts: '[m]\nm1 ansible_host=192.0.2.11 ep="{{ansible_host}}:6443"\nm2\n' });
    const inv = loadInventory([join(root, 'hosts')], { cwd: root });
    const ctx = new VarsContext(inv, { inventory: [], playbook: [] }, { vars: { target: 'm1' }, origins: new Map() });
    const m2 = ctx.scope(inv.hosts.get('m2')!);
    expect(m2.template('{{ hostvars.m1.ansible_host }}', at)).toBe('192.0.2.11');
    expect(m2.template('{{ hostvars[target].ep }}', at)).toBe('192.0.2.11:6443');
    expect(m2.template("{{ inventory_hostname }} of {{ groups['m'] | length }}", at)).toBe('m2 of 2');
  });
});

describe('template files', () => {
  it('.j2: a #jinja2: header changes the whitespace settings, errors name the line of the file', () => {
    const text = '#jinja2: lstrip_blocks: True\nhosts:\n  {% for h in list %}\n  - {{ h }}\n  {% endfor %}\n';
    expect(renderFile(text, read, BASE_FUNCTIONS, 'x.j2')).toBe('hosts:\n  - a\n  - b\n  - c\n');
    expect(() => renderFile('a\nb {{ missing }}\n', read, BASE_FUNCTIONS, 'x.j2')).toThrow(expect.objectContaining({ pos: { file: 'x.j2', line: 2, col: 6 } }));
    expect(() => parseFile('ok\n{% if n %}\n', 'y.j2')).toThrow(expect.objectContaining({ pos: expect.objectContaining({ file: 'y.j2', line: 2 }) }));
  });

  it.each([
    ['a setting kplay does not follow', "#jinja2: line_statement_prefix: '%%'\nx\n", "#jinja2: kplay does not follow the setting 'line_statement_prefix'"],
    ['a switch that is not True or False', '#jinja2: trim_blocks: yes\nx\n', '#jinja2: trim_blocks needs True or False, not yes'],
    ['a delimiter not quoted', '#jinja2: variable_start_string: [%\nx\n', '#jinja2: variable_start_string needs a quoted string, not [%'],
    ['a pair without a colon', '#jinja2: trim_blocks=False\nx\n', "#jinja2: failed to parse jinja2 override 'trim_blocks=False'"],
    ['a newline_sequence Jinja does not take', "#jinja2: newline_sequence: 'x'\nx\n", '#jinja2: newline_sequence must be one of'],
  ])('.j2: a #jinja2: line with %s is an error at the file\'s line 1, when it loads and when it renders', (_what, text, message) => {
    for (const run of [() => parseFile(text, 'h.j2'), () => renderFile(text, read, BASE_FUNCTIONS, 'h.j2')]) {
      expect(run).toThrow(expect.objectContaining({ pos: expect.objectContaining({ file: 'h.j2', line: 1 }) }));
      expect(run).toThrow(message);
    }
  });

  it('.j2: the template module\'s settings are the base a #jinja2: line goes over; delimiters reach included templates', () => {
    const dir = writeTree({ 'templates/part.j2': '[% n %] {{ n }}\n' });
    const settings = { trimBlocks: true, lstripBlocks: false, delimiters: { variableStart: '[%', variableEnd: '%]', blockStart: '<%', blockEnd: '%>', commentStart: '<#', commentEnd: '#>' } };
    const file = join(dir, 'main.j2');
    expect(renderFile("{{ n }} [% n %]<# c #>\n<% include 'part.j2' %>\n", (k) => (k === 'n' ? 1 : undefined), BASE_FUNCTIONS, file, [join(dir, 'templates')], settings)).toBe('{{ n }} 11 {{ n }}\n');
    expect(renderFile("#jinja2: variable_start_string: '{{', variable_end_string: '}}'\n{{ n }} [% n %]\n", (k) => (k === 'n' ? 1 : undefined), BASE_FUNCTIONS, file, [], settings)).toBe('1 [% n %]\n');
    // at load: a template that parses only with the task's delimiters
    expect(() => parseFile('{% nope %} [% n %]\n', file, settings)).not.toThrow();
    expect(() => parseFile('{% nope %} [% n %]\n', file)).toThrow();
  });

  it('.j2: include and extends find templates in the search directories; an error names the file it is in', () => {
    const dir = writeTree({
      'templates/base.j2': 'top\n{% block body %}base{% endblock %}\n{% block foot %}{% endblock %}\n',
      'templates/broken.j2': 'ok\n{% if %}\n',
      'templates/bad.j2': 'one\ntwo {{ missing }}\n',
      'other/part.j2': 'part {{ item }}\n',
    });
    const search = [join(dir, 'templates'), join(dir, 'other')];
    const render = (text: string, extra: Record<string, unknown> = {}): string => renderFile(text, (n) => extra[n] ?? read(n), BASE_FUNCTIONS, join(dir, 'main.j2'), search);
    expect(render("{% extends 'base.j2' %}{% block body %}child, {{ super() }}{% endblock %}")).toBe('top\nchild, base');
    expect(render("{% include '/part.j2' %}|{% include 'missing.j2' ignore missing %}", { item: 'x' })).toBe('part x|');
    // '..' never leaves the search directories, as Jinja's FileSystemLoader
    expect(() => render("{% include '../other/part.j2' %}", { item: 'x' })).toThrow('TemplateNotFound: ../other/part.j2');
    expect(() => render("{% include ['a.j2', 'b.j2'] %}")).toThrow('TemplatesNotFound: Tried to select from templates: a.j2, b.j2');
    expect(() => render("a\n{% include 'bad.j2' %}")).toThrow(expect.objectContaining({ message: "'missing' is undefined", pos: expect.objectContaining({ file: join(dir, 'templates/bad.j2'), line: 2 }) }));
    expect(() => render("{% include 'broken.j2' %}")).toThrow(expect.objectContaining({ pos: expect.objectContaining({ file: join(dir, 'templates/broken.j2'), line: 2 }) }));
    // an error in a block names the file the block is defined in, whichever template renders it
    expect(() => render("{% extends 'base.j2' %}\n{% block body %}\n{{ nope }}{% endblock %}")).toThrow(expect.objectContaining({ message: "'nope' is undefined", pos: expect.objectContaining({ file: join(dir, 'main.j2'), line: 3 }) }));
    expect(() => render("{% extends 'bad.j2' %}")).toThrow(expect.objectContaining({ pos: expect.objectContaining({ file: join(dir, 'templates/bad.j2'), line: 2 }) }));
    expect(() => render("{% extends 'base.j2' %}{% extends 'base.j2' %}")).toThrow('extended multiple times');
    expect(() => render("{% for x in list %}{% extends 'base.j2' %}{% endfor %}")).toThrow('cannot use extend from a non top-level scope');
    expect(() => render('{% block b %}{{ super() }}{% endblock %}')).toThrow("there is no parent block called 'b'.");
    // a YAML value's include looks in the play's directory (playbook_dir), not in its templates/
    const inBook = (n: string): unknown => (n === 'playbook_dir' ? dir : read(n));
    expect(renderValue("{% include 'templates/base.j2' %}", inBook, BASE_FUNCTIONS, at)).toBe('top\nbase');
    expect(() => renderValue("{% include 'base.j2' %}", inBook, BASE_FUNCTIONS, at)).toThrow('TemplateNotFound: base.j2');
    expect(renderValue("{% from 'templates/base.j2' import nothing as n %}{{ n | default('none') }}", inBook, BASE_FUNCTIONS, at)).toBe('none');
  });

  it('.hbs: Handlebars with its helpers; a missing variable or helper is an error with the line', () => {
    expect(renderHandlebars('port {{n}} on {{cfg.name}}{{#each list}} {{this}}{{/each}}\n', vars, 'x.hbs')).toBe('port 8443 on demo a b c\n');
    expect(() => renderHandlebars('a\n{{ missing }}', vars, 'x.hbs')).toThrow("undefined variable 'missing'");
    expect(() => parseFile('a\n{{#if}}', 'z.hbs')).toThrow(expect.objectContaining({ pos: expect.objectContaining({ file: 'z.hbs', line: 2 }) }));
    expect(() => parseFile('{{ nosuch 1 }}', 'z.hbs')).toThrow('unknown Handlebars helper');
  });
});
