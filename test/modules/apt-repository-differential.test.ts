// apt_repository against Ansible's own module (it runs on the host's python3 with python3-apt): the
// same tasks under kplay and ansible-playbook, each in its own sandbox (a copy of /etc, so the sources
// files are copies). No cache update: that would write the machine's real /var/lib/apt/lists.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bothEngines, outcome, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const repo = (line: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ apt_repository: { repo: line, update_cache: false, ...extra } });
const EXAMPLE = 'deb http://apt.example.test/debian bookworm main';
const K8S = 'deb [signed-by=/etc/apt/keyrings/kubernetes.gpg] https://pkgs.k8s.io/core:/stable:/v1.30/deb/ /';

const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
  // a sources.list in an untidy hand: rewritten in the module's form when anything changes
  [{ copy: { dest: '/etc/apt/sources.list', content: 'deb   http://deb.example.test/debian  bookworm main\n#a note\n\ndeb-src http://deb.example.test/debian bookworm main #src\n' } }, 'changed'],
  [repo(EXAMPLE), 'changed'],
  [repo(EXAMPLE), 'ok'],
  [repo(`${K8S}`, { filename: 'kubernetes', mode: '0600' }), 'changed'],
  [repo(`  ${K8S.replace(' /', '   /')}`, { filename: 'kubernetes' }), 'ok'],
  [{ copy: { dest: '/etc/apt/sources.list.d/extra.list', content: '#deb http://disabled.example.test/x stable main # kept comment\ndeb http://other.example.test/y stable main\n' } }, 'changed'],
  [repo('deb http://disabled.example.test/x stable main'), 'changed'],
  [repo('deb http://disabled.example.test/x stable main'), 'ok'],
  [repo('deb http://other.example.test/y stable main', { state: 'absent' }), 'changed'],
  [repo(EXAMPLE, { state: 'absent' }), 'changed'],
  [repo(EXAMPLE, { state: 'absent' }), 'ok'],
  [repo('deb https://user:secret@private.example.test/apt stable main'), 'changed'],
  [{ ...repo('deb http://check.example.test/debian stable main'), check_mode: true }, 'changed'],
  [repo('deb http://deb.example.test/debian bookworm main', { state: 'absent' }), 'changed'],
  [repo('foo bar'), 'failed'],
  [repo('# deb http://apt.example.test/debian bookworm main'), 'failed'],
  [repo(''), 'failed'],
];

const hasPythonApt = spawnSync('/usr/bin/python3', ['-c', 'import apt_pkg']).status === 0;

describe.skipIf(!hasAnsible || !canSandbox() || !hasPythonApt)('apt_repository, kplay vs ansible-playbook', () => {
  const run = bothEngines(steps.map(([t]) => t));
  // every sources file with its mode
  const sources = (r: EngineRun): Record<string, string> => {
    const out: Record<string, string> = {};
    const dir = r.sandbox.path('/etc/apt/sources.list.d');
    for (const f of readdirSync(dir).sort()) out[f] = `${(statSync(`${dir}/${f}`).mode & 0o777).toString(8)} ${readFileSync(`${dir}/${f}`, 'utf8')}`;
    out['sources.list'] = readFileSync(r.sandbox.path('/etc/apt/sources.list'), 'utf8');
    return out;
  };

  it('every task reports what Ansible reports, with the same messages', () => {
    expect(run().kplay.results.map(outcome)).toEqual(run().ansible.results.map(outcome));
    expect(run().kplay.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    const msgs = (r: EngineRun): unknown[] => r.results.map((x) => (x.failed === true ? x.msg : x.repo));
    expect(msgs(run().kplay)).toEqual(msgs(run().ansible));
  });

  it('leaves the same sources files with the same modes', () => {
    expect(sources(run().kplay)).toEqual(sources(run().ansible));
    const s = sources(run().kplay);
    expect(s['sources.list']).toBe('# a note\n\ndeb-src http://deb.example.test/debian bookworm main # src\n');
    expect(s['kubernetes.list']).toBe(`600 ${K8S}\n`);
    expect(s['extra.list']).toBe('644 deb http://disabled.example.test/x stable main # kept comment\n');
    expect(s['private_example_test_apt.list']).toBeDefined();
    expect(s['apt_example_test_debian.list']).toBeUndefined();
  });
});
