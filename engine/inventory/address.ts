// Host identifiers as Ansible parses them: `host:port`, `[v6]:port`, IPv4/IPv6/hostnames, and host
// ranges such as `www[01:12]`, `db-[a:f]`, `n[1:9:2]` (ported from ansible.parsing.utils.addresses).

/** A problem with a host name or range; the caller adds the file location. */
export class AddressError extends Error {}

const numericRange = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const hexRange = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const alnumRange = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const v6c = String.raw`(?:[0-9a-f]{1,4}|${hexRange})`;
const v4c = String.raw`(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${numericRange})`;
const word = String.raw`[\p{L}\p{N}_]`;
const label = String.raw`(?:${word}|${alnumRange})(?:${word}|[_-]|${alnumRange})*(?<![_-])`;

const patterns = {
  bracketedHostport: /^\[(.+)\]:([0-9]+)$/,
  hostport: /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/,
  ipv4: new RegExp(String.raw`^(?:${v4c}\.){3}${v4c}$`, 'i'),
  ipv6: new RegExp(
    '^(?:' +
      [
        String.raw`(?:${v6c}:){7}${v6c}`,
        String.raw`(?:${v6c}:){1,6}:`,
        String.raw`(?:${v6c}:)(?::${v6c}){1,6}`,
        String.raw`(?:${v6c}:){2}(?::${v6c}){1,5}`,
        String.raw`(?:${v6c}:){3}(?::${v6c}){1,4}`,
        String.raw`(?:${v6c}:){4}(?::${v6c}){1,3}`,
        String.raw`(?:${v6c}:){5}(?::${v6c}){1,2}`,
        String.raw`(?:${v6c}:){6}(?::${v6c})`,
        String.raw`:(?::${v6c}){1,6}`,
        String.raw`${v6c}?::`,
        String.raw`(?:0:){6}(?:${v6c}\.){3}${v6c}`,
        String.raw`::(?:ffff:)?(?:${v6c}\.){3}${v6c}`,
        String.raw`(?:0:){5}ffff:(?:${v6c}\.){3}${v6c}`,
      ].join('|') +
      ')$',
    'i',
  ),
  hostname: new RegExp(String.raw`^${label}(?:\.${label})*$`, 'iu'),
};

// Plain ASCII names (nearly all of them) pass here without the Unicode pattern, whose first use costs
// ~10 ms of regex compilation; it accepts a subset of what `patterns.hostname` accepts.
const ASCII_HOSTNAME = /^(?:[A-Za-z0-9]|[A-Za-z0-9_][A-Za-z0-9_-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9_][A-Za-z0-9_-]*[A-Za-z0-9]))*$/;

/** True for a literal IPv4 or IPv6 address (used for inventory_hostname_short). */
export function isIpAddress(name: string): boolean {
  return patterns.ipv4.test(name) || patterns.ipv6.test(name);
}

/** Ansible's parse_address: splits an optional port off and checks the host part. */
export function parseAddress(address: string, allowRanges: boolean): { host: string; port: number | undefined } {
  let addr = address;
  let port: number | undefined;
  for (const re of [patterns.bracketedHostport, patterns.hostport]) {
    const m = re.exec(addr);
    if (m) {
      addr = m[1] as string;
      port = Number(m[2]);
    }
  }
  const valid = ASCII_HOSTNAME.test(addr) || patterns.ipv4.test(addr) || patterns.ipv6.test(addr) || patterns.hostname.test(addr);
  if (!valid) throw new AddressError(`Not a valid network hostname: ${addr}`);
  if (!allowRanges && addr.includes('[')) throw new AddressError('Detected range in host but was asked to ignore ranges');
  return { host: addr, port };
}

const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Expands every `[a:b(:step)]` in a host name, left to right, as Ansible does. */
export function expandHostRange(line: string): string[] {
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  if (open === -1) return [line];
  if (close === -1) throw new AddressError(`unclosed '[' in host range '${line}'`);
  const head = line.slice(0, open);
  const nrange = line.slice(open + 1, close);
  const tail = line.slice(close + 1);
  const bounds = nrange.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new AddressError(`host range must be begin:end or begin:end:step, got '[${nrange}]'`);
  const beg = bounds[0] || '0';
  const end = bounds[1] as string;
  const stepText = bounds[2] ?? '1';
  if (!end) throw new AddressError(`host range must specify end value, got '[${nrange}]'`);
  if (!/^[0-9]+$/.test(stepText) || Number(stepText) === 0) throw new AddressError(`host range step must be a positive integer, got '${stepText}'`);
  const step = Number(stepText);
  let fill = (x: string | number): string => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) throw new AddressError(`host range must specify equal-length begin and end formats, got '[${nrange}]'`);
    fill = (x) => String(x).padStart(beg.length, '0');
  }
  let seq: (string | number)[];
  const iBeg = beg.length === 1 ? ASCII_LETTERS.indexOf(beg) : -1;
  const iEnd = end.length === 1 ? ASCII_LETTERS.indexOf(end) : -1;
  if (iBeg !== -1 && iEnd !== -1) {
    if (iBeg > iEnd) throw new AddressError(`host range must have begin <= end, got '[${nrange}]'`);
    seq = [];
    for (let k = iBeg; k <= iEnd; k += step) seq.push(ASCII_LETTERS[k] as string);
  } else {
    if (!/^[0-9]+$/.test(beg) || !/^[0-9]+$/.test(end)) throw new AddressError(`host range bounds must be numbers or single letters, got '[${nrange}]'`);
    seq = [];
    for (let k = Number(beg); k <= Number(end); k += step) seq.push(k);
  }
  const out: string[] = [];
  for (const item of seq) {
    const name = head + fill(item) + tail;
    if (name.includes('[')) out.push(...expandHostRange(name));
    else out.push(name);
  }
  return out;
}

/** Ansible's _expand_hostpattern: a host or range with an optional port, expanded to names. */
export function expandHostPattern(pattern: string): { hosts: string[]; port: number | undefined } {
  let base = pattern;
  let port: number | undefined;
  try {
    const parsed = parseAddress(pattern, true);
    base = parsed.host;
    port = parsed.port;
  } catch {
    // not a recognisable address: the whole text is the name, as in Ansible
  }
  const hosts = base.includes('[') ? expandHostRange(base) : [base];
  return { hosts, port };
}
