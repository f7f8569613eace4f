// Ansible's text for a deprecation (Display.get_deprecation_message), without its header: shared by a
// module's deprecations and the ones kplay prints itself for old syntax Ansible still runs.

/** A deprecation as a module reports it (AnsibleModule.deprecate) or Ansible's own code raises it. */
export interface DeprecationNote {
  msg: string;
  version?: string | undefined;
  date?: string | undefined;
  collection_name?: string | undefined;
}

/** The deprecation's words as Ansible prints them after `[DEPRECATION WARNING]: `. */
export function deprecationText(d: DeprecationNote): string {
  let msg = String(d.msg ?? '').trim();
  if (msg && !['!', '?', '.'].includes(msg.slice(-1))) msg += '.';
  const from = d.collection_name ? `from ${d.collection_name === 'ansible.builtin' ? 'ansible-core' : d.collection_name}` : '';
  const when = d.date ? `in a release after ${d.date}.` : d.version ? `in version ${d.version}.` : 'in a future release.';
  return [msg, 'This feature will be removed', from, when, 'Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.'].filter(Boolean).join(' ');
}
