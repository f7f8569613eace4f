// The ansible-core release whose behaviour kplay follows (module options, templating, magic variables,
// the differential tests' oracle): what ansible_version tells roles, which gate features on it
// (`ansible_version.full is version('2.12', '>=')`).
const RELEASE = '2.14.18';

/** ansible_version as Ansible sets it: {string, full, major, minor, revision}. */
export function ansibleVersion(): Record<string, string | number> {
  const [major, minor, revision] = RELEASE.split('.').map(Number) as [number, number, number];
  return { string: RELEASE, full: RELEASE, major, minor, revision };
}
