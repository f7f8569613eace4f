// The become command's words for sudo and su, with the become_exe and become_flags a task or the host asks
// for (as Ansible's become plugins put them on the line: the program, the flags as written, sudo's prompt
// and user), else kplay's own: sudo -H with -n (no password) or -S (the password on standard input after its
// prompt), su - USER. One builder for the SSH sessions and the local connection.
import { shellQuote as q } from '../util/shell.js';
import type { Become } from './types.js';

/** The become words before the command as one shell line's text (the flags as written, the rest quoted): `su … USER` takes `-c`, sudo's take the command after them. */
export function becomeLine(b: Become, prompt: string | undefined): string {
  if (b.method === 'su') return `${b.exe ?? 'su'} ${b.flags ?? '-'} ${q(b.user)}`;
  // (sudo's -n would refuse the password the prompt asks for: Ansible's sudo drops it then too)
  const flags = b.flags === undefined ? (prompt ? '-S -H' : '-n -H') : prompt ? b.flags.replace(/(^|\s)-n(?=\s|$)/g, '$1') : b.flags;
  return [b.exe ?? 'sudo', flags.trim(), prompt ? `-p ${q(prompt)}` : '', `-u ${q(b.user)}`].filter((w) => w !== '').join(' ');
}

/** The session cache's name for a become: a session opened with other words is another. */
export function becomeKey(b: Become | undefined): string {
  return b ? `${b.method}:${b.user}:${b.exe ?? ''}:${b.flags ?? ''}` : '';
}
