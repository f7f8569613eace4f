// wait_for_connection: waits until the host answers over its connection again, as Ansible's action
// does: after `delay`, the connection is reset and a command tried every `sleep` seconds (each
// connect bounded by connect_timeout) until one runs or `timeout` passes. Ansible's test is its ping
// module (Python on the host); kplay's is a shell command, which is what its modules need.
import type { Module } from './types.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The wait_for_connection module. */
export const waitForConnection: Module = async (ctx) => {
  const a = ctx.args;
  if (ctx.check) return { changed: false, skipped: true };
  const conn = ctx.connection;
  if (!conn) return { changed: false, failed: true, msg: 'wait_for_connection needs the host connection' };
  const connectTimeout = Number(a.connect_timeout ?? 5);
  const timeoutS = Number(a.timeout ?? 600);
  const start = Date.now();
  await sleep(Number(a.delay ?? 0) * 1000);
  const end = Date.now() + timeoutS * 1000;
  let error = '';
  while (Date.now() < end) {
    await conn.reset(connectTimeout * 1000);
    const r = await conn.attempt('echo pong', (connectTimeout + 30) * 1000);
    // the connection made stays for the tasks after this one
    if (!('unreachable' in r) && r.rc === 0 && r.stdout.trim() === 'pong') return { changed: false, elapsed: Math.floor((Date.now() - start) / 1000) };
    error = 'unreachable' in r ? r.unreachable : 'ping test failed';
    await sleep(Number(a.sleep ?? 1) * 1000);
  }
  return { changed: false, failed: true, elapsed: Math.floor((Date.now() - start) / 1000), msg: `timed out waiting for ping module test: ${error}` };
};
