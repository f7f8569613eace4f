// The SSH shell framing, fed by a fake channel: outputs of any bytes, split at every possible
// place, come back exactly, with the exit code, and one command never sees another's bytes.
import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { ShellSession } from '../../engine/transport/ssh.js';

/** A channel that answers each written command with `reply(nonce)`, cut into `chunk`-byte pieces. */
function fakeClient(reply: () => { out: Buffer; err: Buffer; rc: number }, chunk: number): Client {
  const channel = Object.assign(new EventEmitter(), {
    stderr: new EventEmitter(),
    write(text: string) {
      const nonce = /printf '\\n%s o\\n' ([0-9a-f]{32})/.exec(text)?.[1];
      if (!nonce) throw new Error(`no nonce in ${text}`);
      const { out, err, rc } = reply();
      const bytes = Buffer.concat([out, Buffer.from(`\n${nonce} o\n`), err, Buffer.from(`\n${nonce} e ${rc}\n`)]);
      setImmediate(() => {
        for (let i = 0; i < bytes.length; i += chunk) channel.emit('data', bytes.subarray(i, i + chunk));
      });
      return true;
    },
    end() {},
    close() {},
  });
  return {
    exec(cmd: string, cb: (err: Error | undefined, ch: unknown) => void) {
      const tag = /READY-([0-9a-f]{16})/.exec(cmd)?.[1];
      cb(undefined, channel);
      setImmediate(() => channel.emit('data', Buffer.from(`motd noise\nREADY-${tag}-sh\n`)));
    },
  } as unknown as Client;
}

const outputs: [string, Buffer, Buffer, number][] = [
  ['nothing at all', Buffer.alloc(0), Buffer.alloc(0), 0],
  ['stdout without a final newline', Buffer.from('a\nb'), Buffer.alloc(0), 0],
  ['stderr only, failing', Buffer.alloc(0), Buffer.from('boom\n'), 3],
  ['newlines only, both streams', Buffer.from('\n\n'), Buffer.from('\n'), 1],
  ['binary with NUL and 0xff', Buffer.from([0, 10, 255, 10]), Buffer.from([10, 0]), 255],
  ['text that looks like a marker without the nonce', Buffer.from('\n0123 o\n'), Buffer.from('\n0123 e 0\n'), 0],
];

describe('ShellSession framing', () => {
  for (const chunk of [1, 2, 7, 64, 100_000]) {
    it(`returns each output exactly when data arrives in ${chunk}-byte chunks`, async () => {
      let i = 0;
      const session = await ShellSession.open(
        fakeClient(() => {
          const [, out, err, rc] = outputs[i++ % outputs.length] as (typeof outputs)[number];
          return { out, err, rc };
        }, chunk),
        undefined,
      );
      for (const [, out, err, rc] of outputs) {
        const r = await session.run('true', {});
        expect(r).toEqual({ rc, stdout: out, stderr: err });
      }
    });
  }

  it('runs queued commands one after another, each with its own answer', async () => {
    let n = 0;
    const session = await ShellSession.open(fakeClient(() => ({ out: Buffer.from(`answer ${++n}`), err: Buffer.alloc(0), rc: 0 }), 3), undefined);
    const rs = await Promise.all([1, 2, 3, 4].map(() => session.run('x', {})));
    expect(rs.map((r) => r.stdout.toString())).toEqual(['answer 1', 'answer 2', 'answer 3', 'answer 4']);
  });
});
