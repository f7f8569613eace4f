// ansible.utils' ipaddr, ipv4, ipv6 and ipwrap filters (cluster roles template service and pod CIDRs
// with them): IPv4 and IPv6 addresses and networks as python-netaddr reads and prints them, and the
// filter's queries — the value itself, address, net, network, netmask, prefix, broadcast, host, size,
// the Nth address, a network to test membership, and the rest listed in QUERIES. A query kplay does
// not have is an error naming it, never a silent False.
import { ExprError } from './pyops.js';

/** An address with a prefix length, as netaddr's IPNetwork. */
export interface Net {
  version: 4 | 6;
  ip: bigint;
  prefix: number;
}

/** The address width in bits. */
export const width = (n: Net): number => (n.version === 4 ? 32 : 128);
const mask = (n: Net): bigint => ((1n << BigInt(width(n))) - 1n) ^ ((1n << BigInt(width(n) - n.prefix)) - 1n);
/** The network address (the value masked). */
export const network = (n: Net): bigint => n.ip & mask(n);
/** How many addresses the network holds. */
export const size = (n: Net): bigint => 1n << BigInt(width(n) - n.prefix);
// netaddr gives a /31 or /32 (/127, /128) no broadcast
const broadcast = (n: Net): bigint | undefined => (width(n) - n.prefix <= 1 ? undefined : network(n) | (size(n) - 1n));

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseV6(s: string): bigint | undefined {
  let t = s;
  // an IPv4 tail (::ffff:10.0.0.1) as its two words
  if (t.includes('.')) {
    const cut = t.lastIndexOf(':');
    const n = parseV4(t.slice(cut + 1));
    if (n === undefined) return undefined;
    t = `${t.slice(0, cut + 1)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  if (!/^[0-9a-fA-F:]+$/.test(t)) return undefined;
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const words = (x: string): bigint[] | undefined => (x === '' ? [] : x.split(':').every((w) => /^[0-9a-fA-F]{1,4}$/.test(w)) ? x.split(':').map((w) => BigInt(`0x${w}`)) : undefined);
  const l = words(halves[0] as string);
  const r = halves.length === 2 ? words(halves[1] as string) : [];
  if (!l || !r) return undefined;
  if (halves.length === 2 && l.length + r.length > 7) return undefined;
  const all = halves.length === 2 ? [...l, ...Array<bigint>(8 - l.length - r.length).fill(0n), ...r] : l;
  return all.length === 8 ? all.reduce((acc, w) => (acc << 16n) | w, 0n) : undefined;
}

/** netaddr's IPNetwork(text), or undefined where it would raise. */
export function parseNet(text: string): Net | undefined {
  const [addr = '', pre, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const v4 = parseV4(addr);
  const version = v4 !== undefined ? 4 : 6;
  const ip = v4 ?? parseV6(addr);
  if (ip === undefined) return undefined;
  const w = version === 4 ? 32 : 128;
  if (pre === undefined) return { version, ip, prefix: w };
  if (/^\d+$/.test(pre) && Number(pre) <= w) return { version, ip, prefix: Number(pre) };
  // an IPv4 netmask instead of a length
  const m = version === 4 ? parseV4(pre) : undefined;
  if (m === undefined) return undefined;
  const bits = m.toString(2).padStart(32, '0');
  return /^1*0*$/.test(bits) ? { version, ip, prefix: bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') } : undefined;
}

function formatV6(ip: bigint): string {
  const w = Array.from({ length: 8 }, (_, i) => Number((ip >> BigInt(112 - 16 * i)) & 0xffffn));
  // glibc's inet_ntop: the longest run of two or more zero words becomes ::, an IPv4 tail stays dotted
  let best = { base: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > best.len) best = { base: i, len: j - i };
    i = j;
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  const v4tail = best.base === 0 && (best.len === 6 || (best.len === 5 && w[5] === 0xffff));
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best.base) {
      out += i === 0 ? '::' : ':';
      i += best.len - 1;
      continue;
    }
    if (v4tail && i === 6) return out + [w[6] as number >> 8, (w[6] as number) & 255, (w[7] as number) >> 8, (w[7] as number) & 255].join('.');
    out += (w[i] as number).toString(16) + (i < 7 ? ':' : '');
  }
  return out;
}

/** An address as netaddr prints it. */
export const fmt = (version: 4 | 6, ip: bigint): string => (version === 4 ? [24n, 16n, 8n, 0n].map((s) => String((ip >> s) & 255n)).join('.') : formatV6(ip));
const ipOf = (n: Net): string => fmt(n.version, n.ip);
/** address/prefix. */
export const cidr = (n: Net): string => `${ipOf(n)}/${n.prefix}`;
const toNumber = (b: bigint): number | bigint => (b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b);
const first = (n: Net): bigint => network(n);
/** The first and last usable addresses (ansible.utils' _first_last), none for a single address. */
export const usable = (n: Net): [bigint, bigint] | undefined => (size(n) === 2n ? [first(n), first(n) + 1n] : size(n) > 1n ? [first(n) + 1n, first(n) + size(n) - 2n] : undefined);

/** What ipaddr's 'type' query says a value is. */
export type Vtype = 'address' | 'network';

// python-netaddr 0.8's address classes (Debian's), which ansible.utils' queries ask: a network is in a class
// when it lies inside one of its networks (239.0.0.0-239.255.255.255 is the /8)
const net = (text: string): Net => parseNet(text) as Net;
const PRIVATE = { 4: ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '239.0.0.0/8'].map(net), 6: ['fc00::/7', 'fec0::/10'].map(net) };
const LINK_LOCAL = { 4: net('169.254.0.0/16'), 6: net('fe80::/10') };
const MULTICAST = { 4: net('224.0.0.0/4'), 6: net('ff00::/8') };
const addressOf = (n: Net): Net => ({ version: n.version, ip: n.ip, prefix: width(n) });
const isLinkLocal = (n: Net): boolean => inside(n, LINK_LOCAL[n.version]);
const isPrivate = (n: Net): boolean => PRIVATE[n.version].some((p) => inside(n, p)) || isLinkLocal(n);
const isMulticast = (n: Net): boolean => inside(n, MULTICAST[n.version]);
const isLoopback = (n: Net): boolean => (n.version === 4 ? inside(addressOf(n), net('127.0.0.0/8')) : n.ip === 1n);
const all1 = (n: Net): bigint => (1n << BigInt(width(n))) - 1n;
// netaddr's is_netmask / is_hostmask: the value (or its complement) plus one is a power of two
const powerOfTwo = (x: bigint): boolean => (x & (x - 1n)) === 0n;
const isPublic = (n: Net): boolean => !isMulticast(addressOf(n)) && !isPrivate(addressOf(n)) && !isLoopback(n) && !powerOfTwo((n.ip ^ all1(n)) + 1n) && !powerOfTwo(n.ip + 1n);
// netaddr's reverse_dns: the octets, or the 32 nibbles, backwards
const revdns = (n: Net): string =>
  n.version === 4
    ? `${[0n, 8n, 16n, 24n].map((s) => String((n.ip >> s) & 255n)).join('.')}.in-addr.arpa.`
    : `${n.ip.toString(16).padStart(32, '0').split('').reverse().join('.')}.ip6.arpa.`;
const needsNetwork = (t: Vtype): void => {
  if (t === 'address') throw new Error('Not a network address');
};
const usableNeighbour = (n: Net, t: Vtype, step: bigint): string | null => {
  needsNetwork(t);
  const u = size(n) > 1n ? usable(n) : undefined;
  const at = n.ip + step;
  return u && at >= u[0] && at <= u[1] ? fmt(n.version, at) : null;
};
type Query = (n: Net, vtype: Vtype, value: string) => unknown;

// Each query as ansible.utils' ipaddr_utils answers it (null where it answers None).
const QUERIES: Record<string, Query> = {
  '': (n, t) => (t === 'address' ? ipOf(n) : cidr(n)),
  address: (n) => (size(n) === 1n || n.ip !== network(n) || broadcast(n) === undefined || n.version === 6 ? ipOf(n) : null),
  'address/prefix': (n) => (size(n) > 2n && (n.ip === network(n) || n.ip === broadcast(n)) ? false : cidr(n)),
  bool: () => true,
  broadcast: (n) => (size(n) > 2n ? fmt(n.version, broadcast(n) as bigint) : null),
  cidr: (n) => cidr(n),
  first_usable: (n, t) => {
    if (t === 'address') throw new Error('Not a network address');
    return usable(n) ? fmt(n.version, usable(n)?.[0] as bigint) : null;
  },
  host: (n) => (size(n) === 1n ? cidr(n) : n.ip !== network(n) || broadcast(n) === undefined ? cidr(n) : null),
  hostmask: (n) => fmt(n.version, ~mask(n) & ((1n << BigInt(width(n))) - 1n)),
  int: (n, t) => (t === 'address' ? toNumber(n.ip) : `${n.ip}/${n.prefix}`),
  'ip/prefix': (n) => (size(n) === 2n || (size(n) > 1n && n.ip !== network(n)) ? cidr(n) : null),
  ip_netmask: (n) => (size(n) === 2n || (size(n) > 1n && n.ip !== network(n)) ? `${ipOf(n)} ${fmt(n.version, mask(n))}` : null),
  ipv4: (n, _t, value) => (n.version === 4 ? value : (n.ip >> 32n === 0xffffn || n.ip >> 32n === 0n) && n.prefix >= 96 ? `${fmt(4, n.ip & 0xffffffffn)}/${n.prefix - 96}` : false),
  ipv6: (n, _t, value) => (n.version === 6 ? value : `${formatV6(0xffff00000000n | n.ip)}/${n.prefix + 96}`),
  last_usable: (n, t) => {
    if (t === 'address') throw new Error('Not a network address');
    return usable(n) ? fmt(n.version, usable(n)?.[1] as bigint) : null;
  },
  net: (n) => (size(n) > 1n && n.ip === network(n) ? `${fmt(n.version, network(n))}/${n.prefix}` : null),
  netmask: (n) => fmt(n.version, mask(n)),
  network: (n) => fmt(n.version, network(n)),
  'network/prefix': (n) => `${fmt(n.version, network(n))}/${n.prefix}`,
  network_netmask: (n) => `${fmt(n.version, network(n))} ${fmt(n.version, mask(n))}`,
  network_wildcard: (n) => `${fmt(n.version, network(n))} ${fmt(n.version, ~mask(n) & ((1n << BigInt(width(n))) - 1n))}`,
  prefix: (n) => n.prefix,
  size: (n) => toNumber(size(n)),
  size_usable: (n) => toNumber(size(n) === 1n ? 0n : size(n) === 2n ? 2n : size(n) - 2n),
  type: (n) => (size(n) === 1n || n.ip !== network(n) ? 'address' : 'network'),
  version: (n) => n.version,
  wrap: (n, t, value) => (n.version === 6 ? (t === 'address' ? `[${ipOf(n)}]` : `[${ipOf(n)}]/${n.prefix}`) : value),
  private: (n, _t, value) => (isPrivate(n) ? value : null),
  public: (n, _t, value) => (isPublic(n) ? value : null),
  loopback: (n, _t, value) => (isLoopback(n) ? value : null),
  'link-local': (n, _t, value) => (inside(addressOf(n), LINK_LOCAL[n.version]) ? value : null),
  multicast: (n, _t, value) => (isMulticast(n) ? value : null),
  unicast: (n, _t, value) => (isMulticast(n) ? null : value),
  revdns: (n) => revdns(n),
  next_usable: (n, t) => usableNeighbour(n, t, 1n),
  previous_usable: (n, t) => usableNeighbour(n, t, -1n),
  range_usable: (n, t) => {
    needsNetwork(t);
    const u = size(n) > 1n ? usable(n) : undefined;
    return u ? `${fmt(n.version, u[0])}-${fmt(n.version, u[1])}` : null;
  },
  peer: (n, t) => {
    needsNetwork(t);
    if (size(n) === 2n) return fmt(n.version, n.ip ^ 1n);
    if (size(n) !== 4n) throw new Error('Not a point-to-point network');
    if (n.ip % 4n === 0n) throw new Error('Network address of /30 has no peer');
    if (n.ip % 4n === 3n) throw new Error('Broadcast address of /30 has no peer');
    return fmt(n.version, n.ip ^ 3n);
  },
  '6to4': (n, t, value) => {
    if (n.version === 4) {
      if (size(n) > 1n && n.ip === network(n)) return false;
      const a = addressOf(n);
      if (!isPublic(a) && !isPrivate(a)) return false;
      const b = [24n, 16n, 8n, 0n].map((x) => ((n.ip >> x) & 255n).toString(16).padStart(2, '0'));
      return `2002:${b[0]}${b[1]}:${b[2]}${b[3]}::1/48`;
    }
    const sixToFour = net('2002::/16');
    if (t === 'address') return inside(n, sixToFour) ? value : false;
    return n.ip !== network(n) && inside(addressOf(n), sixToFour) ? value : false;
  },
};
for (const [alias, of] of Object.entries({ ip: 'address', gateway: 'address/prefix', gw: 'address/prefix', 'host/prefix': 'address/prefix', hostnet: 'address/prefix', router: 'address/prefix', network_id: 'network', subnet: 'network/prefix', v4: 'ipv4', v6: 'ipv6', wildcard: 'hostmask' })) QUERIES[alias] = QUERIES[of] as Query;
QUERIES.lo = QUERIES.loopback as Query;

/** netaddr's `in` for an address or network inside a network. */
const inside = (n: Net, outer: Net): boolean => n.version === outer.version && n.prefix >= outer.prefix && network({ ...n, prefix: outer.prefix }) === network(outer);


/** An ipaddr filter's value as netaddr reads it (text or a whole number), or undefined where the filter gives False. */
export function readIp(value: unknown, version: 0 | 4 | 6 = 0): { n: Net; vtype: Vtype; shown: string } | undefined {
  if (value === '' || value === 0 || (typeof value !== 'string' && typeof value !== 'number')) return undefined;
  const text = String(value);
  let n: Net | undefined;
  let vtype: Vtype;
  if (/^\d+$/.test(text)) {
    const i = BigInt(text);
    if (version !== 6 && i < 1n << 32n) n = { version: 4, ip: i, prefix: 32 };
    else if (i < 1n << 128n) n = { version: 6, ip: i, prefix: 128 };
    else return undefined;
    vtype = 'address';
  } else {
    n = parseNet(text);
    if (!n) return undefined;
    vtype = text.includes('/') ? 'network' : 'address';
  }
  if (version && n.version !== version) return undefined;
  return { n, vtype, shown: /^\d+$/.test(text) ? ipOf(n) : text };
}

/** The ipaddr filter (ipv4/ipv6 with `version`), for one value or a list. */
export function ipaddr(value: unknown, query: unknown, version: 0 | 4 | 6, alias: string, col: number): unknown {
  const q = query === undefined || query === null ? '' : String(query);
  if (Array.isArray(value)) return value.map((v) => ipaddr(v, q, version, alias, col)).filter((x) => x !== false && x !== undefined && x !== null && x !== '' && x !== 0);
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
    if (value === true || value === false || value === null || value === undefined || value === '' || value === 0) return false;
    throw new ExprError(`Unrecognized type <${typeof value}> for ${alias} filter <value>`, col);
  }
  const got = readIp(value, version);
  if (!got) return false;
  const { n, vtype, shown } = got;
  const known = Object.prototype.hasOwnProperty.call(QUERIES, q);
  if (!known && !/^-?\d+$/.test(q)) {
    // a network as the query: the value when it lies inside that network
    const outer = q.includes('/') || parseNet(q) ? parseNet(q) : undefined;
    if (outer) return inside(n, outer) ? shown : null;
  }
  if (known) {
    try {
      return (QUERIES[q] as Query)(n, vtype, shown);
    } catch (e) {
      throw new ExprError((e as Error).message, col);
    }
  }
  if (/^-?\d+(\.\d+)?$/.test(q)) {
    if (size(n) === 1n) return vtype === 'address' ? ipOf(n) : cidr(n);
    const idx = BigInt(Math.trunc(Number(q)));
    const s = size(n);
    const at = idx < 0n ? (-s <= idx ? first(n) + s + idx : undefined) : idx < s ? first(n) + idx : undefined;
    return at === undefined ? false : `${fmt(n.version, at)}/${n.prefix}`;
  }
  throw new ExprError(`${alias}: unknown filter type: ${q}`, col);
}

/** The ipwrap filter: IPv6 addresses (and networks) in brackets, everything else as it is. */
export function ipwrap(value: unknown, query: unknown, col: number): unknown {
  const wrap = (v: unknown): unknown => {
    const got = ipaddr(v, query, 0, 'ipwrap', col);
    return got ? ipaddr(got, 'wrap', 0, 'ipwrap', col) : v;
  };
  if (Array.isArray(value)) return value.map(wrap);
  if (typeof value !== 'string' && typeof value !== 'boolean') throw new ExprError(`Unrecognized type <${typeof value}> for ipwrap filter <value>`, col);
  return wrap(value);
}
