// A Python process on the controller that kplay's synchronous template evaluator can call: Ansible's filter
// and test plugins are Python functions, and a template calls them in the middle of an expression. A worker
// thread owns the process (its pipes are asynchronous); the caller posts a request, sleeps on a shared flag
// until the worker has the answer, then takes it off its port synchronously. One process serves the run.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

// the worker (plain CommonJS, run from this text so the bundle needs no second file): one JSON line each way
const WORKER = `
const { workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { python, script, port, flag } = workerData;
const done = new Int32Array(flag);
let dead;
let stderr = '';
let buffered = '';
let pending = false;
const answer = (line) => { pending = false; port.postMessage(line); Atomics.store(done, 0, 1); Atomics.notify(done, 0); };
const fail = (why) => answer(JSON.stringify({ error: { type: 'RuntimeError', msg: why, ansible: false } }));
const child = spawn(python, ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
child.stdin.on('error', () => {});
child.stdout.setEncoding('utf8');
child.stdout.on('data', (d) => {
  buffered += d;
  for (let i = buffered.indexOf('\\n'); i >= 0; i = buffered.indexOf('\\n')) {
    answer(buffered.slice(0, i));
    buffered = buffered.slice(i + 1);
  }
});
child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
const gone = (why) => { if (dead === undefined) dead = why; if (pending) fail(dead); };
child.on('error', (e) => gone(python + ' could not start: ' + e.message));
child.on('exit', (code, signal) => gone(python + ' exited (' + (signal || code) + ')' + (stderr.trim() ? ': ' + stderr.trim().split('\\n').slice(-3).join(' ') : '')));
port.on('message', (req) => { pending = true; if (dead !== undefined) fail(dead); else child.stdin.write(req + '\\n'); });
`;

/** One Python process answering JSON requests with JSON lines, called synchronously. */
export class PythonBridge {
  private readonly port: MessagePort;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;
  // set once the process cannot answer any more (a request timed out)
  private dead: string | undefined;

  constructor(python: string, script: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, { eval: true, workerData: { python, script, port: port2, flag: this.done.buffer }, transferList: [port2] });
    // the run ends when its work does: neither the worker nor its port keeps it alive
    this.worker.unref();
    this.port.unref();
  }

  /** Sends one request and waits (at most `timeoutMs`) for its answer, parsed; a JSON error object when Python could not answer. */
  call(request: unknown, timeoutMs = 120_000): unknown {
    if (this.dead !== undefined) return { error: { type: 'RuntimeError', msg: this.dead, ansible: false } };
    Atomics.store(this.done, 0, 0);
    this.port.postMessage(JSON.stringify(request));
    if (Atomics.wait(this.done, 0, 0, timeoutMs) === 'timed-out') {
      void this.worker.terminate();
      this.dead = `no answer from Python in ${timeoutMs / 1000} s`;
      return { error: { type: 'TimeoutError', msg: this.dead, ansible: false } };
    }
    const got = receiveMessageOnPort(this.port);
    if (!got) return { error: { type: 'RuntimeError', msg: 'Python gave no answer', ansible: false } };
    try {
      return JSON.parse(String(got.message)) as unknown;
    } catch {
      return { error: { type: 'RuntimeError', msg: `Python answered with what is not JSON: ${String(got.message).slice(0, 200)}`, ansible: false } };
    }
  }
}
