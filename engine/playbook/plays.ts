// The play level of a playbook file: the list of plays (following import_playbook), each with its
// name, host pattern and tags, with source positions. The task level is loaded by the engine.
import { isMapping } from '../util/mapping.js';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ParseError, UserError, type SourcePos } from '../errors.js';
import { loadYamlFile, nodeAt, nodePos, type YamlFile } from '../yaml/load.js';

/** One play as listed by --list-hosts. */
export interface PlayHeader {
  name: string | undefined;
  /** The `hosts:` value as written: a pattern string or a list of patterns. */
  hosts: string | string[];
  tags: string[];
  /** The play's raw mapping (for the engine to validate and load). */
  raw: Record<string, unknown>;
  file: string;
  pos: SourcePos;
  /** The parsed file and the play's index in it, to locate any of its nodes. */
  yaml: YamlFile;
  index: number;
}

const IMPORT_KEYS = ['import_playbook', 'ansible.builtin.import_playbook'];

/** Finds a playbook given on the command line, trying the project's playbooks/ for bare names. */
export function resolvePlaybookPath(arg: string, cwd: string, projectRoot: string | undefined): string {
  const direct = resolve(cwd, arg);
  if (existsSync(direct)) return direct;
  if (projectRoot) {
    const inProject = resolve(projectRoot, 'playbooks', arg);
    if (existsSync(inProject)) return inProject;
  }
  throw new UserError(`the playbook: ${arg} could not be found`, {
    hint: projectRoot ? `looked for ${direct} and ${resolve(projectRoot, 'playbooks', arg)}` : `looked for ${direct}`,
  });
}

/** Loads the plays of a playbook file, expanding import_playbook entries in place. */
export function loadPlays(file: string, seen: string[] = []): PlayHeader[] {
  if (seen.includes(file)) {
    throw new ParseError(`import_playbook loop: ${[...seen, file].join(' -> ')}`, { file }, 'a playbook must not import itself, directly or through others');
  }
  const y = loadYamlFile(file, 'playbook');
  if (y.value === null || y.value === undefined) throw new ParseError('Empty playbook, nothing to do', { file, line: 1, col: 1 });
  if (!Array.isArray(y.value)) {
    throw new ParseError('A playbook must be a list of plays', nodePos(y, y.doc.contents), 'start each play with "- hosts: ..." at the top level');
  }
  const out: PlayHeader[] = [];
  y.value.forEach((entry: unknown, i: number) => {
    const pos = nodePos(y, nodeAt(y, [i]));
    if (!isMapping(entry)) throw new ParseError('each entry of a playbook must be a play (a mapping)', pos, 'a play looks like "- hosts: masters\\n  tasks: [...]"');
    const importKey = IMPORT_KEYS.find((k) => k in entry);
    if (importKey) {
      const target = entry[importKey];
      if (typeof target !== 'string') throw new ParseError(`${importKey} needs a file name`, nodePos(y, nodeAt(y, [i, importKey])));
      const path = resolve(dirname(file), target);
      if (!existsSync(path)) throw new ParseError(`imported playbook not found: ${target}`, nodePos(y, nodeAt(y, [i, importKey])), `looked for ${path}`);
      out.push(...loadPlays(path, [...seen, file]));
      return;
    }
    out.push(playHeader(y, entry, i, pos));
  });
  return out;
}

function playHeader(y: YamlFile, play: Record<string, unknown>, i: number, pos: SourcePos): PlayHeader {
  const hosts = play.hosts;
  if (hosts === undefined || hosts === null || hosts === '') {
    throw new ParseError("the field 'hosts' is required but was not set", pos, 'add "hosts: PATTERN" to the play, e.g. hosts: masters');
  }
  const okList = Array.isArray(hosts) && hosts.every((h) => typeof h === 'string' || typeof h === 'number');
  if (typeof hosts !== 'string' && !okList) {
    throw new ParseError('hosts must be a pattern string or a list of patterns', nodePos(y, nodeAt(y, [i, 'hosts'])));
  }
  const tags = play.tags;
  const tagList = tags === undefined || tags === null ? [] : Array.isArray(tags) ? tags.map(String) : String(tags).split(',').map((t) => t.trim());
  const name = play.name === undefined || play.name === null ? undefined : String(play.name);
  return { name, hosts: typeof hosts === 'string' ? hosts : (hosts as unknown[]).map(String), tags: tagList, raw: play, file: y.file, pos, yaml: y, index: i };
}
