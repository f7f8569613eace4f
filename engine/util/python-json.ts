// Python's json.dumps as Ansible's callback calls it for a diff whose sides are mappings (the file
// module's {path, state, mode}, timezone's {name}): sorted keys, four spaces, non-ASCII escaped.

/** A diff side that is a mapping, as the callback's _serialize_diff writes it (ending in a line break). */
export function diffJson(v: object): string {
  const sorted = (_k: string, x: unknown): unknown => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x);
  return `${JSON.stringify(v, sorted, 4).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
