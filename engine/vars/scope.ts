// A host's variables, templated lazily when read: `KUBERNETES_VERSION: "{{MAJOR}}.{{MINOR}}"` works
// in group_vars, each value is rendered once per scope, and a reference loop is an error naming it.
import { isMapping } from '../util/mapping.js';
import type { SourcePos } from '../errors.js';
import type { VarBag } from '../inventory/model.js';
import type { Functions, Lookup } from '../template/expr/evaluate.js';
import { lookupFunctions } from '../template/lookups.js';
import { TemplateError, isTemplate, renderFile, renderValue } from '../template/render.js';
import { Undefined, freshCopy, textMade } from '../template/expr/evaluate.js';
import { UnsafeText } from '../yaml/load.js';
import { LockedVault, unlocked } from '../vault/vault.js';
import { PY_TYPE } from '../template/expr/pyops.js';
import type { WhitespaceOptions } from '../template/jinja/lexer.js';

/** Variables visible to templates and conditions for one host at one point of a run. */
export class VarScope {
  private readonly resolved = new Map<string, unknown>();
  private readonly stack: string[] = [];
  private proxyObj: Record<string, unknown> | undefined;

  /**
   * @param bag merged variables (highest precedence already applied) with their origins
   * @param fallbackOrigin where to point errors for variables without a recorded origin
   * @param raw names whose values are returned as they are (magic variables such as hostvars)
   */
  constructor(
    private readonly bag: VarBag,
    private readonly fallbackOrigin: SourcePos = { file: '<vars>' },
    private readonly raw: ReadonlySet<string> = new Set(),
    private readonly parent?: VarScope,
  ) {}

  /** A scope with `vars` on top of this one (loop items, a registered result), still lazy. */
  extend(vars: Record<string, unknown>): VarScope {
    return new VarScope({ vars, origins: new Map() }, this.fallbackOrigin, new Set(Object.keys(vars)), this);
  }

  private own(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.bag.vars, name);
  }

  /** True when the variable is defined (even as null). */
  has(name: string): boolean {
    return this.own(name) || (this.parent?.has(name) ?? false);
  }

  /** Names of all defined variables. */
  names(): string[] {
    return [...new Set([...(this.parent?.names() ?? []), ...Object.keys(this.bag.vars)])];
  }

  /** Every variable as written (untemplated), for Ansible's own lookups, whose templar renders what they read; hostvars and vars (views of all of them) left out. */
  rawVars(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of this.names()) if (name !== 'hostvars' && name !== 'vars') out[name] = this.rawEntry(name)?.value;
    return out;
  }

  /** Where a variable was set, if known. */
  originOf(name: string): SourcePos {
    return this.bag.origins.get(name) ?? this.fallbackOrigin;
  }

  /** The unrendered value of a variable along the chain of scopes, and where it was set. */
  private rawEntry(name: string): { value: unknown; origin: SourcePos; raw: boolean } | undefined {
    if (this.own(name)) return { value: this.bag.vars[name], origin: this.originOf(name), raw: this.raw.has(name) };
    return this.parent?.rawEntry(name);
  }

  /** The variable's value with every template in it rendered; undefined when not defined. */
  get(name: string): unknown {
    if (this.resolved.has(name)) return fresh(this.resolved.get(name));
    if (!this.own(name)) {
      // a template set below (task vars using `item`, say) is rendered here, where the loop
      // variables of this scope are visible, as Ansible templates a variable where it is used
      const entry = this.parent?.rawEntry(name);
      if (!entry || entry.raw || !hasTemplate(entry.value)) return this.parent?.get(name);
      return this.resolve(name, entry.value, entry.origin);
    }
    if (this.raw.has(name)) return this.bag.vars[name];
    return this.resolve(name, this.bag.vars[name], this.originOf(name));
  }

  private resolve(name: string, raw: unknown, origin: SourcePos): unknown {
    const loopAt = this.stack.indexOf(name);
    if (loopAt !== -1) {
      const chain = [...this.stack.slice(loopAt), name].join(' -> ');
      throw new TemplateError(`variable reference loop: ${chain}`, origin, 'one of these variables must not refer back to the others');
    }
    this.stack.push(name);
    try {
      // (a variable that is a !vault value no secret decrypts fails where it is read; inside a list or dict
      // where the item is read)
      const value = unlocked(this.template(raw, origin));
      this.resolved.set(name, value);
      return fresh(value);
    } finally {
      this.stack.pop();
    }
  }

  /** Reads a variable for expressions: its rendered value, undefined when not defined; `vars` is all of them, as Ansible's magic variable. */
  readonly read: Lookup = (name) => {
    if (!this.has(name)) return name === 'vars' ? this.varsView() : undefined;
    try {
      return this.get(name);
    } catch (e) {
      // as Ansible's lazy variables: one whose template names an undefined variable is itself undefined
      // (`x is defined` is false, `x | default(...)` gives the fallback); used, it fails with why
      if (e instanceof TemplateError && e.undefinedVariable) return new Undefined(name, false, e.message, undefined, name, e.hint);
      throw e;
    }
  };

  // `vars` is the host's variables as the task began: loop variables and a result kept for until (the
  // extensions of a scope) are not in it, as Ansible's snapshot of them
  private varsView(): Record<string, unknown> {
    return this.parent ? this.parent.varsView() : this.proxy();
  }

  private fns: Functions | undefined;

  /** The global functions of this scope's templates (range, lookup, query, ...). */
  functions(): Functions {
    return (this.fns ??= lookupFunctions({ read: this.read, renderFile: (text, file, extra, settings) => (extra ? this.extend(extra) : this).renderFile(text, file, undefined, settings), rawVars: () => this.rawVars() }));
  }

  /** Renders templates anywhere inside a value (strings in lists and dicts too). */
  template(value: unknown, origin: SourcePos): unknown {
    if (typeof value === 'string') return isTemplate(value) ? renderValue(value, this.read, this.functions(), origin) : value;
    // (a !vault value no secret decrypts is kept as it is: it fails where it is used, as Ansible decrypts on use)
    if (value instanceof UnsafeText || value instanceof LockedVault) return value;
    if (Array.isArray(value)) return value.map((v) => this.template(v, origin));
    if (isMapping(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[isTemplate(k) ? String(this.template(k, origin)) : k] = this.template(v, origin);
      return out;
    }
    return value;
  }

  /** Renders a Jinja template file (`.j2`) with these variables; `searchDirs`: where its include and extends look; `settings`: the template module's Jinja settings. */
  renderFile(text: string, file: string, searchDirs?: string[], settings?: WhitespaceOptions): string {
    return renderFile(text, this.read, this.functions(), file, searchDirs, settings);
  }

  /** A read-only object view whose properties resolve lazily (what `.hbs` templates render against); `pyType` names it in Jinja's messages (hostvars' per-host view). */
  proxy(pyType?: string, hidden?: ReadonlySet<string>): Record<string, unknown> {
    if (this.proxyObj) return this.proxyObj;
    const target: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    const has = (key: string | symbol): key is string => typeof key === 'string' && !hidden?.has(key) && this.has(key);
    this.proxyObj = new Proxy(target, {
      has: (_t, key) => has(key),
      // toPrimitive lets Handlebars put the object into its "not defined in ..." message
      get: (_t, key) => (typeof key === 'string' ? (hidden?.has(key) ? undefined : this.get(key)) : key === Symbol.toPrimitive ? () => '[variables]' : key === PY_TYPE ? pyType : undefined),
      getOwnPropertyDescriptor: (_t, key) => (has(key) ? { value: this.get(key), writable: false, enumerable: true, configurable: true } : undefined),
      ownKeys: () => (hidden ? this.names().filter((n) => !hidden.has(n)) : this.names()),
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
    });
    return this.proxyObj;
  }

  /** Every variable resolved, as a plain object (for --host style dumps and debugging). */
  toObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const n of this.names()) out[n] = this.get(n);
    return out;
  }
}

// a value read back from a template's text is new at each use, as Ansible templates it again (a template may change it)
const fresh = (v: unknown): unknown => (v !== null && typeof v === 'object' && textMade.has(v) ? freshCopy(v) : v);

/** True when a value holds a template anywhere (strings in lists and dicts too). */
function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return isTemplate(value);
  // (resolved, so that reading it fails)
  if (value instanceof LockedVault) return true;
  if (value instanceof UnsafeText) return false;
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (isMapping(value)) return Object.entries(value).some(([k, v]) => isTemplate(k) || hasTemplate(v));
  return false;
}
