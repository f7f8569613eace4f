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
