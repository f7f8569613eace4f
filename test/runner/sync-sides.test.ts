// synchronize's sides as Ansible's action plugin decides them: where rsync runs (the controller, the
// delegate, the host itself) and how it reaches the host (address, user, port, key, ssh args, become).
import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { HostIO } from '../../engine/modules/types.js';
import { localPath, syncSides, type SyncInputs } from '../../engine/runner/sync-sides.js';
import type { Become } from '../../engine/transport/types.js';
import type { ConnectionSettings } from '../../engine/vars/connection.js';

const settings = (over: Partial<ConnectionSettings> = {}): ConnectionSettings =>
  ({ host: '10.0.0.5', port: undefined, user: undefined, password: undefined, privateKeyFile: undefined, hostKeyChecking: undefined, commonArgs: undefined, extraArgs: undefined, sshArgs: undefined, sftpExtraArgs: undefined, scpExtraArgs: undefined, timeout: undefined, retries: undefined, connection: undefined, become: undefined, becomeMethod: undefined, becomeUser: undefined, becomePassword: undefined, becomeExe: undefined, becomeFlags: undefined, helper: undefined, ...over });

const SUDO: Become = { method: 'sudo', user: 'ops' };

interface Row {
  name: string;
  inputs: Partial<SyncInputs>;
  /** The become rsync runs with where it runs, and what the module gets. */
  runnerBecome: Become | undefined;
  remote: unknown;
  become?: unknown;
}

const ROWS: Row[] = [
  { name: 'an ssh host: rsync on the controller reaches it with its address', inputs: {}, runnerBecome: undefined, remote: { host: '10.0.0.5', user: undefined, port: undefined, privateKey: undefined, password: undefined, sshArgs: undefined } },
  {
    name: "the host's user, port, key, password and ssh args",
    inputs: { target: settings({ user: 'root', port: 2222, privateKeyFile: '/k', password: 'pw', commonArgs: '-o A=1', extraArgs: '-o B=2' }) },
    runnerBecome: undefined,
    remote: { host: '10.0.0.5', user: 'root', port: 2222, privateKey: '/k', password: 'pw', sshArgs: '-o A=1 -o B=2' },
  },
  { name: "-u and --private-key when the host sets none", inputs: { defaults: { user: 'deploy', privateKeyFile: '/d' } }, runnerBecome: undefined, remote: { host: '10.0.0.5', user: 'deploy', port: undefined, privateKey: '/d', password: undefined, sshArgs: undefined } },
  { name: 'become goes to the far side, not where rsync runs', inputs: { become: SUDO }, runnerBecome: undefined, remote: expect.objectContaining({ host: '10.0.0.5' }), become: { method: 'sudo', user: 'ops' } },
  { name: 'a local connection: both paths local, rsync on the host with become', inputs: { targetLocal: true, become: SUDO }, runnerBecome: SUDO, remote: undefined, become: undefined },
  { name: 'delegated to the host itself: local paths there', inputs: { delegate: { isTarget: true, user: 'x' } }, runnerBecome: undefined, remote: undefined },
  { name: "delegated elsewhere: the delegate's user wins", inputs: { target: settings({ user: 'root' }), delegate: { isTarget: false, user: 'jump' } }, runnerBecome: undefined, remote: expect.objectContaining({ user: 'jump' }) },
  { name: "delegated elsewhere without a user: the host's", inputs: { target: settings({ user: 'root' }), delegate: { isTarget: false, user: undefined } }, runnerBecome: undefined, remote: expect.objectContaining({ user: 'root' }) },
];

describe('syncSides', () => {
  it.each(ROWS)('$name', (row) => {
    const asked: (Become | undefined)[] = [];
    const sides = syncSides({
      target: settings(),
      targetLocal: false,
      delegate: undefined,
      become: undefined,
      defaults: {},
      rsyncPath: undefined,
      runner: (b) => {
        asked.push(b);
        return {} as HostIO;
      },
      findFile: () => undefined,
      playbookDir: '/play',
      ...row.inputs,
    });
    expect(asked).toEqual([row.runnerBecome]);
    expect(sides.remote).toEqual(row.remote);
    expect(sides.become).toEqual(row.become);
    expect(sides.rsync).toBe('rsync');
  });

  it('ansible_rsync_path names the rsync program', () => {
    expect(syncSides({ target: settings(), targetLocal: false, delegate: undefined, become: undefined, defaults: {}, rsyncPath: '/opt/bin/rsync', runner: () => ({}) as HostIO, findFile: () => undefined, playbookDir: '/p' }).rsync).toBe('/opt/bin/rsync');
  });
});

describe('localPath', () => {
  const find = (p: string): string | undefined => (p.startsWith('tree') ? `/role/files/${p.replace(/\/$/, '')}` : undefined);
  it.each([
    ['/abs/dir/', '/abs/dir/'],
    ['host:/x', 'host:/x'],
    ['tree/', '/role/files/tree/'],
    ['tree', '/role/files/tree'],
    ['missing/', '/play/missing/'],
    ['~/x', `${homedir()}/x`],
  ])('%s -> %s', (p, want) => {
    expect(localPath(p, find, '/play')).toBe(want);
  });
});
