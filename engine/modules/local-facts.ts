// setup's ansible_local, as Ansible's local collector makes it of fact_path's *.fact files: an executable
// one's output, another's text, each read as JSON, else as Python's ConfigParser reads an INI file
// (sections of lower-cased options, DEFAULT's in each, continuation lines, %(name)s interpolation); a file
// that fails is a message (and a warning) in its place. A bad interpolation escapes Ansible's collector
// (it is raised in its except clause): the collector's facts are all dropped, so ansible_local is undefined.

/** One *.fact file as the script read it: its name, whether it ran (user-executable), the exit code, stdout (or the text) and stderr, base64. */
export interface FactFile {
  name: string;
  ran: boolean;
  rc: number;
  out: string;
  err: string;
}

/** The script's `lfact=NAME|x-or-r|RC|OUT64|ERR64` line read. */
export function factFileOf(line: string): FactFile {
  const [name = '', kind = '', rc = '0', out = '', err = ''] = line.split('|');
  return { name, ran: kind === 'x', rc: Number(rc), out, err };
}

class IniError extends Error {}

// ConfigParser's read (strict, '=' or ':' delimiters, '#'/';' comment lines, indented continuation lines)
function readIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | undefined;
  let last: { opts: Map<string, string>; key: string; indent: number } | undefined;
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const stripped = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (stripped.startsWith('#') || stripped.startsWith(';')) return;
    if (!stripped) {
      // a blank line may belong to a value continued after it
      if (last) last.opts.set(last.key, `${last.opts.get(last.key)}\n`);
      return;
    }
    if (last && indent > last.indent) {
      last.opts.set(last.key, `${last.opts.get(last.key)}\n${stripped}`);
      return;
    }
    const header = /^\[(.+)\]$/.exec(stripped);
    if (header) {
      const name = header[1]!;
      if (sections.has(name)) throw new IniError(`While reading from '<???>' [line ${String(i + 1).padStart(2)}]: section '${name}' already exists`);
      cur = new Map();
      sections.set(name, cur);
      last = undefined;
      return;
    }
    if (!cur) throw new IniError(`File contains no section headers.\nfile: '<???>', line: ${i + 1}\n${JSON.stringify(raw)}`);
    const at = [raw.indexOf('='), raw.indexOf(':')].filter((x) => x >= 0).sort((a, b) => a - b)[0];
    if (at === undefined) throw new IniError(`Source contains parsing errors: '<???>'\n\t[line ${String(i + 1).padStart(2)}]: ${JSON.stringify(raw)}`);
    const key = raw.slice(0, at).trim().toLowerCase();
    if (cur.has(key)) throw new IniError(`While reading from '<???>' [line ${String(i + 1).padStart(2)}]: option '${key}' in section '${[...sections].find(([, m]) => m === cur)?.[0]}' already exists`);
    cur.set(key, raw.slice(at + 1).trim());
    last = { opts: cur, key, indent };
  });
  // values keep no trailing blank lines
  for (const opts of sections.values()) for (const [k, v] of opts) opts.set(k, v.replace(/\n+$/, ''));
  return sections;
}

// BasicInterpolation's get: %% is %, %(name)s the option's value (the section's, else DEFAULT's)
function interpolate(value: string, key: string, section: string, opts: Map<string, string>, depth = 0): string {
  if (depth > 10) throw new Error(`Recursion limit exceeded in value substitution: option '${key}' in section '${section}' contains an interpolation key which cannot be substituted in 10 steps. Raw value: '${value}'`);
  let out = '';
  for (let i = 0; i < value.length; ) {
    const p = value.indexOf('%', i);
    if (p < 0) {
      out += value.slice(i);
      break;
    }
    out += value.slice(i, p);
    if (value[p + 1] === '%') {
      out += '%';
      i = p + 2;
      continue;
    }
    const ref = /^%\(([^)]+)\)s/.exec(value.slice(p));
    if (!ref) throw new Error(`'%' must be followed by '%' or '(', found: '${value.slice(p)}'`);
    const name = ref[1]!.toLowerCase();
    const v = opts.get(name);
    if (v === undefined) throw new Error(`Bad value substitution: option '${key}' in section '${section}' contains an interpolation key '${name}' which is not a valid option name. Raw value: '${value}'`);
    out += interpolate(v, key, section, opts, depth + 1);
    i = p + ref[0].length;
  }
  return out;
}

/** An INI fact's interpolation that fails: Ansible's local collector fails as a whole. */
class CollectorFailed extends Error {}

// a .fact file's text read as Ansible reads it: JSON, else INI
function factOf(file: string, text: string, warn: (m: string) => void): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // not JSON
  }
  let sections: Map<string, Map<string, string>>;
  try {
    sections = readIni(text);
  } catch (e) {
    if (!(e instanceof IniError)) throw e;
    const m = `error loading facts as JSON or ini - please check content: ${file}`;
    warn(m);
    return m;
  }
  const defaults = sections.get('DEFAULT') ?? new Map<string, string>();
  sections.delete('DEFAULT');
  try {
    const fact: Record<string, Record<string, string>> = {};
    for (const [name, own] of sections) {
      const opts = new Map([...own, ...[...defaults].filter(([k]) => !own.has(k))]);
      fact[name] = Object.fromEntries([...opts].map(([k, v]) => [k, interpolate(v, k, name, opts)]));
    }
    return fact;
  } catch (e) {
    throw new CollectorFailed((e as Error).message);
  }
}

/** ansible_local of the *.fact files read in `dir` (in name order; undefined when the collector fails), and the warnings Ansible's collector gives. */
export function localFacts(dir: string, files: FactFile[]): { local: Record<string, unknown> | undefined; warnings: string[] } {
  const local: Record<string, unknown> = {};
  const warnings: string[] = [];
  const warn = (m: string): number => warnings.push(m);
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = `${dir}/${f.name}`;
    const key = f.name.replace(/\.fact/g, '');
    if (f.ran && f.rc !== 0) {
      local[key] = `Failure executing fact script (${path}), rc: ${f.rc}, err: ${Buffer.from(f.err, 'base64').toString('utf8')}`;
      warn(local[key] as string);
      continue;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(f.out, 'base64'));
    } catch {
      local[key] = `error loading fact - output of running "${path}" was not utf-8`;
      warn(local[key] as string);
      continue;
    }
    // (a file's text is read stripped, as get_file_content reads it)
    try {
      local[key] = factOf(path, f.ran ? text : text.trim(), warn);
    } catch (e) {
      if (e instanceof CollectorFailed) return { local: undefined, warnings };
      throw e;
    }
  }
  return { local, warnings };
}
