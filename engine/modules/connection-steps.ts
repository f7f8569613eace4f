// The steps that lose and find the host's connection (the executor's part of reboot and
// wait_for_connection): the reboot command issued (a connection that drops while it runs is expected),
// then the boot id read again until it changed and the test command run until it succeeds, each within
// the reboot timeout, backing off as Ansible's reboot action does; and wait_for_connection's loop of new
// connections until one runs a command.
import type { RebootStep, ReconnectStep } from './declare.js';
import type { Attempt, HostConnection, ModuleContext, ModuleResult, RunResult } from './types.js';

type Outcome = { adds: Record<string, unknown> } | { failure: ModuleResult };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// the failure when there is no connection to lose and find (a test's bare host facade)
const NO_CONNECTION: Outcome = { failure: { changed: false, failed: true, msg: 'this module needs the host connection' } };

/**
 * Runs `step` until it returns 'done' or `timeoutS` passes: an unreachable host resets the connection,
 * every failure waits 2^n s (at most 12) plus up to a second, as Ansible's reboot loop does.
 */
async function untilSuccess(conn: HostConnection, timeoutS: number, step: () => Promise<Attempt | 'retry' | 'done'>): Promise<boolean> {
  const end = Date.now() + timeoutS * 1000;
  for (let failures = 0; Date.now() < end; failures++) {
    const r = await step();
    if (r === 'done') return true;
    if (r !== 'retry' && 'unreachable' in r) await conn.reset();
    const jitter = Math.random();
    await sleep(Math.min(2 ** failures + jitter, 12 + jitter) * 1000);
  }
  return false;
}

/** Carries out reboot's step: the reboot issued and waited for; adds `elapsed`, or the module's failure. */
export async function rebootHost(ctx: Pick<ModuleContext, 'connection'>, step: RebootStep): Promise<Outcome> {
  const conn = ctx.connection;
  if (!conn) return NO_CONNECTION;
  // one command's answer: a connected host answers at once, the connect itself is bounded by its timeout
  const attemptMs = ((step.connectTimeout ?? 10) + 30) * 1000;
  const issued = await conn.attempt(step.command, attemptMs);
  const start = Date.now();
  const elapsed = (): number => Math.floor((Date.now() - start) / 1000);
  // the connection may drop while the command runs: the host is going down, as asked
  if (!('unreachable' in issued) && issued.rc !== 0) {
    // Python's utcnow().isoformat(), as Ansible's failed result carries it
    const started = new Date(start).toISOString().replace('Z', '000');
    return { failure: { changed: false, failed: true, rebooted: false, start: started, elapsed: elapsed(), msg: `Reboot command failed. Error was: '${issued.stdout.trim()}, ${issued.stderr.trim()}'` } };
  }
  await sleep(step.postDelay * 1000);
  const booted = await untilSuccess(conn, step.timeout, async () => {
    if (step.connectTimeout !== undefined) await conn.reset(step.connectTimeout * 1000);
    const r = await conn.attempt(step.bootCommand, attemptMs);
    if ('unreachable' in r) return r;
    const now = r.stdout.trim();
    return r.rc !== 0 || now === '' || now === step.bootId ? 'retry' : 'done';
  });
  if (!booted) return { failure: { changed: false, failed: true, rebooted: true, elapsed: elapsed(), msg: `Timed out waiting for last boot time check (timeout=${step.timeout})` } };
  if (step.connectTimeout !== undefined) await conn.reset();
  const tested = await untilSuccess(conn, step.timeout, async () => {
    const r = await conn.attempt(step.testCommand, attemptMs);
    return 'unreachable' in r ? r : (r as RunResult).rc === 0 ? 'done' : 'retry';
  });
  if (!tested) return { failure: { changed: false, failed: true, rebooted: true, elapsed: elapsed(), msg: `Timed out waiting for post-reboot test command (timeout=${step.timeout})` } };
  return { adds: { elapsed: elapsed() } };
}

/** Carries out wait_for_connection's step: new connections until one runs a command; adds `elapsed`, or the module's failure. */
export async function reconnect(ctx: Pick<ModuleContext, 'connection'>, step: ReconnectStep): Promise<Outcome> {
  const conn = ctx.connection;
  if (!conn) return NO_CONNECTION;
  const start = Date.now();
  const elapsed = (): number => Math.floor((Date.now() - start) / 1000);
  await sleep(step.delay * 1000);
  const end = Date.now() + step.timeout * 1000;
  let error = '';
  while (Date.now() < end) {
    await conn.reset(step.connectTimeout * 1000);
    const r = await conn.attempt('echo pong', (step.connectTimeout + 30) * 1000);
    // the connection made stays for the tasks after this one
    if (!('unreachable' in r) && r.rc === 0 && r.stdout.trim() === 'pong') return { adds: { elapsed: elapsed() } };
    error = 'unreachable' in r ? r.unreachable : 'ping test failed';
    await sleep(step.sleep * 1000);
  }
  return { failure: { changed: false, failed: true, elapsed: elapsed(), msg: `timed out waiting for ping module test: ${error}` } };
}
