// Runs a playbook on the implicit localhost with kplay or ansible-playbook and reads the `msg` values the
// debug tasks printed: the differential tests of play semantics compare those lists.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI as users run it (the built bundle). */
export const KPLAY_BIN = fileURLToPath(new URL('../../bin/kplay.js', import.meta.url));

/** The command of each engine: kplay through node, ansible-playbook as installed. */
export const ENGINES = { kplay: [process.execPath, KPLAY_BIN], ansible: ['ansible-playbook'] } as const;

/** Runs `playbook` (in `root`, HOME there too) with `-i localhost, -c local` (or the `inventory` flags given); its debug messages in order and the whole output. */
export function playMessages(argv: readonly string[], root: string, playbook = 'site.yaml', flags: string[] = [], inventory = ['-i', 'localhost,', '-c', 'local']): { msgs: string[]; text: string } {
  const r = spawnSync(argv[0] as string, [...argv.slice(1), ...inventory, playbook, ...flags], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: '0' } });
  const text = r.stdout + r.stderr;
  return { msgs: [...text.matchAll(/^ {4}"msg": "(.*)"$/gm)].map((m) => m[1] as string), text };
}

/** What both engines print of a run, to compare whole: kplay's slowest-tasks summary and blank lines left out. */
export function shownOutput(text: string): string {
  return text
    .replace(/\nSlowest tasks:\n(\s+\S+s\s+.*\n?)*/g, '\n')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .join('\n');
}
