import { describe, expect, it } from 'vitest';
import { connectionSettings } from '../../engine/vars/connection.js';
import { UserError } from '../../engine/errors.js';

function settings(vars: Record<string, unknown>) {
  const all = { inventory_hostname: 'node1', ...vars };
  return connectionSettings((n) => all[n as keyof typeof all], (n) => n in all);
}

describe('connection variables and their aliases', () => {
  it('falls back to inventory_hostname for the address', () => {
    expect(settings({}).host).toBe('node1');
  });

  it.each([
    [{ ansible_host: '10.0.0.1' }, 'host', '10.0.0.1'],
    [{ ansible_ssh_host: '10.0.0.9', ansible_host: '10.0.0.1' }, 'host', '10.0.0.9'],
    [{ ansible_port: 22, ansible_ssh_port: '2222' }, 'port', 2222],
    [{ ansible_ssh_user: 'b', ansible_user: 'a' }, 'user', 'b'],
    [{ ansible_password: 'a', ansible_ssh_pass: 'b', ansible_ssh_password: 'c' }, 'password', 'c'],
    [{ ansible_private_key_file: '/a', ansible_ssh_private_key_file: '/b' }, 'privateKeyFile', '/b'],
    [{ ansible_become_password: 'a', ansible_become_pass: 'b' }, 'becomePassword', 'b'],
    [{ ansible_become: 'yes' }, 'become', true],
    [{ ansible_host_key_checking: 'False' }, 'hostKeyChecking', false],
    [{ ansible_connection: 'local' }, 'connection', 'local'],
    [{ ansible_ssh_retries: '3' }, 'retries', 3],
  ])('%j -> %s', (vars, key, value) => {
    expect(settings(vars)[key as keyof ReturnType<typeof settings>]).toBe(value);
  });

  it('rejects a port that is not a number', () => {
    expect(() => settings({ ansible_port: 'ssh' })).toThrow(UserError);
  });

  it('reads kplay_helper as a boolean and rejects anything else', () => {
    expect(settings({ kplay_helper: 'false' }).helper).toBe(false);
    expect(settings({ kplay_helper: 'yes' }).helper).toBe(true);
    expect(settings({}).helper).toBeUndefined();
    expect(() => settings({ kplay_helper: 'maybe' })).toThrow(/kplay_helper must be true or false, got "maybe"/);
  });
});
