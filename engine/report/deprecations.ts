// deprecation_warnings = False (ansible.cfg, ANSIBLE_DEPRECATION_WARNINGS): the words every deprecation
// warning ends with tell users to set it, so kplay honours it for all of them.
import type { Reporter } from '../runner/events.js';

/** The reporter itself, or one that drops deprecation warnings when the config turns them off. */
export function deprecationsShown(reporter: Reporter, shown: boolean | undefined): Reporter {
  if (shown !== false) return reporter;
  return { emit: (e) => (e.type === 'warning' && e.deprecation === true ? undefined : reporter.emit(e)) };
}
