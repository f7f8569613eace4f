import { describe, expect, it } from 'vitest';
import type { SourcePos } from '../../engine/errors.js';
import { TemplateError } from '../../engine/template/render.js';
import { VarScope } from '../../engine/vars/scope.js';
import { UnsafeText } from '../../engine/yaml/load.js';

function scope(vars: Record<string, unknown>, origins: Record<string, SourcePos> = {}): VarScope {
  return new VarScope({ vars, origins: new Map(Object.entries(origins)) });
}

describe('VarScope: lazily templated variables', () => {
  it('renders references between variables when read', () => {
    const s = scope({ MAJOR: 1, MINOR: 30, PATCH: 2, KUBERNETES_VERSION: '{{MAJOR}}.{{MINOR}}.{{ PATCH }}' });
    expect(s.get('KUBERNETES_VERSION')).toBe('1.30.2');
  });

  it('returns native types for a value that is exactly one expression', () => {
    const s = scope({ flags: ['a', 'b'], copy: '{{ flags }}', n: 3, m: '{{n}}', cfg: { a: 1 }, c2: '{{ cfg }}', len: '{{ flags | length }}', b: "{{ 'yes' | bool }}" });
    expect(s.get('copy')).toEqual(['a', 'b']);
    expect(s.get('m')).toBe(3);
    expect(s.get('c2')).toEqual({ a: 1 });
    expect(s.get('len')).toBe('2'); // as Ansible 2.14: an expression's number is text
    expect(s.get('b')).toBe(true);
  });

  it('renders templates inside lists and dicts', () => {
    const s = scope({ ep: 'k8s-api', port: 8443, lb: { url: 'https://{{ep}}:{{port}}', ports: ['{{port}}'] } });
    expect(s.get('lb')).toEqual({ url: 'https://k8s-api:8443', ports: [8443] });
  });

  it('reads nested and hyphenated keys', () => {
    const s = scope({ groups: { 'primary-master': ['m1'] }, first: "{{ groups['primary-master'][0] }}", h: { a: { b: 'x' } }, hb: 'v={{h.a.b}}' });
    expect(s.get('first')).toBe('m1');
    expect(s.get('hb')).toBe('v=x');
  });

  it('does not template !unsafe values', () => {
    const s = scope({ raw: new UnsafeText('{{ not_a_var }}') });
    expect(String(s.get('raw'))).toBe('{{ not_a_var }}');
  });

  it('names the variable chain of a reference loop', () => {
    const s = scope({ a: '{{b}}', b: 'x{{c}}', c: '{{a}}' }, { a: { file: '/gv/all.yaml', line: 3, col: 4 } });
    let err: unknown;
    try {
      s.get('a');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).message).toBe('variable reference loop: a -> b -> c -> a');
    expect((err as TemplateError).pos).toEqual({ file: '/gv/all.yaml', line: 3, col: 4 });
  });

  it('names the undefined variable, the file and the line', () => {
    const s = scope({ url: 'https://{{ APISERVER_ENDPOINT_NAME }}:6443' }, { url: { file: '/p/group_vars/all.yaml', line: 7, col: 6 } });
    expect(() => s.get('url')).toThrow(TemplateError);
    try {
      s.get('url');
    } catch (e) {
      const err = e as TemplateError;
      expect(err.message).toContain("'APISERVER_ENDPOINT_NAME' is undefined");
      expect(err.format()).toMatch(/^ERROR! \/p\/group_vars\/all.yaml:7:17: /);
      expect(err.hint).toContain("APISERVER_ENDPOINT_NAME | default('value')");
    }
  });

  it("names a missing nested key as Jinja does, and its full path in the hint", () => {
    const s = scope({ cfg: { a: {} }, v: '{{ cfg.a.missing }}', w: 'x {{cfg.a.missing}}' });
    expect(() => s.get('v')).toThrow("'dict object' has no attribute 'missing'");
    expect(() => s.get('w')).toThrow("'dict object' has no attribute 'missing'");
    try {
      s.get('v');
    } catch (e) {
      // the variable exists, so the hint does not ask to define it
      expect((e as TemplateError).hint).toBe("give a fallback: {{ cfg.a.missing | default('value') }}");
    }
  });

  it('reports a template syntax error with its place', () => {
    const s = scope({ v: "{{ foo | default('x' }}" }, { v: { file: 'gv.yaml', line: 2, col: 4 } });
    try {
      s.get('v');
      expect.unreachable();
    } catch (e) {
      const err = e as TemplateError;
      expect(err).toBeInstanceOf(TemplateError);
      expect(err.message).toContain("expected ','");
      expect(err.pos).toMatchObject({ file: 'gv.yaml', line: 2 });
    }
  });

  it('renders each variable once per scope', () => {
    let reads = 0;
    const vars = new Proxy({ base: 'b', v: '{{base}}-{{base}}' } as Record<string, unknown>, {
      get: (t, k) => {
        if (k === 'base') reads++;
        return Reflect.get(t, k);
      },
    });
    const s = new VarScope({ vars, origins: new Map() });
    expect(s.get('v')).toBe('b-b');
    expect(s.get('v')).toBe('b-b');
    expect(reads).toBe(1);
  });

  it('gives every variable as vars, as Ansible\'s magic variable', () => {
    const s = scope({ ansible_eth1: { ip: '10.0.0.5' }, iface: 'eth1', v: "{{ vars['ansible_' + iface].ip }}", w: "{{ 'iface' in vars }} {{ vars.nope | default('none') }}" });
    expect(s.get('v')).toBe('10.0.0.5');
    expect(s.get('w')).toBe('True none');
  });

  it('exposes no prototype properties to templates', () => {
    const s = scope({ v: '{{ constructor }}' });
    expect(() => s.get('v')).toThrow("'constructor' is undefined");
    expect(() => scope({ v: "{{ ''.__class__ }}" }).get('v')).toThrow("'str object' has no attribute '__class__'");
    expect(() => scope({ d: {}, v: '{{ d.toString() }}' }).get('v')).toThrow("'dict object' has no attribute 'toString'");
  });
});
