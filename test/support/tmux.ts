// A real pseudo-terminal for tests: a private tmux server (its own socket) with one window of a fixed
// size running a command; the screen and the scrollback are read with capture-pane, as a person sees them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './until.js';

/** True when tmux is installed (.ci/run installs it). */
export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

/** One terminal running one command. */
export interface Terminal {
  /** The visible screen, one string per row. */
  screen(): string[];
  /** The scrollback and the screen, wrapped lines joined. */
  history(): string[];
  /** Resolves with the command's exit code; fails after `ms`. */
  exited(ms?: number): Promise<number>;
  resize(cols: number, rows: number): void;
  /** Types `text` and Enter, as a person at the keyboard. */
  type(text: string): void;
  /** Presses a key by tmux's name for it (C-c for Ctrl-C). */
  key(name: string): void;
  kill(): void;
}

/** Starts `argv` in a new terminal of cols×rows, in `cwd`, with `env` added and NO_COLOR/CI/KPLAY_NO_LIVE removed. */
export function openTerminal(argv: string[], o: { cols: number; rows: number; cwd: string; env?: Record<string, string> }): Terminal {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-tty-'));
  const sock = join(dir, 'sock');
  const rcFile = join(dir, 'rc');
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const envs = Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${q(v)}`).join(' ');
  // the pane stays open after the command so its last screen can be read
  const script = `cd ${q(o.cwd)} && env -u NO_COLOR -u CI -u KPLAY_NO_LIVE TERM=xterm-256color ${envs} ${argv.map(q).join(' ')}; echo $? > ${q(rcFile)}; exec sleep 600`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-S', sock, ...args], { encoding: 'utf8' });
  const conf = join(dir, 'tmux.conf');
  writeFileSync(conf, 'set -g history-limit 50000\nset -g status off\n');
  tmux('-f', conf, 'new-session', '-d', '-x', String(o.cols), '-y', String(o.rows), 'sh', '-c', script);
  return {
    screen: () => tmux('capture-pane', '-p').replace(/\n$/, '').split('\n'),
    history: () => tmux('capture-pane', '-p', '-J', '-S', '-', '-E', '-').replace(/\n+$/, '').split('\n'),
    async exited(ms = 60_000) {
      const end = Date.now() + ms;
      while (!existsSync(rcFile) || readFileSync(rcFile, 'utf8').trim() === '') {
        if (Date.now() > end) throw new Error(`the command in the terminal did not end within ${ms} ms`);
        await sleep(100);
      }
      return Number(readFileSync(rcFile, 'utf8').trim());
    },
    resize: (cols, rows) => void tmux('resize-window', '-x', String(cols), '-y', String(rows)),
    type(text) {
      tmux('send-keys', '-l', text);
      tmux('send-keys', 'Enter');
    },
    key: (name) => void tmux('send-keys', name),
    kill() {
      spawnSync('tmux', ['-S', sock, 'kill-server']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
