import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findProjectRoot, loadConfig, parseCfg } from '../../engine/config/config.js';
import { ParseError } from '../../engine/errors.js';
import { writeTree } from '../support/tree.js';

describe('kplay.cfg / ansible.cfg', () => {
  it.each([
    ['stdout_callback = default\nstrategy = linear\nfact_caching = memory\nhash_behaviour = replace\nerror_on_undefined_vars = True\n', []],
    ['stdout_callback = yaml\nfact_caching = jsonfile\nhash_behaviour = merge\n', ['hash_behaviour', 'fact_caching', 'stdout_callback']],
  ])('warns of a setting it does not read only when it asks for something else than kplay does: %j', (settings, warned) => {
    const root = writeTree({ 'ansible.cfg': `[defaults]\n${settings}` });
    const c = loadConfig(root, { HOME: '/nonexistent' });
    expect(c.unread.map((w) => /sets \[defaults\] (\w+),/.exec(w)?.[1])).toEqual(warned);
  });

  it('prefers kplay.cfg, reads [defaults] and resolves paths relative to the file', () => {
    const root = writeTree({
      'kplay.cfg': '[defaults]\ninventory = inventories/lab.inventory\nforks = 20 ; inline comment\nroles_path = roles:/opt/roles\nremote_user = ops\nhost_key_checking = False\n[ssh_connection]\nssh_args = -o ControlMaster=auto\n',
      'ansible.cfg': '[defaults]\nforks = 3\n',
    });
    const c = loadConfig(root, { HOME: '/nonexistent' });
    expect(c.file).toBe(join(root, 'kplay.cfg'));
    expect(c.inventory).toEqual([join(root, 'inventories/lab.inventory')]);
    expect(c.forks).toBe(20);
    expect(c.rolesPath).toEqual([join(root, 'roles'), '/opt/roles']);
    expect(c.remoteUser).toBe('ops');
    expect(c.hostKeyChecking).toBe(false);
    expect(c.sshArgs).toBe('-o ControlMaster=auto');
  });

  it('reads ansible.cfg when there is no kplay.cfg, and KPLAY_CONFIG first of all', () => {
    const root = writeTree({ 'ansible.cfg': '[defaults]\nforks = 3\n', 'other.cfg': '[defaults]\nforks = 7\n' });
    expect(loadConfig(root, { HOME: '/nonexistent' }).forks).toBe(3);
    expect(loadConfig(root, { HOME: '/nonexistent', KPLAY_CONFIG: join(root, 'other.cfg') }).forks).toBe(7);
  });

  it("reads the ssh plugin's retries from [ssh_connection], else [connection], ANSIBLE_SSH_RETRIES over both", () => {
    expect(loadConfig(writeTree({ 'ansible.cfg': '[ssh_connection]\nretries = 3\n[connection]\nretries = 5\n' }), { HOME: '/x' }).sshRetries).toBe(3);
    const connection = writeTree({ 'ansible.cfg': '[connection]\nretries = 5\n' });
    expect(loadConfig(connection, { HOME: '/x' }).sshRetries).toBe(5);
    expect(loadConfig(connection, { HOME: '/x', ANSIBLE_SSH_RETRIES: '1' }).sshRetries).toBe(1);
    expect(() => loadConfig(writeTree({ 'ansible.cfg': '[ssh_connection]\nretries = often\n' }), { HOME: '/x' })).toThrow('retries must be a whole number');
  });

  it('lets ANSIBLE_* and KPLAY_* environment variables override the file', () => {
    const root = writeTree({ 'kplay.cfg': '[defaults]\nhost_key_checking = True\n' });
    expect(loadConfig(root, { HOME: '/x', ANSIBLE_HOST_KEY_CHECKING: 'False' }).hostKeyChecking).toBe(false);
    expect(loadConfig(root, { HOME: '/x', ANSIBLE_FORKS: '4', KPLAY_FORKS: '9' }).forks).toBe(9);
  });

  it.each([
    ['[defaults]\nforks = many\n', 'forks must be a whole number'],
    ['forks = 5\n', 'setting before any [section]'],
    ['[defaults]\njust words\n', 'expected "key = value"'],
  ])('rejects %j', (text, message) => {
    const root = writeTree({ 'kplay.cfg': text });
    expect(() => loadConfig(root, { HOME: '/x' })).toThrow(ParseError);
    expect(() => loadConfig(root, { HOME: '/x' })).toThrow(message);
  });

  it('parses continuation lines', () => {
    expect(parseCfg('[s]\nk = a\n  b\n', 'f')).toEqual({ s: { k: 'a\nb' } });
  });

  it('finds the project root by roles/ or kplay.cfg', () => {
    const root = writeTree({ 'roles/x/tasks/main.yaml': '', 'playbooks/site.yaml': '' });
    expect(findProjectRoot(join(root, 'playbooks'))).toBe(root);
  });
});
