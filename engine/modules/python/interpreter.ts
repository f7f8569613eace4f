// Which Python a host's Ansible modules (and setup's python facts) run with: ansible_python_interpreter
// when set to a path, else the first found of Ansible's discovery for Debian and Red Hat hosts.

/** The interpreters looked for, in order, when ansible_python_interpreter is unset or auto (the system Python first). */
export const PYTHON_CANDIDATES = ['/usr/bin/python3', '/usr/libexec/platform-python', 'python3', '/usr/bin/python', 'python'];

/** ansible_python_interpreter when it names an interpreter (not one of the auto modes), else undefined. */
export function askedInterpreter(v: { defined: boolean; value: unknown }): string | undefined {
  if (!v.defined || v.value === undefined || v.value === null) return undefined;
  const s = String(v.value);
  return ['auto', 'auto_silent', 'auto_legacy', 'auto_legacy_silent'].includes(s) ? undefined : s;
}

/**
 * The interpreter Ansible's discovery found for this host earlier: its discovered_interpreter_python fact,
 * which Ansible's executor keeps and does not look for again.
 */
export function discoveredInterpreter(variable: (name: string) => { defined: boolean; value: unknown }): string | undefined {
  const v = variable('ansible_facts.discovered_interpreter_python');
  return v.defined && typeof v.value === 'string' && v.value ? v.value : undefined;
}

/** A shell line that prints the first candidate found (its path, as `command -v` gives it). */
export const DISCOVER_PYTHON = `for p in ${PYTHON_CANDIDATES.join(' ')}; do command -v $p && break; done`;
