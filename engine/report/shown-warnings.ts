// What the run's warnings reach the reporter as: Ansible's Display prints each warning and deprecation
// text once a run, and none of the deprecations when deprecation_warnings = False (ansible.cfg,
// ANSIBLE_DEPRECATION_WARNINGS: every deprecation's last sentence tells users to set it).
import type { Reporter } from '../runner/events.js';

/** True the first time a text is seen. */
export function once(seen: Set<string>, text: string): boolean {
  if (seen.has(text)) return false;
  seen.add(text);
  return true;
}

/** The reporter, hearing each warning once (none printed already: `printed`) and no deprecation where the config turns them off. */
export function warningsShown(reporter: Reporter, deprecations: boolean | undefined, printed: { deprecations?: Iterable<string> } = {}): Reporter {
  const key = (msg: string, deprecation: boolean): string => `${deprecation ? 'D' : 'W'} ${msg}`;
  const seen = new Set([...(printed.deprecations ?? [])].map((m) => key(m, true)));
  return {
    emit: (e) => {
      if (e.type !== 'warning') return reporter.emit(e);
      if (e.deprecation === true && deprecations === false) return;
      if (once(seen, key(e.msg, e.deprecation === true))) reporter.emit(e);
    },
  };
}
