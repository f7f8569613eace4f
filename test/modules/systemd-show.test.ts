// systemd's `status`: systemctl show's output parsed as Ansible's module parses it, row by row against
// Ansible's own parse_systemctl_show (KEY=VALUE lines, Exec* values in { } over several lines, a
// Description that opens a brace and does not close it, lines without =, values with = in them).
import { describe, expect, it } from 'vitest';
import { parseSystemctlShow } from '../../engine/modules/systemd.js';
import { hasAnsible } from '../support/oracle.js';
import { pythonEval } from '../support/python.js';

const SHOWS: [string, string][] = [
  ['plain properties', 'Id=kubelet.service\nLoadState=loaded\nActiveState=active\nSubState=running\nMainPID=812\n'],
  ['an empty value and a value with = in it', 'Environment=A=1 B=2\nStatusText=\nId=x.service\n'],
  ['ExecStart over several lines', 'Id=x.service\nExecStart={ path=/bin/x ; argv[]=/bin/x -a\n  -b ; ignore_errors=no }\nMainPID=1\n'],
  ['ExecStart on one line', 'ExecStart={ path=/bin/x ; argv[]=/bin/x }\nX=1\n'],
  ['a Description opening a brace it does not close', 'Description={ odd text\nLoadState=loaded\n'],
  ['lines without =, spaces around values', 'junk line\nA=  spaced  \n\nB=2'],
  ['nothing', ''],
];

describe('systemctl show parsed', () => {
  it('gives each key its value, a multi-line Exec value joined', () => {
    expect(parseSystemctlShow(SHOWS[2]?.[1] ?? '')).toEqual({ Id: 'x.service', ExecStart: '{ path=/bin/x ; argv[]=/bin/x -a\n  -b ; ignore_errors=no }', MainPID: '1' });
  });

  it.skipIf(!hasAnsible).each(SHOWS)("%s: as Ansible's parse_systemctl_show", (_name, text) => {
    const theirs = pythonEval<Record<string, string>>('from ansible.modules.systemd import parse_systemctl_show\ndef fn(t): return parse_systemctl_show(t.split("\\n"))', text);
    expect(parseSystemctlShow(text)).toEqual(theirs);
  });
});
