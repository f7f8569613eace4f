// Questions asked on the terminal while kplay runs: a line typed by the operator, hidden when it is a
// secret, Ctrl-C while asked interrupting the run as it does anywhere else.
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { LiveReporter } from '../report/live.js';

/** A line read on the terminal (pause, vars_prompt, -k/-K), the live view taken off the screen meanwhile; undefined without a terminal. */
export function terminalPrompt(view: LiveReporter | undefined): ((text: string, echo: boolean) => Promise<string>) | undefined {
  if (!process.stdin.isTTY) return undefined;
  return async (whole, echo) => {
    view?.suspend();
    // lines above the question (pause's `[task name]`) are written first: readline draws one line
    const cut = whole.lastIndexOf('\n');
    if (cut >= 0) process.stdout.write(whole.slice(0, cut + 1));
    const text = whole.slice(cut + 1);
    // readline draws its prompt (it clears the line first); a hidden answer gets the text written here
    if (!echo) process.stdout.write(`${text}: `);
    const output = echo ? process.stdout : new Writable({ write: (_c, _e, done) => done() });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    const abort = new AbortController();
    // Ctrl-C while asked: no answer, and the run is interrupted as by a Ctrl-C anywhere else
    rl.on('SIGINT', () => {
      abort.abort();
      process.kill(process.pid, 'SIGINT');
    });
    try {
      return await rl.question(echo ? `${text}: ` : '', { signal: abort.signal });
    } catch {
      throw new Error('no answer: interrupted (Ctrl-C)');
    } finally {
      rl.close();
      if (!echo) process.stdout.write('\n');
      view?.resume();
    }
  };
}

/**
 * pause's timed wait on the terminal, as Ansible's pause: its lines shown, then `seconds`; Ctrl+C stops the
 * clock and asks, C ends the wait early (true), A aborts the task (throws). Undefined without a terminal.
 */
export function terminalWait(view: LiveReporter | undefined): ((seconds: number, lines: string[]) => Promise<boolean>) | undefined {
  if (!process.stdin.isTTY) return undefined;
  return (seconds, lines) =>
    new Promise<boolean>((resolve, reject) => {
      const stdin = process.stdin;
      view?.suspend();
      process.stdout.write(`${lines.join('\n')}\n`);
      const wasRaw = stdin.isRaw;
      // raw: Ctrl+C arrives as a key (not SIGINT) and nothing typed is echoed
      stdin.setRawMode(true);
      stdin.resume();
      let asked = false;
      const finish = (early: boolean, error?: Error): void => {
        clearTimeout(timer);
        stdin.off('data', onKey);
        stdin.setRawMode(wasRaw);
        stdin.pause();
        view?.resume();
        if (error) reject(error);
        else resolve(early);
      };
      const onKey = (chunk: Buffer): void => {
        for (const key of chunk.toString('latin1')) {
          if (!asked && key === '\x03') {
            clearTimeout(timer);
            asked = true;
            process.stdout.write("Press 'C' to continue the play or 'A' to abort \r\n");
          } else if (asked && (key === 'c' || key === 'C')) return finish(true);
          else if (asked && (key === 'a' || key === 'A')) return finish(false, new Error('user requested abort!'));
        }
      };
      const timer = setTimeout(() => finish(false), seconds * 1000);
      stdin.on('data', onKey);
    });
}
