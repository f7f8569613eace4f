// The password as sshpass gives it to Ansible's ssh: by the password method, or typed at a
// keyboard-interactive prompt that asks for it (servers with PasswordAuthentication no and PAM's
// keyboard-interactive on, as FreeBSD's default). Each row is a loopback ssh2 server that offers one
// way in and runs commands with the machine's sh.
import { spawn } from 'node:child_process';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import type { KnownHosts } from '../../engine/transport/known-hosts.js';
import { SshTransport } from '../../engine/transport/ssh.js';
import { hostKey } from '../support/host-key.js';

const { Server } = ssh2;
const anyKey = { verify: () => ({ kind: 'known' }), add: () => undefined, typesFor: () => [], path: '/dev/null' } as unknown as KnownHosts;

interface Row {
  what: string;
  /** The methods the server offers. */
  methods: ('password' | 'keyboard-interactive')[];
  /** The prompts of each keyboard-interactive round. */
  rounds: string[][];
  keyboardInteractive: boolean;
  passwordAuth?: boolean;
  /** The command's output, or the error's text. */
  outcome: RegExp;
  /** What the server was told, method by method. */
  told: string[];
}

const rows: Row[] = [
  { what: 'a keyboard-interactive password prompt is answered with the password', methods: ['keyboard-interactive'], rounds: [['Password: ']], keyboardInteractive: true, outcome: /^hi$/, told: ['keyboard-interactive:p'] },
  { what: "a prompt that does not ask for the password gets nothing, as sshpass types nothing there", methods: ['keyboard-interactive'], rounds: [['Verification code: ', 'Password: ']], keyboardInteractive: true, outcome: /authentication as u failed \(tried: password, keyboard-interactive\)/, told: ['keyboard-interactive:,p'] },
  { what: 'a second password prompt (the first answer refused) gets nothing: sshpass types the password once', methods: ['keyboard-interactive'], rounds: [['Password: '], ['Password: ']], keyboardInteractive: true, outcome: /authentication as u failed/, told: ['keyboard-interactive:p', 'keyboard-interactive:'] },
  { what: 'KbdInteractiveAuthentication=no: the prompt is not answered', methods: ['keyboard-interactive'], rounds: [['Password: ']], keyboardInteractive: false, outcome: /authentication as u failed \(tried: password\)/, told: [] },
  { what: 'the password method first, where the server takes it', methods: ['password', 'keyboard-interactive'], rounds: [['Password: ']], keyboardInteractive: true, outcome: /^hi$/, told: ['password:p'] },
  { what: 'PasswordAuthentication=no: the prompt alone', methods: ['password', 'keyboard-interactive'], rounds: [['Password: ']], keyboardInteractive: true, passwordAuth: false, outcome: /^hi$/, told: ['keyboard-interactive:p'] },
];

// a server that lets in the password `p` by the row's methods and runs each exec with sh
async function serve(row: Row, told: string[]): Promise<{ port: number; close: () => void }> {
  const srv = new Server({ hostKeys: [hostKey()] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && row.methods.includes('password')) {
        told.push(`password:${ctx.password}`);
        return ctx.password === 'p' ? ctx.accept() : ctx.reject();
      }
      if (ctx.method === 'keyboard-interactive' && row.methods.includes('keyboard-interactive')) {
        const ask = (round: number): void => {
          const prompts = row.rounds[round];
          if (!prompts) return ctx.reject();
          ctx.prompt(
            prompts.map((prompt) => ({ prompt, echo: false })),
            (answers) => {
              told.push(`keyboard-interactive:${answers.join(',')}`);
              // the last prompt is the password's; the others must be left empty
              if (answers.at(-1) === 'p' && answers.slice(0, -1).every((a) => a === 'ok') && round === row.rounds.length - 1) ctx.accept();
              else ask(round + 1);
            },
          );
        };
        return ask(0);
      }
      ctx.reject(row.methods);
    });
    client.on('ready', () =>
      client.on('session', (accept) =>
        accept().on('exec', (acceptExec, _reject, info) => {
          const ch = acceptExec();
          const p = spawn('sh', ['-c', info.command]);
          ch.pipe(p.stdin);
          p.stdout.pipe(ch, { end: false });
          p.stderr.pipe(ch.stderr, { end: false });
          p.on('close', (code) => {
            ch.exit(code ?? 1);
            ch.end();
          });
        }),
      ),
    );
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as { port: number }).port, close: () => srv.close() };
}

describe('the password, by the password method and at keyboard-interactive prompts', () => {
  it.each(rows)('$what', async (row) => {
    const told: string[] = [];
    const { port, close } = await serve(row, told);
    const t = new SshTransport({ name: 'h', host: '127.0.0.1', port, user: 'u', keys: [], password: 'p', agent: undefined, knownHosts: anyKey, hostKeyChecking: false, acceptNewHostKeys: false, connectTimeoutMs: 20_000, helper: false, keyboardInteractive: row.keyboardInteractive, passwordAuth: row.passwordAuth });
    try {
      const got = await t.exec('echo hi').then(
        (r) => String(r.stdout).trim(),
        (e: unknown) => String((e as Error).message),
      );
      expect(got).toMatch(row.outcome);
      expect(told).toEqual(row.told);
    } finally {
      await t.close();
      close();
    }
  });
});
