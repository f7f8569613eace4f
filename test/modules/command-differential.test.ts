// command, shell, raw and script against Ansible's own: the same tasks under kplay and ansible-playbook
// (local connection, each in its own sandbox), every registered key compared (start, end and delta by
// their form: both engines take their own time), and what the tasks left on disk.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bothEngines, outcome, registeredPairs } from '../support/differential-play.js';
import { hasAnsible } from '../support/oracle.js';
import { canSandbox } from '../support/sandbox.js';

const W = '@WORK@';
const steps: [Record<string, unknown>, 'changed' | 'ok' | 'failed' | 'skipped'][] = [
  // command
  [{ command: 'echo "a b" $HOME' }, 'changed'],
  [{ command: { argv: ['printf', '%s\\n', 'x y'] } }, 'changed'],
  [{ command: 'ls play.yaml', args: { chdir: W } }, 'changed'],
  [{ command: 'ls', args: { chdir: '/nonexistent-dir' } }, 'failed'],
  [{ command: 'ls', args: { chdir: `${W}/play.yaml` } }, 'failed'],
  [{ command: `touch ${W}/never`, args: { creates: `${W}/play.yaml` } }, 'ok'],
  [{ command: `touch ${W}/never`, args: { creates: `${W}/*.yaml` } }, 'ok'],
  [{ command: `touch ${W}/never`, args: { chdir: W, creates: 'pl?y.yaml' } }, 'ok'],
  [{ command: `touch ${W}/never`, args: { removes: `${W}/nothing-*` } }, 'ok'],
  [{ command: `touch ${W}/made`, args: { creates: `${W}/made` } }, 'changed'],
  [{ command: 'echo hi', check_mode: true }, 'skipped'],
  [{ command: `touch ${W}/never`, args: { creates: `${W}/none` }, check_mode: true }, 'changed'],
  [{ command: `touch ${W}/never`, args: { creates: `${W}/play.yaml` }, check_mode: true }, 'ok'],
  [{ command: 'cat', args: { stdin: 'hello' } }, 'changed'],
  [{ command: 'cat', args: { stdin: 'a\n\n', stdin_add_newline: false, strip_empty_ends: false } }, 'changed'],
  [{ command: "sh -c 'echo out; echo err >&2; exit 3'" }, 'failed'],
  [{ command: 'printf "a\\r\\nb\\x0bc\\n\\n"' }, 'changed'],
  [{ command: "echo -e 'a\\tb'" }, 'changed'],
  [{ command: 'echo ~ ~root/x ~no-such-user $NO_SUCH_VAR ${HOME}x "$HOME"' }, 'changed'],
  [{ command: { argv: ['echo', '$HOME', '~'] } }, 'changed'],
  // a ~ that only a variable's value brings is expanded too (expanduser after expandvars)
  [{ command: 'echo $KP_T/x $KP_U ${KP_N} $KP_M', environment: { KP_T: '~root', KP_U: '~', KP_N: '~nobody/spool', KP_M: '~no-such-user' } }, 'changed'],
  [{ command: 'no-such-program arg' }, 'failed'],
  [{ command: `${W}/play.yaml x` }, 'failed'],
  // shell
  [{ shell: 'echo $((2+3)) | tr 5 6; echo e >&2' }, 'changed'],
  [{ shell: 'echo ${BASH_VERSINFO[0]}', args: { executable: '/bin/bash' } }, 'changed'],
  [{ shell: 'ls *.yaml', args: { chdir: W } }, 'changed'],
  [{ shell: 'exit 4' }, 'failed'],
  [{ shell: `echo x > ${W}/never`, args: { chdir: W, removes: 'nothing' } }, 'ok'],
  [{ shell: 'echo hi', check_mode: true }, 'skipped'],
  [{ shell: 'cat; echo', args: { stdin: 'in', strip_empty_ends: false } }, 'changed'],
  // raw
  [{ raw: 'echo hi; echo err >&2' }, 'changed'],
  [{ raw: 'exit 2' }, 'failed'],
  [{ raw: 'echo ${BASH_VERSINFO[0]}', args: { executable: '/bin/bash' } }, 'changed'],
  [{ raw: `touch ${W}/never`, check_mode: true }, 'skipped'],
  [{ raw: 'echo "[$KPLAY_X]"', environment: { KPLAY_X: 'set' } }, 'changed'],
  [{ shell: 'echo "[$KPLAY_X]"', environment: { KPLAY_X: 'set' } }, 'changed'],
  [{ script: 'env.sh', environment: { KPLAY_X: 'set' } }, 'changed'],
  // script
  [{ script: 's.sh "a b" c' }, 'changed'],
  [{ script: 's.sh', args: { creates: `${W}/play.yaml` } }, 'skipped'],
  [{ script: 's.sh', args: { removes: `${W}/nothing` } }, 'skipped'],
  [{ script: 's.sh', check_mode: true }, 'skipped'],
  [{ script: 's.sh', args: { creates: `${W}/nothing` }, check_mode: true }, 'changed'],
  [{ script: 's.sh', args: { chdir: 'relative' } }, 'failed'],
  [{ script: 'pwd.sh', args: { chdir: W } }, 'changed'],
  [{ script: 'fail.sh' }, 'failed'],
  [{ script: 'pwd.sh', args: { executable: '/bin/bash' } }, 'changed'],
  [{ script: { cmd: 's.sh from-cmd' } }, 'changed'],
];

const FILES = {
  'files/s.sh': '#!/bin/sh\necho "args: $*"\necho "n=$#" >&2\n',
  'files/pwd.sh': '#!/bin/sh\npwd\nbasename "$0"\n',
  'files/fail.sh': '#!/bin/sh\necho failing\nexit 4\n',
  'files/env.sh': '#!/bin/sh\necho "[$KPLAY_X]"\n',
};

// a result as compared: start/end/delta by their form (each engine has its own clock), without 2.14's empty traceback
function timesByForm(r: unknown): unknown {
  const x = { ...(r as Record<string, unknown>) };
  const form = (v: unknown): unknown => (typeof v !== 'string' ? v : /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/.test(v) ? 'datetime' : /^\d+:\d\d:\d\d(\.\d{6})?$/.test(v) ? 'timedelta' : v);
  for (const k of ['start', 'end', 'delta']) if (k in x) x[k] = form(x[k]);
  // ansible-core 2.14's script action adds the traceback of no exception to its failures
  if (x.exception === 'NoneType: None\n') delete x.exception;
  return x;
}

describe.skipIf(!hasAnsible || !canSandbox())('command, shell, raw and script, kplay vs ansible-playbook', () => {
  const run = bothEngines(
    steps.map(([t]) => t),
    FILES,
  );
  const outcomes = (rs: Record<string, unknown>[]): string[] => rs.slice(0, steps.length).map((r) => (r.skipped === true ? 'skipped' : outcome(r)));

  it('every task reports what Ansible reports', () => {
    expect(outcomes(run().kplay.results)).toEqual(outcomes(run().ansible.results));
    expect(outcomes(run().kplay.results)).toEqual(steps.map(([, o]) => o));
  });

  it('every registered key is Ansible\'s (the times by their form)', () => {
    const { kplay, ansible } = registeredPairs(run().kplay, run().ansible);
    expect(kplay.map(timesByForm)).toEqual(ansible.map(timesByForm));
  });

  it('raw runs without the task\'s environment and says so, as Ansible\'s raw action', () => {
    for (const engine of [run().kplay, run().ansible]) expect(engine.output).toContain('raw module does not support the environment keyword');
  });

  it('leaves what Ansible leaves: guarded commands did not run, the unguarded one did', () => {
    for (const engine of [run().kplay, run().ansible]) {
      const work = (name: string): string => join(engine.sandbox.dir, 'work', name);
      expect(existsSync(work('never'))).toBe(false);
      expect(readFileSync(work('made'), 'utf8')).toBe('');
    }
  });
});
