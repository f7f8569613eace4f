// `kplay adhoc`'s output flags as `ansible`'s: -o (the oneline callback), -t (the tree callback), --list-hosts,
// -B/-P (async and poll), --task-timeout, and the minimal callback's choice between output and JSON. Each row
// is compared with `ansible` where it is installed (CI installs it) and with what it printed when written.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasAnsible } from '../support/oracle.js';
import { KPLAY_BIN } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

type Engine = 'kplay' | 'ansible';

function adhoc(engine: Engine, root: string, args: string[]): { rc: number | null; out: string; err: string } {
  const argv = engine === 'kplay' ? [process.execPath, KPLAY_BIN, 'adhoc'] : ['ansible'];
  const r = spawnSync(argv[0] as string, [...argv.slice(1), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: '0' } });
  return { rc: r.status, out: r.stdout, err: r.stderr };
}

// the values that differ from run to run, and the interpreter Ansible reports on a run's first Python
// module (kplay's command and shell run no Python)
function stable(text: string): string {
  return text
    .replace(/"ansible_facts": \{"discovered_interpreter_python": "[^"]*"\}, ?/g, '')
    .replace(/"(delta|start|end)": "[^"]*"/g, '"$1": "T"')
    .replace(/"ansible_job_id": "j\d+\.\d+"/g, '"ansible_job_id": "J"')
    .replace(/\n$/, '');
}

const LOCAL = ['localhost', '-i', 'hosts'];
const TREE = { hosts: 'localhost ansible_connection=local\n', 's.sh': 'echo from script\n' };

// [what, arguments, exit status, the printed lines (stable)]
const ROWS: [string, string[], number, string][] = [
  ['-o: a module as JSON on one line (json.dumps indent 0, joined)', ['-m', 'ping', '-o'], 0, 'localhost | SUCCESS => {"changed": false,"ping": "pong"}'],
  ['-o: a command as its output', ['-a', 'echo hi', '-o'], 0, 'localhost | CHANGED | rc=0 | (stdout) hi'],
  ['-o: line breaks as \\n, stderr after it', ['-m', 'shell', '-a', 'printf "a\\nb"; printf "e\\rf" >&2', '-o'], 0, 'localhost | CHANGED | rc=0 | (stdout) a\\nb (stderr) e\\rf'],
  [
    '-o: a failed command as JSON',
    ['-m', 'shell', '-a', 'echo out; echo err >&2; exit 3', '-o'],
    2,
    'localhost | FAILED! => {"changed": true,"cmd": "echo out; echo err >&2; exit 3","delta": "T","end": "T","msg": "non-zero return code","rc": 3,"start": "T","stderr": "err","stderr_lines": ["err"],"stdout": "out","stdout_lines": ["out"]}',
  ],
  ['-o: debug keeps its indent (verbose always) and its changed', ['-m', 'debug', '-a', 'msg=hi', '-o'], 0, 'localhost | SUCCESS => {    "changed": false,    "msg": "hi"}'],
  ['--task-timeout', ['-a', 'sleep 3', '--task-timeout', '1', '-o'], 2, 'localhost | FAILED! => {"changed": false,"msg": "The command action failed to execute in the expected time frame (1) and was terminated"}'],
  ['--task-timeout below 1: no limit', ['-a', 'true', '--task-timeout', '-1', '-o'], 0, 'localhost | CHANGED | rc=0 | (stdout) '],
  ['-B 0 -P 0: in the foreground', ['-a', 'echo hi', '-B', '0', '-P', '0', '-o'], 0, 'localhost | CHANGED | rc=0 | (stdout) hi'],
  ['--list-hosts before the arguments are checked', ['-m', 'command', '--list-hosts'], 0, '  hosts (1):\n    localhost'],
  // script is not among the modules shown as output (Ansible's MODULE_NO_JSON)
  ['script as JSON', ['-m', 'script', '-a', 's.sh'], 0, 'localhost | CHANGED => {\n    "changed": true,\n    "rc": 0,\n    "stderr": "",\n    "stderr_lines": [],\n    "stdout": "from script\\n",\n    "stdout_lines": [\n        "from script"\n    ]\n}'],
];

describe('kplay adhoc output flags', () => {
  it.each(ROWS)('%s', (_what, args, rc, want) => {
    const root = writeTree(TREE);
    const k = adhoc('kplay', root, [...LOCAL, ...args]);
    expect({ rc: k.rc, out: stable(k.out) }, k.err).toEqual({ rc, out: want });
    if (hasAnsible) {
      const a = adhoc('ansible', root, [...LOCAL, ...args]);
      expect({ rc: a.rc, out: stable(a.out) }, a.err).toEqual({ rc, out: want });
    }
  });

  it("-o leaves a module's warnings in its JSON and prints no [WARNING] line for them; without -o they are printed", () => {
    const DANGLING = 'Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this.';
    for (const engine of hasAnsible ? (['kplay', 'ansible'] as Engine[]) : (['kplay'] as Engine[])) {
      const root = writeTree(TREE);
      const link = (name: string, more: string[]): { rc: number | null; out: string; err: string } => adhoc(engine, root, [...LOCAL, '-m', 'file', '-a', `path=${root}/${name} src=/nonexistent state=link force=yes mode=0644`, ...more]);
      const one = link('l1', ['-o']);
      expect({ rc: one.rc, out: stable(one.out.replace(root, 'ROOT')) + '\n', err: one.err }, engine).toEqual({ rc: 0, out: `localhost | CHANGED => {"changed": true,"dest": "ROOT/l1","src": "/nonexistent","warnings": ["${DANGLING}"]}\n`, err: '' });
      expect(link('l2', []).err.replace(/\s+/g, ' '), engine).toContain(DANGLING);
    }
  });

  it('-B with -P waits for the job: its result as JSON with the job id (Ansible adds the job file kplay does not write)', () => {
    const root = writeTree(TREE);
    const want = 'localhost | CHANGED => {"ansible_job_id": "J","changed": true,"cmd": ["echo","hi"],"delta": "T","end": "T","finished": 1,"msg": "","rc": 0,"start": "T","started": 1,"stderr": "","stderr_lines": [],"stdout": "hi","stdout_lines": ["hi"]}';
    const k = adhoc('kplay', root, [...LOCAL, '-a', 'echo hi', '-B', '5', '-P', '1', '-o']);
    expect(stable(k.out)).toBe(want);
    // (Ansible's job file under a HOME of the test's own is looked for under the user's real one: given here)
    if (hasAnsible) expect(stable(adhoc('ansible', root, [...LOCAL, '-a', 'echo hi', '-B', '5', '-P', '1', '-o', '-e', `ansible_async_dir=${root}/async`]).out).replace(/"results_file": "[^"]*",/, '')).toBe(want);
    // -P 0: started, not waited for
    const bg = adhoc('kplay', root, [...LOCAL, '-a', 'echo hi', '-B', '5', '-P', '0', '-o']);
    expect(stable(bg.out)).toMatch(/^localhost \| CHANGED => \{"ansible_job_id": "J","changed": true,"finished": false,"results_file": "[^"]+","started": true\}$/);
  });

  it("-t writes each host's result (compact JSON, debug's indented) to DIR/HOST, nothing for a skipped host, as Ansible's tree callback", () => {
    for (const engine of hasAnsible ? (['kplay', 'ansible'] as Engine[]) : (['kplay'] as Engine[])) {
      const root = writeTree(TREE);
      adhoc(engine, root, [...LOCAL, '-m', 'shell', '-a', 'printf "a\\nb"', '-t', 'out/cmd']);
      expect(stable(readFileSync(join(root, 'out/cmd/localhost'), 'utf8')), engine).toBe('{"changed": true, "cmd": "printf \\"a\\\\nb\\"", "delta": "T", "end": "T", "msg": "", "rc": 0, "start": "T", "stderr": "", "stderr_lines": [], "stdout": "a\\nb", "stdout_lines": ["a", "b"]}');
      adhoc(engine, root, [...LOCAL, '-a', 'false', '-t', 'out/failed', '-o']);
      expect(stable(readFileSync(join(root, 'out/failed/localhost'), 'utf8')), engine).toBe('{"changed": true, "cmd": ["false"], "delta": "T", "end": "T", "msg": "non-zero return code", "rc": 1, "start": "T", "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}');
      adhoc(engine, root, [...LOCAL, '-m', 'debug', '-a', 'msg=hi', '-t', 'out/debug']);
      expect(readFileSync(join(root, 'out/debug/localhost'), 'utf8'), engine).toBe('{\n    "changed": false,\n    "msg": "hi"\n}');
      adhoc(engine, root, [...LOCAL, '-m', 'shell', '-a', 'echo x', '-C', '-t', 'out/skipped']);
      expect(existsSync(join(root, 'out/skipped')), engine).toBe(false);
      const unreachable = adhoc(engine, root, ['all', '-i', 'u1,', '-e', 'ansible_host=127.0.0.1', '-e', 'ansible_port=1', '-a', 'true', '-o', '-t', 'out/unreachable']);
      expect(unreachable.out, engine).toMatch(/^u1 \| UNREACHABLE!: Failed to connect to the host via ssh: .+\n$/);
      expect(Object.keys(JSON.parse(readFileSync(join(root, 'out/unreachable/u1'), 'utf8')) as object), engine).toEqual(['changed', 'msg', 'unreachable']);
    }
  });

  it.each([
    [['-B', 'x'], 'argument -B/--background: invalid int value: \'x\''],
    [['-P', '1.5'], 'argument -P/--poll: invalid int value: \'1.5\''],
    [['--task-timeout', 'soon'], 'argument --task-timeout: invalid int value: \'soon\''],
  ])('refuses %j as argparse does', (flags, message) => {
    const root = writeTree(TREE);
    const k = adhoc('kplay', root, [...LOCAL, '-a', 'touch ran', ...flags]);
    expect({ rc: k.rc, err: k.err }).toEqual({ rc: 2, err: expect.stringContaining(message) as unknown });
    if (hasAnsible) expect(adhoc('ansible', root, [...LOCAL, '-a', 'touch ran', ...flags]).err).toContain(message);
    expect(existsSync(join(root, 'ran'))).toBe(false);
  });
});
