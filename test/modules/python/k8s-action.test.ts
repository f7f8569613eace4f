// kubernetes.core's action plugin as kplay does it before running the collection's module: rows of
// (arguments, connection) -> the module's arguments or the action's error.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { k8sActionArgs } from '../../../engine/modules/python/k8s-action.js';
import type { HostConnection } from '../../../engine/modules/types.js';
import { moduleContext } from '../../support/module-context.js';
import { PyFloat } from '../../../engine/util/py-float.js';
import { tempDir } from '../../support/tree.js';

const dir = tempDir('kplay-k8s-action-');
writeFileSync(join(dir, 'admin.conf'), 'kubeconfig');
writeFileSync(join(dir, 'other.conf'), 'kubeconfig');
writeFileSync(join(dir, 'cm.yaml.j2'), 'kind: ConfigMap\ndata:\n  a: "{{ value }}"\n  b: OMIT\n---\nkind: Secret\n');
// PyYAML's scalars, as the plugin reads the rendered text: a whole-number float stays one, yes is true
writeFileSync(join(dir, 'deploy.yaml.j2'), 'kind: Deployment\nspec:\n  ratio: 1.0\n  paused: yes\n  skip: OMIT\n');
const OMIT = 'OMIT';

const conn = (local: boolean): HostConnection => ({ local, reset: async () => undefined, attempt: async () => ({ unreachable: 'x' }) });
const ctx = (args: Record<string, unknown>, local: boolean) =>
  moduleContext(args, {
    connection: conn(local),
    findLocal: (_kind, p) => (['admin.conf', 'other.conf', 'cm.yaml.j2', 'deploy.yaml.j2'].includes(p) ? join(dir, p) : undefined),
    render: (text) => text.replace('{{ value }}', 'v1'),
    variable: (n) => (n === 'omit' ? { defined: true, value: OMIT } : { defined: false, value: undefined }),
  });

interface Row {
  name: string;
  module: string;
  args: Record<string, unknown>;
  local: boolean;
  want?: Record<string, unknown>;
  error?: string;
}

const ROWS: Row[] = [
  { name: 'a local kubeconfig is the controller file (each of a list)', module: 'kubernetes.core.helm_repository', args: { name: 'x', kubeconfig: 'admin.conf:other.conf' }, local: true, want: { name: 'x', kubeconfig: `${join(dir, 'admin.conf')}:${join(dir, 'other.conf')}` } },
  { name: 'over ssh the kubeconfig is the host file', module: 'kubernetes.core.helm', args: { kubeconfig: '/etc/kubernetes/admin.conf' }, local: false, want: { kubeconfig: '/etc/kubernetes/admin.conf' } },
  { name: 'a missing local kubeconfig fails', module: 'kubernetes.core.k8s_info', args: { kubeconfig: 'nope.conf' }, local: true, error: "Could not find or access 'nope.conf' on the Ansible Controller." },
  { name: 'a kubeconfig of another type fails', module: 'kubernetes.core.k8s_info', args: { kubeconfig: ['a'] }, local: false, error: "Error while reading kubeconfig parameter - a string or dict expected, but got <class 'list'> instead" },
  { name: 'a local src is the controller file', module: 'kubernetes.core.k8s', args: { src: 'admin.conf', state: 'present' }, local: true, want: { src: join(dir, 'admin.conf'), state: 'present' } },
  { name: 'over ssh with src every argument goes as written (template too)', module: 'kubernetes.core.k8s', args: { src: 'x.yaml', template: 'cm.yaml.j2' }, local: false, want: { src: 'x.yaml', template: 'cm.yaml.j2' } },
  { name: 'a URL src is left alone', module: 'kubernetes.core.k8s', args: { src: 'https://example.test/a.yaml' }, local: true, want: { src: 'https://example.test/a.yaml' } },
  {
    name: 'template is rendered into definition, YAML documents with omitted values taken out',
    module: 'kubernetes.core.k8s',
    args: { template: 'cm.yaml.j2', state: 'present' },
    local: false,
    want: { state: 'present', definition: [{ kind: 'ConfigMap', data: { a: 'v1' } }, { kind: 'Secret' }] },
  },
  {
    name: "a rendered template's scalars are PyYAML's",
    module: 'kubernetes.core.k8s',
    args: { template: 'deploy.yaml.j2' },
    local: false,
    want: { definition: [{ kind: 'Deployment', spec: { ratio: new PyFloat(1), paused: true } }] },
  },
  { name: 'template with a definition keeps both keys', module: 'k8s', args: { template: [{ path: 'cm.yaml.j2' }], definition: { a: 1 } }, local: false, want: { template: [{ path: 'cm.yaml.j2' }], definition: [{ kind: 'ConfigMap', data: { a: 'v1' } }, { kind: 'Secret' }] } },
  { name: 'template on another module fails', module: 'kubernetes.core.k8s_info', args: { template: 'cm.yaml.j2' }, local: false, error: "'template' is only a supported parameter for the 'k8s' module." },
  { name: 'Jinja settings kplay cannot change are refused', module: 'kubernetes.core.k8s', args: { template: { path: 'cm.yaml.j2', variable_start_string: '[[' } }, local: false, error: "kplay renders a template with Ansible's default Jinja settings only; variable_start_string cannot be changed here (render it with lookup('template') into definition instead)" },
  { name: 'local_path to a pod is the controller file', module: 'kubernetes.core.k8s_cp', args: { local_path: 'admin.conf', state: 'to_pod' }, local: true, want: { local_path: join(dir, 'admin.conf'), state: 'to_pod' } },
];

describe("kubernetes.core's action, done by kplay", () => {
  it.each(ROWS)('$name', (row) => {
    const run = (): Record<string, unknown> => k8sActionArgs(ctx(row.args, row.local), row.module);
    if (row.error) expect(run).toThrow(row.error);
    else expect(run()).toEqual(row.want);
  });
});
