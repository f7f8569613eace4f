// The become words before a command: kplay's own for sudo and su, and become_exe/become_flags as written.
import { describe, expect, it } from 'vitest';
import { becomeKey, becomeLine } from '../../engine/transport/become.js';
import { becomeCommand } from '../../engine/transport/local.js';

describe('becomeLine', () => {
  it.each([
    ['sudo without a password: -n, never a prompt', { method: 'sudo', user: 'root' }, undefined, 'sudo -n -H -u root'],
    ['sudo with a password: -S and the prompt', { method: 'sudo', user: 'root' }, '[p] pw:', "sudo -S -H -p '[p] pw:' -u root"],
    ['become_flags as written, become_exe instead of sudo', { method: 'sudo', user: 'app', exe: 'doas-sudo', flags: '-E -n' }, undefined, 'doas-sudo -E -n -u app'],
    ["become_flags' -n dropped where a password is asked for, as Ansible's sudo drops it", { method: 'sudo', user: 'root', flags: '-H -S -n' }, '[p] pw:', "sudo -H -S -p '[p] pw:' -u root"],
    ['su: su - USER', { method: 'su', user: 'ops' }, undefined, 'su - ops'],
    ['su with become_flags and become_exe', { method: 'su', user: 'ops', exe: '/bin/su', flags: '-l' }, undefined, '/bin/su -l ops'],
  ] as const)('%s', (_why, become, prompt, line) => {
    expect(becomeLine(become, prompt)).toBe(line);
  });

  it('a session opened with other words is another session', () => {
    expect(becomeKey({ method: 'sudo', user: 'root' })).not.toBe(becomeKey({ method: 'sudo', user: 'root', flags: '-i' }));
    expect(becomeKey(undefined)).toBe('');
  });

  it('the local connection runs the words through sh, the command quoted', () => {
    expect(becomeCommand("echo 'a b'", { method: 'sudo', user: 'app', flags: '-E -n' }, 'root').argv).toEqual(['/bin/sh', '-c', `sudo -E -n -u app /bin/sh -c 'echo '"'"'a b'"'"''`]);
    expect(becomeCommand('true', { method: 'sudo', user: 'root' }, 'root').argv).toEqual(['/bin/sh', '-c', 'true']);
  });
});
