// The file module's access_time and modification_time, as Ansible's: `preserve`, `now`, or a time read
// with its format (Python's time.strptime), made a timestamp in the host's local time (time.mktime);
// a time is set only when it differs from the path's (`now` always does), with touch.
import { pyRepr } from '../util/python-repr.js';
import { shellQuote as q } from '../util/shell.js';

/** What one of the two times asks for. */
export type TimeWant = { kind: 'preserve' } | { kind: 'now' } | { kind: 'at'; text: string; fields: TimeFields };

/** A time as strptime reads it: its fields, the ones not in the format at Python's defaults. */
export interface TimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// Python's _strptime patterns for the directives kplay reads
const DIRECTIVES: Record<string, [string, keyof TimeFields | 'y']> = {
  Y: ['\\d\\d\\d\\d', 'year'],
  y: ['\\d\\d', 'y'],
  m: ['1[0-2]|0[1-9]|[1-9]', 'month'],
  d: ['3[01]|[12]\\d|0[1-9]|[1-9]| [1-9]', 'day'],
  H: ['2[0-3]|[01]\\d|\\d', 'hour'],
  M: ['[0-5]\\d|\\d', 'minute'],
  S: ['6[01]|[0-5]\\d|\\d', 'second'],
};

/**
 * Reads `text` with a strptime `format` (%Y %y %m %d %H %M %S and %%), as Python's time.strptime: the
 * format must match from the start and leave nothing over; whitespace matches any whitespace. A string:
 * Python's error, or why kplay cannot read the format.
 */
export function strptime(text: string, format: string): TimeFields | string {
  const order: (keyof TimeFields | 'y')[] = [];
  let pattern = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c === '%') {
      const d = format[++i] ?? '';
      if (d === '%') pattern += '%';
      else if (DIRECTIVES[d]) {
        const [re, field] = DIRECTIVES[d];
        pattern += `(${re})`;
        order.push(field);
      } else return `kplay reads the time formats %Y, %y, %m, %d, %H, %M, %S and %% (not %${d}) in ${pyRepr(format)}`;
    } else if (/\s/.test(c)) {
      while (/\s/.test(format[i + 1] ?? '')) i++;
      pattern += '\\s+';
    } else pattern += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const m = new RegExp(`^(?:${pattern})`, 'i').exec(text);
  if (!m) return `time data ${pyRepr(text)} does not match format ${pyRepr(format)}`;
  if (m[0].length !== text.length) return `unconverted data remains: ${text.slice(m[0].length)}`;
  const t: TimeFields = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  order.forEach((field, k) => {
    const n = Number((m[k + 1] as string).trim());
    if (field === 'y') t.year = n <= 68 ? 2000 + n : 1900 + n;
    else t[field] = n;
  });
  if (t.day > new Date(Date.UTC(t.year, t.month, 0)).getUTCDate()) return 'day is out of range for month';
  return t;
}

/** What access_time and modification_time (with their formats) ask for in `state`, in that order. */
export function timeWants(o: { access_time?: string | undefined; access_time_format?: string | undefined; modification_time?: string | undefined; modification_time_format?: string | undefined }, state: string): [TimeWant | string, TimeWant | string] {
  return [timeWant(o.access_time, o.access_time_format, state), timeWant(o.modification_time, o.modification_time_format, state)];
}

/** What `access_time` or `modification_time` asks for in `state` (unset: now for touch, else preserve). */
export function timeWant(value: string | undefined, format: string | undefined, state: string): TimeWant | string {
  const v = value ?? (state === 'touch' ? 'now' : 'preserve');
  if (v === 'preserve' || v === 'now') return { kind: v };
  const fmt = format ?? '%Y%m%d%H%M.%S';
  const fields = strptime(v, fmt);
  return typeof fields === 'string' ? `Error while obtaining timestamp for time ${v} using format ${fmt}: ${fields}` : { kind: 'at', text: v, fields };
}

// the command that prints a field time's timestamp in the host's local time (as mktime there)
function epochCommand(t: TimeFields): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `date -d ${q(`${p(t.year, 4)}-${p(t.month)}-${p(t.day)} ${p(t.hour)}:${p(t.minute)}:${p(t.second)}`)} +%s`;
}

/**
 * One command for what the host must say about the times: each time given as a time, as a timestamp
 * (a line each, access first), then the path's times (stat's `%.9X %.9Y`, links followed) or an empty
 * line when it does not exist. `read` turns its output into the epochs and the times.
 */
export function timesQuery(path: string, a: TimeWant, m: TimeWant): { command: string; read(stdout: string): { a?: number | undefined; m?: number | undefined; current?: string | undefined } } {
  const asked = [a, m].map((w) => (w.kind === 'at' ? w.fields : undefined));
  const command = ['set -e', ...asked.flatMap((t) => (t ? [epochCommand(t)] : [])), `stat -L -c '%.9X %.9Y' -- ${q(path)} 2>/dev/null || echo`].join('\n');
  return {
    command,
    read(stdout) {
      const lines = stdout.split('\n');
      const [ea, em] = asked.map((t) => (t ? Number(lines.shift()) : undefined));
      const current = (lines.shift() ?? '').trim();
      return { a: ea, m: em, current: current || undefined };
    },
  };
}

/**
 * The commands that set the path's times, none when nothing changes: Ansible's update_timestamp_for_file
 * sets both when either differs from the path's (`current`: stat's `%.9X %.9Y`), `now` always differing.
 */
export function timeCommands(path: string, a: TimeWant, m: TimeWant, epochs: { a?: number; m?: number }, current: string | undefined): string[] {
  if (a.kind === 'preserve' && m.kind === 'preserve') return [];
  if (a.kind === 'now' && m.kind === 'now') return [`touch -c -- ${q(path)}`];
  const [curA, curM] = (current ?? '').split(' ');
  const differs = (w: TimeWant, epoch: number | undefined, cur: string | undefined): boolean => w.kind === 'now' || (w.kind === 'at' && cur !== `${epoch}.000000000`);
  if (!differs(a, epochs.a, curA) && !differs(m, epochs.m, curM)) return [];
  const one = (w: TimeWant, flag: string, epoch: number | undefined): string[] => (w.kind === 'now' ? [`touch -c ${flag} -- ${q(path)}`] : w.kind === 'at' ? [`touch -c ${flag} -d @${epoch} -- ${q(path)}`] : []);
  return [...one(a, '-a', epochs.a), ...one(m, '-m', epochs.m)];
}
