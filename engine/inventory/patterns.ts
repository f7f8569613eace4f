// Host patterns for `hosts:` and `--limit`, as Ansible's InventoryManager evaluates them:
// unions first, then `&` intersections, then `!` exclusions; globs, `~regex`, `g[0]`, `g[1:]`, `@file`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { parseAddress } from './address.js';
import { LOCALHOST_NAMES, type Host, type Inventory } from './model.js';

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

/** Splits `a,b` or `a:b:&c:!d` (or a list of such) into single patterns. */
export function splitHostPattern(pattern: string | string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap((p) => splitHostPattern(p));
  let parts: string[];
  if (pattern.includes(',')) {
    parts = pattern.split(',');
  } else {
    try {
      parseAddress(pattern, true);
      parts = [pattern];
    } catch {
      parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
    }
  }
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** Orders patterns as Ansible applies them: regular, then `&`, then `!` (regular defaults to all). */
export function orderPatterns(patterns: string[]): string[] {
  const regular: string[] = [];
  const inter: string[] = [];
  const excl: string[] = [];
  for (const p of patterns) {
    if (!p) continue;
    if (p[0] === '!') excl.push(p);
    else if (p[0] === '&') inter.push(p);
    else regular.push(p);
  }
  return [...(regular.length ? regular : ['all']), ...inter, ...excl];
}

/** Python's fnmatch.translate: shell glob to an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      else if (body.startsWith('^')) body = '\\' + body;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else re += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

/** Evaluates host patterns against an inventory, collecting Ansible's warnings. */
export class PatternMatcher {
  readonly warnings: string[] = [];
  private readonly cache = new Map<string, Host[]>();

  constructor(
    private readonly inv: Inventory,
    private readonly cwd = process.cwd(),
  ) {}

  /** Forgets matched patterns: group_by/add_host changed the inventory. */
  clear(): void {
    this.cache.clear();
  }

  /** Hosts matching `pattern`, restricted by `limit` when given, in inventory order. */
  hosts(pattern: string | string[], limit?: string): Host[] {
    let hosts = this.evaluate(splitHostPattern(pattern));
    if (limit !== undefined) {
      const allowed = new Set(this.evaluate(this.limitPatterns(limit)));
      hosts = hosts.filter((h) => allowed.has(h));
    }
    return [...new Set(hosts)];
  }

  /** The patterns a `--limit` value stands for (reading `@file` entries). */
  limitPatterns(limit: string): string[] {
    const out: string[] = [];
    for (const p of splitHostPattern(limit)) {
      if (p[0] !== '@') {
        out.push(p);
        continue;
      }
      const file = resolve(this.cwd, p.slice(1));
      if (!existsSync(file)) throw new UserError(`Unable to find limit file ${p.slice(1)}`, { hint: 'a --limit starting with @ names a file with one host pattern per line' });
      if (!statSync(file).isFile()) throw new UserError(`Limit starting with "@" must be a file, not a directory: ${p.slice(1)}`);
      out.push(...readFileSync(file, 'utf8').split('\n').map((l) => l.trim()));
    }
    return out;
  }

  private evaluate(patterns: string[]): Host[] {
    let hosts: Host[] = [];
    for (const p of orderPatterns(patterns)) {
      const exact = this.inv.hosts.get(p);
      if (exact) {
        hosts.push(exact);
        continue;
      }
      const that = this.matchOne(p);
      if (p[0] === '!') {
        const drop = new Set(that);
        hosts = hosts.filter((h) => !drop.has(h));
      } else if (p[0] === '&') {
        const keep = new Set(that);
        hosts = hosts.filter((h) => keep.has(h));
      } else {
        const names = new Set(hosts.map((h) => h.name));
        hosts.push(...that.filter((h) => !names.has(h.name)));
      }
    }
    return hosts;
  }

  private matchOne(pattern: string): Host[] {
    const bare = pattern[0] === '&' || pattern[0] === '!' ? pattern.slice(1) : pattern;
    const hit = this.cache.get(bare);
    if (hit) return hit;
    let expr = bare;
    let subscript: [number, number | undefined] | undefined;
    if (bare[0] !== '~') {
      const m = SUBSCRIPT.exec(bare);
      if (m) {
        expr = m[1] as string;
        if (m[2] !== undefined) subscript = [Number(m[2]), undefined];
        else {
          subscript = [Number(m[3]), m[5] ? Number(m[5]) : -1];
          if (m[4] === '-') this.warn('Use [x:y] inclusive subscripts instead of [x-y] which has been removed');
        }
      }
    }
    let hosts = this.enumerate(expr);
    if (subscript && hosts.length) hosts = applySubscript(hosts, subscript, bare);
    this.cache.set(bare, hosts);
    return hosts;
  }

  private enumerate(pattern: string): Host[] {
    const re = this.compile(pattern);
    const results: Host[] = [];
    const groups = [...this.inv.groups.keys()].filter((g) => re.test(g));
    for (const g of groups) results.push(...(this.inv.groups.get(g)?.allHosts() ?? []));
    if (!groups.length || pattern[0] === '~' || /[.?*[]/.test(pattern)) {
      for (const [name, h] of this.inv.hosts) if (re.test(name)) results.push(h);
    }
    if (!results.length && LOCALHOST_NAMES.has(pattern)) results.push(this.inv.implicitLocalhost(pattern));
    if (!results.length && !groups.length && pattern !== 'all') this.warn(`Could not match supplied host pattern, ignoring: ${pattern}`);
    return results;
  }

  private compile(pattern: string): RegExp {
    try {
      // `~regex` is matched at the start only (Python's re.match), globs are anchored at both ends
      return pattern[0] === '~' ? new RegExp(`^(?:${pattern.slice(1)})`) : globToRegExp(pattern);
    } catch {
      throw new UserError(`Invalid host list pattern: ${pattern}`, { hint: 'patterns are names, globs (web*), ~regex, or group[0], group[1:]' });
    }
  }

  private drained = 0;

  /** The warnings not handed out yet, each once (the run prints them where Ansible does: before the play whose pattern matched nothing). */
  drain(): string[] {
    const out = this.warnings.slice(this.drained);
    this.drained = this.warnings.length;
    return out;
  }

  private warn(msg: string): void {
    if (!this.warnings.includes(msg)) this.warnings.push(msg);
  }
}

function applySubscript(hosts: Host[], [start, end]: [number, number | undefined], pattern: string): Host[] {
  const at = (i: number): Host | undefined => hosts[i < 0 ? hosts.length + i : i];
  if (end) {
    const last = end === -1 ? hosts.length - 1 : end;
    return hosts.slice(start, last + 1);
  }
  const h = at(start);
  if (!h) throw new UserError(`No hosts matched the subscripted pattern '${pattern}'`, { hint: `the group has ${hosts.length} host(s); indexes start at 0` });
  return [h];
}
