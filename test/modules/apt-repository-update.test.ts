// apt_repository's cache update on the local host in a sandbox (a copy of /etc), kplay only: Ansible's
// module updates through python3-apt, which a stand-in apt-get cannot answer for. A stand-in apt-get
// first on PATH logs each call and fails or succeeds as told: the update is retried, and a failed one
// puts every sources file back as it was.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcome, runEngine, sandboxText, type EngineRun } from '../support/differential-play.js';
import { canSandbox } from '../support/sandbox.js';

// fails with apt's fetch error (exit status 0, as apt-get update gives it) while @WORK@/fail exists
const APT_GET = '#!/bin/sh\necho "$*" >> "$(dirname "$0")/../calls"\nif [ -e "$(dirname "$0")/../fail" ]; then echo "W: Failed to fetch http://apt.example.test/debian/dists/bookworm/InRelease  404" >&2; fi\nexit 0\n';
const ORIGINAL = 'deb   http://deb.example.test/debian  bookworm main\n';
const REPO = 'deb http://apt.example.test/debian bookworm main';
const env = { environment: { PATH: '@WORK@/bin:/usr/sbin:/usr/bin:/sbin:/bin' } };

describe.skipIf(!canSandbox())('apt_repository updates the cache', () => {
  let run: EngineRun | undefined;
  beforeAll(() => {
    run = runEngine(
      'kplay',
      [
        { copy: { dest: '/etc/apt/sources.list', content: ORIGINAL } },
        { file: { path: '@WORK@/bin/apt-get', mode: '0755' } },
        { file: { path: '@WORK@/fail', state: 'touch' } },
        { apt_repository: { repo: REPO, update_cache_retries: 2, update_cache_retry_max_delay: 1 }, ...env },
        { shell: 'cat /etc/apt/sources.list; test -e /etc/apt/sources.list.d/apt_example_test_debian.list || echo gone' },
        { file: { path: '@WORK@/fail', state: 'absent' } },
        { apt_repository: { repo: REPO }, ...env },
        { apt_repository: { repo: REPO }, ...env },
      ],
      { 'bin/apt-get': APT_GET },
    );
  }, 120_000);
  afterAll(() => run?.sandbox.remove());

  it('a failed update is retried, reports apt\'s error and puts the sources back; a good one keeps them', () => {
    const r = run as EngineRun;
    expect(r.results.map(outcome)).toEqual(['changed', 'changed', 'changed', 'failed', 'changed', 'changed', 'changed', 'ok']);
    expect(r.results[3]?.msg).toBe('Failed to update apt cache: W: Failed to fetch http://apt.example.test/debian/dists/bookworm/InRelease  404');
    // after the failure: sources.list as it was written, the new file gone
    expect(r.results[4]?.stdout).toBe(`${ORIGINAL}gone`);
    // two tries for the failed task, one for the good one, none when nothing changed
    expect(readFileSync(join(r.sandbox.dir, 'work', 'calls'), 'utf8')).toBe('update -q\nupdate -q\nupdate -q\n');
    expect(sandboxText(r, '/etc/apt/sources.list')).toBe('deb http://deb.example.test/debian bookworm main\n');
    expect(sandboxText(r, '/etc/apt/sources.list.d/apt_example_test_debian.list')).toBe(`${REPO}\n`);
  });
});
