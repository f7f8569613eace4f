// dnf against Ansible's own module on this Debian machine (Debian packages dnf and its Python library): a
// throwaway rpm repository made here (rpmbuild, createrepo_c) and each engine's own install root, the same
// tasks under kplay (its native dnf) and ansible-playbook; the same results, messages and packages at the end.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bothEngines, outcome, runEngine, type EngineRun } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const tools = spawnSync('sh', ['-c', 'command -v dnf && command -v rpmbuild && command -v createrepo_c && /usr/bin/python3 -c "import dnf"']).status === 0;
const usable = hasAnsible && canSandbox() && tools;

// a noarch package holding one file, made with rpmbuild into `repo`
function rpm(top: string, repo: string, name: string, version: string, more: { requires?: string; epoch?: number } = {}): void {
  const spec = join(top, `${name}-${version}.spec`);
  const lines = [`Name: ${name}`, `Version: ${version}`, 'Release: 1', 'Summary: kplay test', 'License: MIT', 'BuildArch: noarch'];
  if (more.epoch) lines.push(`Epoch: ${more.epoch}`);
  if (more.requires) lines.push(`Requires: ${more.requires}`);
  lines.push('%description', 'test', '%install', `mkdir -p %{buildroot}/opt/${name}`, `echo ${version} > %{buildroot}/opt/${name}/version`, '%files', `/opt/${name}/version`, '');
  writeFileSync(spec, lines.join('\n'));
  const r = spawnSync('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}/build`, '--define', `_rpmdir ${repo}`, '--define', '_build_id_links none', spec], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rpmbuild ${name}: ${r.stderr}`);
}

// the repository and a dnf.conf whose only repository it is
function makeRepo(): string {
  const top = mkdtempSync(join(tmpdir(), 'kplay-dnf-'));
  const repo = join(top, 'repo');
  mkdirSync(repo);
  rpm(top, repo, 'kalpha', '1.0');
  rpm(top, repo, 'kalpha', '2.0');
  rpm(top, repo, 'kbeta', '1.0', { requires: 'kalpha' });
  rpm(top, repo, 'kgamma-with-a-rather-long-package-name-to-wrap', '3.14.15926535', { epoch: 2 });
  rpm(top, repo, 'kdelta', '1.0');
  if (spawnSync('createrepo_c', ['-q', repo]).status !== 0) throw new Error('createrepo_c failed');
  mkdirSync(join(top, 'repos.d'));
  writeFileSync(join(top, 'repos.d', 'test.repo'), `[ktest]\nname=ktest\nbaseurl=file://${repo}\ngpgcheck=0\nenabled=1\n[kother]\nname=kother\nbaseurl=file://${top}/nothing-here\nenabled=0\n`);
  writeFileSync(join(top, 'dnf.conf'), `[main]\nreposdir=${top}/repos.d\nkeepcache=0\n`);
  return top;
}

describe.skipIf(!usable)('dnf, kplay vs ansible-playbook', () => {
  const top = usable ? makeRepo() : '';
  afterAll(() => rmSync(top, { recursive: true, force: true }));
  const base = { installroot: '@WORK@/root', conf_file: `${top}/dnf.conf`, releasever: '1' };
  const dnf = (args: Record<string, unknown>, more: Record<string, unknown> = {}): Record<string, unknown> => ({ dnf: { ...base, ...args }, ...more });
  const gamma = 'kgamma-with-a-rather-long-package-name-to-wrap';
  const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed'][] = [
    [dnf({ name: 'kbeta' }, { check_mode: true }), 'changed'],
    [dnf({ name: 'kbeta', update_cache: true }), 'changed'],
    [dnf({ name: 'kbeta' }), 'ok'],
    [dnf({ name: 'kbeta', state: 'latest' }), 'ok'],
    [dnf({ name: 'kalpha-1.0-1' }), 'ok'],
    [dnf({ name: 'kalpha-1.0-1', allow_downgrade: true }), 'changed'],
    [dnf({ name: 'kalpha', state: 'latest' }, { check_mode: true }), 'changed'],
    [dnf({ name: 'kalpha.noarch', state: 'latest' }), 'changed'],
    [dnf({ name: ['nosuch', 'kdelta'] }), 'failed'],
    [dnf({ name: `${gamma}, kdelta` }), 'changed'],
    [dnf({ name: gamma, state: 'latest' }), 'ok'],
    [dnf({ name: 'kdelta', state: 'absent' }, { check_mode: true }), 'changed'],
    [dnf({ name: ['kalpha', 'nosuch'], state: 'absent' }), 'changed'],
    [dnf({ name: 'kalpha', state: 'removed' }), 'ok'],
    [dnf({ name: 'kdelta', disablerepo: '*', enablerepo: 'ktest', exclude: 'kalpha' }), 'ok'],
    // a repository to enable that matches none is passed by, as the module's dnf library does (dnf's command refuses it)
    [dnf({ name: 'kdelta', enablerepo: ['nosuch', 'ktest', 'nosuch2'] }), 'ok'],
    [dnf({ name: 'kbeta', enablerepo: ['nosuch', 'ktest'] }, { check_mode: true }), 'changed'],
    [dnf({ update_cache: true, enablerepo: 'nosuch' }), 'ok'],
    [dnf({ name: 'kbeta', exclude: ['kalpha'] }), 'failed'],
    [dnf({ name: 'kbeta', disablerepo: 'ktest' }), 'failed'],
    [dnf({ update_cache: true }), 'ok'],
    [dnf({ name: '*', state: 'latest' }), 'ok'],
    [dnf({ autoremove: true, state: 'present' }), 'failed'],
    // yum's dnf backend is kplay's dnf; `list` goes to Ansible's dnf module
    [{ yum: { ...base, name: 'kdelta', use_backend: 'dnf' } }, 'ok'],
    [dnf({ list: 'kgamma*' }), 'ok'],
    // kalpha comes as kbeta's dependency and stays when kbeta goes (autoremove off): nothing needs it then,
    // and autoremove with another removal takes it too
    [dnf({ name: 'kbeta' }), 'changed'],
    [dnf({ name: 'kbeta', state: 'absent' }), 'changed'],
    [dnf({ name: 'kdelta', state: 'absent', autoremove: true }), 'changed'],
    [{ shell: `rpm --root @WORK@/root -qa | sort` }, 'changed'],
  ];
  const run = bothEngines(steps.map(([t]) => t));
  const shown = (r: EngineRun): unknown[] =>
    r.results.map((x) => {
      const { msg, results, failures, rc, stdout } = x;
      // list's entries are dicts (Ansible's module's on both sides): compared as text
      // sorted: Ansible lists dnf's install and remove sets in their hash order
      return { outcome: outcome(x), msg, results: Array.isArray(results) ? results.map((e) => JSON.stringify(e)).sort() : results, failures, rc, stdout };
    });

  it('every task has the outcome Ansible gives it', () => {
    const { kplay, ansible } = run();
    expect(ansible.results.map(outcome)).toEqual(steps.map(([, o]) => o));
    expect(kplay.results.map(outcome)).toEqual(ansible.results.map(outcome));
  });

  it('the same results, messages and failures, and the same packages installed at the end', () => {
    const { kplay, ansible } = run();
    expect(shown(kplay)).toEqual(shown(ansible));
    // kdelta and the unneeded kalpha went with autoremove: the package with an epoch is left
    expect(kplay.results.at(-1)?.stdout).toBe(`${gamma}-3.14.15926535-1.noarch`);
  });

  it("runs dnf natively, with no Python on the host, and hands list to Ansible's module (which needs it)", () => {
    const noPython = { vars: { ansible_python_interpreter: '/nonexistent/python3' } };
    const r = runEngine('kplay', [dnf({ name: 'kdelta' }, noPython), dnf({ list: 'kdelta' }, noPython)], {});
    try {
      expect(r.results.map(outcome)).toEqual(['changed', 'failed']);
      expect(r.results[0]?.results).toEqual(['Installed: kdelta-1.0-1.noarch']);
      expect(String(r.results[1]?.msg)).toMatch(/MODULE FAILURE/);
    } finally {
      r.sandbox.remove();
    }
  });
});
