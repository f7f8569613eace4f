// ansible.utils' address arithmetic filters, which cluster roles use to carve pod and service ranges and to
// pick an address in them: ipsubnet, ipmath, nthhost, next_nth_usable, previous_nth_usable,
// network_in_usable and network_in_network — each as the collection's code answers (False, None or its error
// words), its arguments converted as its argument spec converts them.
import { cidr, fmt, network, parseNet, readIp, size, usable, width, type Net } from './ipaddr.js';
import { ExprError } from './pyops.js';

// the collection's argument spec: a `str` option takes text and numbers as text; anything else reads as no address
const asText = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'True' : 'False') : undefined);

// an `int` option: a whole number, or text of one; Ansible's validator error otherwise (None stays None)
function asInt(v: unknown, name: string, col: number): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return BigInt(v.trim());
  const type = typeof v === 'string' ? 'str' : typeof v === 'number' ? 'float' : Array.isArray(v) ? 'list' : 'dict';
  throw new ExprError(`["argument '${name}' is of type <class '${type}'> and we were unable to convert to int: <class '${type}'> cannot be converted to an int"]`, col);
}

// ipaddr(value, 'cidr') or (value, 'subnet') read as netaddr's IPNetwork, the address masked to its prefix
// (netaddr indexes and compares from there); undefined where ipaddr's 'type' is False
function maskedNet(value: unknown): Net | undefined {
  const got = readIp(asText(value));
  return got ? { ...got.n, ip: network(got.n) } : undefined;
}

/** ansible.utils.ipsubnet: the value's network; with a prefix, its supernet or the count or Nth of its subnets; with a network, the value's index in it. */
export function ipsubnet(value: unknown, query: unknown, index: unknown, col: number): unknown {
  const i = asInt(index, 'index', col);
  // IPNetwork(cidr or subnet).cidr: the network of the value's prefix
  const v = maskedNet(value);
  if (!v) return false;
  const vtype = size(v) === 1n ? 'address' : 'network';
  const total = BigInt(width(v));
  const q = query === undefined || query === null ? '' : (asText(query) ?? '');
  if (q === '') return cidr(v);
  if (/^\d+$/.test(q)) {
    const bits = BigInt(q);
    if (bits > total) return false;
    const prefix = BigInt(v.prefix);
    if (vtype === 'address') {
      // netaddr's supernet(bits): the supernets of prefix bits .. width-1, widest first
      const supernets = total - bits;
      let at = i ?? 0n;
      if (i !== undefined && (i > total + 1n - i || i < bits - total)) return false;
      if (at < 0n) at += supernets;
      if (at < 0n || at >= supernets) throw new ExprError('list index out of range', col);
      const p = Number(bits + at);
      return cidr({ version: v.version, ip: network({ ...v, prefix: p }), prefix: p });
    }
    if (i === undefined) {
      if (bits < prefix) throw new ExprError(`Requested subnet size of ${q} is invalid`, col);
      return String(1n << (bits - prefix));
    }
    if (bits < prefix) return false;
    const subnets = 1n << (bits - prefix);
    const at = i < 0n ? i + subnets : i;
    if (at < 0n || at >= subnets) return false;
    return cidr({ version: v.version, ip: v.ip + (at << (total - bits)), prefix: Number(bits) });
  }
  const o = maskedNet(q);
  if (!o) throw new ExprError(`You must pass a valid subnet or IP address; ${q} is invalid`, col);
  const shift = total - BigInt(o.prefix);
  if (v.ip >> shift === o.ip >> shift && v.prefix >= o.prefix) {
    const low = total - BigInt(v.prefix);
    return String(((v.ip & (((1n << BigInt(v.prefix - o.prefix)) - 1n) << low)) >> low) + 1n);
  }
  throw new ExprError(`${cidr(v)} is not in the subnet ${cidr(o)}`, col);
}

/** ansible.utils.ipmath: the address `amount` addresses on (a network's own address for a network). */
export function ipmath(value: unknown, amount: unknown, col: number): string {
  const by = asInt(amount, 'amount', col);
  const text = asText(value) ?? String(value);
  // IPNetwork(value).ip with a prefix (the address as written), IPAddress(value) without
  const n = parseNet(text);
  if (!n) throw new ExprError(`You must pass a valid IP address; ${text} is invalid`, col);
  if (by === undefined) throw new ExprError('You must pass an integer for arithmetic; None is not a valid integer', col);
  const at = n.ip + by;
  if (at < 0n || at >= 1n << BigInt(width(n))) throw new ExprError('result outside valid IP address boundary!', col);
  return fmt(n.version, at);
}

/** ansible.utils.nthhost: the Nth address of the value's network (negative from its end), False past it. */
export function nthhost(value: unknown, query: unknown): unknown {
  const n = maskedNet(value);
  const q = query === undefined || query === null ? '' : (asText(query) ?? '');
  if (!n || q === '' || !/^\s*[-+]?\d+\s*$/.test(q)) return false;
  const nth = BigInt(q.trim());
  if (size(n) <= nth) return false;
  const at = nth < 0n ? size(n) + nth : nth;
  if (at < 0n) return false;
  return fmt(n.version, network(n) + at);
}

/** ansible.utils.next_nth_usable and previous_nth_usable: the address `offset` on (or back) when it is usable in the value's network, else None. */
export function nthUsable(value: unknown, offset: unknown, direction: 1n | -1n, col: number): unknown {
  const by = asInt(offset, 'offset', col);
  // the address as written (IPNetwork(cidr).ip), its network's usable addresses
  const got = readIp(asText(value));
  if (!got) return false;
  if (by === undefined) throw new ExprError('Must pass in an integer', col);
  const u = size(got.n) > 1n ? usable(got.n) : undefined;
  if (!u) return null;
  const at = got.n.ip + direction * by;
  return at >= u[0] && at <= u[1] ? fmt(got.n.version, at) : null;
}

/** ansible.utils.network_in_usable (`usable`) and network_in_network: whether every address of `test` lies in the value's usable addresses (or all of them). */
export function networkIn(value: unknown, test: unknown, usableOnly: boolean): boolean {
  // a value that is no address reads as False (0) at both ends, as the collection's comparisons read it
  const range = (x: unknown, inner: boolean): [bigint, bigint] => {
    const n = maskedNet(x);
    if (!n) return [0n, 0n];
    if (n.prefix === width(n)) return [n.ip, n.ip];
    if (inner) return usable(n) as [bigint, bigint];
    // a /31 (/127) has no broadcast: its last address is its own
    return [n.ip, size(n) === 2n ? n.ip : n.ip + size(n) - 1n];
  };
  const v = range(value, usableOnly);
  const w = range(test, false);
  return w[0] >= v[0] && w[0] <= v[1] && w[1] >= v[0] && w[1] <= v[1];
}
