// A play's vars_files as Ansible reads them: for each host, each entry's name templated in that host's
// variables so far (its inventory variables, facts, the play's vars and the files read before it: so
// `vars/{{ ansible_os_family }}.yml` works), a list entry being the first of its files found. An entry
// whose name needs a variable the host does not have yet is skipped until its facts are gathered, as
// Ansible skips it then; after that it is an error. Entries without a template are read once for all.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { UserError, type SourcePos } from '../errors.js';
import type { VarBag } from '../inventory/model.js';
import { TemplateError } from '../template/render.js';
import { pyRepr } from '../util/python-repr.js';
import { loadVarsFile } from '../vars/files.js';
import type { HostState } from './host-state.js';

/** Renders an entry's name in the host's variables with `loaded` (the files read before it) over them. */
export type VarsFileNamer = (name: unknown, loaded: VarBag) => unknown;

const NONE: VarBag = { vars: {}, origins: new Map() };

/** The vars_files of one play, read per host as Ansible reads them. */
export class PlayVarsFiles {
  private readonly entries: unknown[];
  private readonly templated: boolean;
  private shared: VarBag | undefined;
  private readonly perHost = new WeakMap<HostState, { version: number; gathered: boolean; bag: VarBag }>();

  constructor(
    value: unknown,
    private readonly playDir: string,
    private readonly pos: SourcePos,
  ) {
    this.entries = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    this.templated = /\{\{|\{%/.test(JSON.stringify(this.entries));
  }

  /** Reads the files now when no name is a template (they are every host's): a missing one stops the run. */
  preload(): void {
    if (this.entries.length && !this.templated) this.shared ??= this.read(undefined, (n) => n);
  }

  /** The variables the files give this host (the same bag for every host when no name is a template). */
  forHost(state: HostState, name: VarsFileNamer): VarBag {
    if (!this.entries.length) return NONE;
    if (!this.templated) return (this.shared ??= this.read(state, name));
    const hit = this.perHost.get(state);
    if (hit && hit.version === state.version && hit.gathered === state.factsGathered) return hit.bag;
    const bag = this.read(state, name);
    this.perHost.set(state, { version: state.version, gathered: state.factsGathered, bag });
    return bag;
  }

  private read(state: HostState | undefined, name: VarsFileNamer): VarBag {
    const bag: VarBag = { vars: {}, origins: new Map() };
    for (const entry of this.entries) {
      const file = this.first(entry, state, (n) => name(n, bag));
      if (file === undefined) continue;
      const read = loadVarsFile(file);
      for (const [k, v] of Object.entries(read.vars)) {
        bag.vars[k] = v;
        const o = read.origins.get(k);
        if (o) bag.origins.set(k, o);
      }
    }
    return bag;
  }

  // the entry's first file that exists (a list's, in order); undefined when its name cannot be templated yet
  private first(entry: unknown, state: HostState | undefined, render: (n: unknown) => unknown): string | undefined {
    const tried: string[] = [];
    for (const candidate of Array.isArray(entry) ? entry : [entry]) {
      let n: unknown;
      try {
        n = render(candidate);
      } catch (e) {
        if (!(e instanceof TemplateError && e.undefinedVariable)) throw e;
        // (before its facts are gathered a host may lack the variable: Ansible skips the entry then)
        if (!state?.factsGathered) return undefined;
        throw new UserError(`an undefined variable was found when attempting to template the vars_files item ${pyRepr(entry)}: ${e.message}`, { kind: 'parse', pos: this.pos });
      }
      if (typeof n !== 'string') throw new UserError(`Invalid vars_files entry found: ${pyRepr(n)}: vars_files entries should be either a string type or a list of string types after template expansion`, { kind: 'parse', pos: this.pos });
      for (const path of this.paths(n)) {
        if (existsSync(path)) return path;
        tried.push(path);
      }
    }
    throw new UserError(`vars file ${typeof entry === 'string' ? entry : pyRepr(entry)} was not found`, { kind: 'parse', pos: this.pos, hint: `looked for ${tried.join(', ')}` });
  }

  // where Ansible's loader looks for a vars file: the play's vars/ directory, then the play's (a name that
  // starts with vars/ only there)
  private paths(name: string): string[] {
    if (isAbsolute(name)) return [name];
    return name.split('/')[0] === 'vars' ? [join(this.playDir, name)] : [join(this.playDir, 'vars', name), join(this.playDir, name)];
  }
}
