// Filter names Ansible 2.14 routes elsewhere when the collections are installed (Debian's ansible package
// has them): ansible-core sends the short name (ipaddr) to ansible.netcommon, whose meta/runtime.yml sends
// it on to ansible.utils with a deprecation warning. kplay follows the route to its own ansible.utils
// filter and says what Ansible says, once, through whatever the run set to hear template warnings.
import { deprecationText } from '../../util/deprecation.js';
import { templateWarning } from '../warnings.js';

// ansible.netcommon's filters that moved to ansible.utils (the name there where it differs)
const MOVED: Record<string, string> = {
  cidr_merge: 'cidr_merge',
  ipaddr: 'ipaddr',
  ipmath: 'ipmath',
  ipwrap: 'ipwrap',
  ip4_hex: 'ipv4_hex',
  ipv4: 'ipv4',
  ipv6: 'ipv6',
  ipsubnet: 'ipsubnet',
  next_nth_usable: 'next_nth_usable',
  network_in_network: 'network_in_network',
  network_in_usable: 'network_in_usable',
  reduce_on_network: 'reduce_on_network',
  nthhost: 'nthhost',
  previous_nth_usable: 'previous_nth_usable',
  slaac: 'slaac',
  hwaddr: 'hwaddr',
  macaddr: 'macaddr',
};

/** Where a filter name is routed to (its ansible.utils name) and the deprecation Ansible prints on the way. */
export function routedFilter(name: string): { target: string; deprecation: string } | undefined {
  const short = name.startsWith('ansible.netcommon.') ? name.slice('ansible.netcommon.'.length) : name;
  const moved = Object.prototype.hasOwnProperty.call(MOVED, short) ? MOVED[short] : undefined;
  if (moved === undefined) return undefined;
  return { target: `ansible.utils.${moved}`, deprecation: deprecationText({ msg: `Use 'ansible.utils.${short}' module instead.`, date: '2024-01-01', collection_name: 'ansible.netcommon' }) };
}

/** Tells the run's listener of a routed filter's use (it shows each text once). */
export function noteRoutedFilter(deprecation: string): void {
  templateWarning({ msg: deprecation, deprecation: true });
}
