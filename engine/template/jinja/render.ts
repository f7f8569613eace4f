// Runs a parsed Jinja template: text as it is, outputs as Python's str() of the value (None as ''
// as Ansible's finalize does, an undefined variable an error), if/for (recursive too)/set with Jinja's scoping (a
// loop body's `set` stays in the loop; a namespace carries values out of it), macros with call blocks,
// filter and with blocks, blocks, include, import and extends.
import { pyRepr, pyStr } from '../../util/python-repr.js';
import { truthy } from '../truthy.js';
import { namespaces } from '../expr/filters.js';
import { iterable, plain, pyEq } from '../expr/pyops.js';
import { PyTuple } from '../../inventory/python-literal.js';
import { CALL, Callable, Evaluator, ExprError, Undefined, UndefinedError, type Functions, type Lookup, type Rebind } from '../expr/evaluate.js';
import type { Expr } from '../expr/parser.js';
import { CALL_BLOCK, FILTERED_BODY, type At, type Catches, type Node, type Param, type Target } from './parse.js';

/** A runtime error inside a template, at the line and column of the tag (`file`: an included or extended template's; '' or none: the one rendered). */
export class TemplateRuntimeError extends Error {
  constructor(
    message: string,
    readonly at: At,
    readonly exprCol: number | undefined,
    readonly hint?: string,
    readonly file?: string,
    /** An undefined value is why (Jinja's UndefinedError). */
    readonly undefinedVariable = false,
  ) {
    super(message);
  }
}

/** Another template by name, for include and extends: its parsed tree and file, undefined when no search path has it (a syntax error in it is thrown). */
export type TemplateLoader = (name: string) => { tree: Node[]; file: string } | undefined;

type BlockNode = Extract<Node, { k: 'block' }>;

// what one template's rendering shares: the loader, each block's definitions (an extending template's
// first), and the template an extends named
interface TemplateState {
  loader: TemplateLoader | undefined;
  chains: Map<string, Definition[]>;
  parent: { tree: Node[]; file: string } | undefined;
}

// a block's definition and the file it is in ('' for the template being rendered)
type Definition = { n: BlockNode; file: string };

// where output goes; muted after an extends (the child's own text is not output, its blocks are)
class Sink {
  readonly parts: string[] = [];
  muted = false;
  push(s: string): void {
    if (!this.muted) this.parts.push(s);
  }
  text(): string {
    return this.parts.join('');
  }
}

/** An imported template (Jinja's TemplateModule): its exported macros and top-level names as attributes; it prints as its text. */
export class TemplateModule {
  constructor(
    exports: Map<string, unknown>,
    readonly text: string,
  ) {
    Object.defineProperty(this, 'text', { enumerable: false });
    for (const [name, v] of exports) (this as unknown as Record<string, unknown>)[name] = v;
  }
}

/** Python's str() of an output value with Ansible's finalize (None prints as ''). */
export function outputText(v: unknown): string {
  if (v instanceof TemplateModule) return v.text;
  return v === null ? '' : pyStr(v);
}

class Frames {
  private readonly stack: Map<string, unknown>[] = [new Map()];
  // the names a top-level set or macro defined: what an import of the template sees
  readonly exported = new Set<string>();
  constructor(
    private readonly base: Lookup,
    readonly fns: Functions,
    readonly state: TemplateState,
    // the variables this render changes, each a copy (Evaluator's Rebind), under the template's own names
    private readonly copies = new Map<string, unknown>(),
    // the template's top-level names, for a block's frames (root()), which see them below their own
    private readonly shadowed: Map<string, unknown>[] = [],
  ) {}
  readonly lookup: Lookup = (name) => {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i]!;
      if (f.has(name)) return f.get(name);
    }
    return this.copies.has(name) ? this.copies.get(name) : this.base(name);
  };
  /** Makes a variable's name hold a copy for the rest of the render; not a name the template set itself. */
  readonly rebind: Rebind = (name, v) => {
    if (this.stack.some((f) => f.has(name)) || this.shadowed.some((f) => f.has(name))) return false;
    this.copies.set(name, v);
    return true;
  };
  set(name: string, v: unknown): void {
    this.stack[this.stack.length - 1]!.set(name, v);
    // a top-level name the template sets now hides the copy of a variable by that name everywhere
    if (this.stack.length === 1) this.copies.delete(name);
  }
  /** Sets a name a set or macro defines; at the top level, an import of the template sees it (not one starting with '_'). */
  define(name: string, v: unknown): void {
    this.set(name, v);
    if (this.stack.length === 1 && !name.startsWith('_')) this.exported.add(name);
  }
  /** The exported names and their values now. */
  exports(): Map<string, unknown> {
    return new Map([...this.exported].map((name) => [name, this.stack[0]!.get(name)]));
  }
  push(): void {
    this.stack.push(new Map());
  }
  pop(): void {
    this.stack.pop();
  }
  /** The scopes visible here, as a macro's closure keeps them: later names in them are seen, scopes opened later (the caller's loop, a macro's parameters) are not. */
  closure(): Frames {
    const f = new Frames(this.base, this.fns, this.state, this.copies, this.shadowed);
    f.stack.splice(0, 1, ...this.stack);
    return f;
  }
  /** What a block sees (Jinja renders one as a function of the template's context): the template's top-level names and the variables, not the loops' or other blocks' names around it. */
  root(): Frames {
    const top = this.stack[0]!;
    return new Frames((name) => (top.has(name) ? top.get(name) : this.base(name)), this.fns, this.state, this.copies, [top, ...this.shadowed]);
  }
}

/**
 * Renders nodes against variables; `fns` are the global functions (range, lookup, ...), `loader` finds the
 * templates include and extends name. `chains`: the blocks of the templates extending this one.
 */
export function renderTree(nodes: Node[], base: Lookup, fns: Functions, loader?: TemplateLoader, chains = new Map<string, Definition[]>(), file = ''): string {
  return renderModule(nodes, base, fns, loader, chains, file).text;
}

// a template's text and the names it exports (from the extending template when it extends one)
function renderModule(nodes: Node[], base: Lookup, fns: Functions, loader: TemplateLoader | undefined, chains: Map<string, Definition[]>, file: string): { text: string; exports: Map<string, unknown> } {
  const merged = new Map(chains);
  for (const [name, n] of blocksOf(nodes)) merged.set(name, [...(chains.get(name) ?? []), { n, file }]);
  const state: TemplateState = { loader, chains: merged, parent: undefined };
  const frames = new Frames(base, fns, state);
  const ev = new Evaluator(frames.lookup, fns, frames.rebind);
  // self.NAME() renders a block again, as Jinja's TemplateReference does
  if (merged.size) frames.set('self', Object.fromEntries([...merged.keys()].map((name) => [name, new Callable(() => renderBlock(name, frames, ev, false))])));
  const out = new Sink();
  run(nodes, frames, ev, out);
  if (!state.parent) return { text: out.text(), exports: frames.exports() };
  // the template it extends, in the same context (its top-level names), with the blocks defined here first
  const parent = state.parent;
  return { text: out.text() + inTemplate(parent.file, () => renderTree(parent.tree, frames.root().lookup, fns, loader, merged, parent.file)), exports: frames.exports() };
}

// runs a render of another template; its errors name that template's file
function inTemplate<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TemplateRuntimeError && e.file === undefined) throw new TemplateRuntimeError(e.message, e.at, e.exprCol, e.hint, file, e.undefinedVariable);
    throw e;
  }
}

// an expression's value, its errors with the template's place; `loop`: what a for loop iterates (Evaluator.iterated)
function value(ev: Evaluator, e: Expr, at: At, loop = false): unknown {
  try {
    return loop ? ev.iterated(e) : ev.value(e);
  } catch (err) {
    if (err instanceof UndefinedError) throw new TemplateRuntimeError(err.message, at, err.col, err.hint, undefined, true);
    if (err instanceof ExprError) throw new TemplateRuntimeError(err.message, at, err.col);
    throw err;
  }
}

// a block's text through a filter chain ({% filter %}, {% set x | f %}), the text named FILTERED_BODY in it
function filtered(frames: Frames, ev: Evaluator, chain: Expr, text: string, at: At): unknown {
  frames.push();
  try {
    frames.set(FILTERED_BODY, text);
    return value(ev, chain, at);
  } finally {
    frames.pop();
  }
}

function truth(ev: Evaluator, e: Expr, at: At): boolean {
  return truthy(value(ev, e, at));
}

function items(v: unknown, at: At): unknown[] {
  try {
    return iterable(plain(v), 1);
  } catch (e) {
    if (e instanceof ExprError) throw new TemplateRuntimeError(e.message, at, undefined);
    throw e;
  }
}

function assign(frames: Frames, t: Target, v: unknown, at: At): void {
  if (t.attr === undefined) return frames.define(t.name, v);
  const ns = frames.lookup(t.name);
  if (!ns || typeof ns !== 'object' || !namespaces.has(ns)) throw new TemplateRuntimeError(`cannot assign attribute on non-namespace object '${t.name}'`, at, undefined);
  (ns as Record<string, unknown>)[t.attr] = v;
}

function unpack(names: string[], item: unknown, at: At): unknown[] {
  if (names.length === 1) return [item];
  const seq = Array.isArray(item) ? item : typeof item === 'string' ? [...item] : undefined;
  if (!seq) throw new TemplateRuntimeError(`cannot unpack a non-sequence into ${names.join(', ')}`, at, undefined);
  if (seq.length !== names.length) throw new TemplateRuntimeError(`${seq.length > names.length ? 'too many' : 'not enough'} values to unpack (expected ${names.length}, got ${seq.length})`, at, undefined);
  return seq;
}

function run(nodes: Node[], frames: Frames, ev: Evaluator, out: Sink): void {
  for (const n of nodes) {
    // after an extends, what would be output is not even evaluated (Jinja guards it), statements still run
    if (out.muted && (n.k === 'text' || n.k === 'out' || n.k === 'block' || n.k === 'include' || n.k === 'call' || n.k === 'filterblock')) continue;
    switch (n.k) {
      case 'text':
        out.push(n.text);
        break;
      case 'out':
        // the evaluator refuses an undefined value and gives '' for Jinja's lenient one
        out.push(outputText(value(ev, n.expr, n.at)));
        break;
      case 'if': {
        const branch = n.branches.find((b) => truth(ev, b.cond, b.at));
        if (branch) run(branch.body, frames, ev, out);
        else if (n.otherwise) run(n.otherwise, frames, ev, out);
        break;
      }
      case 'for':
        runFor(n, frames, ev, out);
        break;
      case 'set': {
        const v = value(ev, n.expr, n.at);
        if (n.targets.length === 1) assign(frames, n.targets[0]!, v, n.at);
        else {
          const vals = unpack(n.targets.map((t) => t.name), v, n.at);
          n.targets.forEach((t, i) => assign(frames, t, vals[i], n.at));
        }
        break;
      }
      case 'setblock': {
        const inner = new Sink();
        run(n.body, frames, ev, inner);
        assign(frames, n.target, n.filter ? filtered(frames, ev, n.filter, inner.text(), n.at) : inner.text(), n.at);
        break;
      }
      case 'macro':
        frames.define(n.name, macro(n, frames));
        break;
      case 'call': {
        // the macro called takes the body as its caller (a macro of the call block's parameters)
        frames.push();
        try {
          frames.set(CALL_BLOCK, macro({ name: 'caller', params: n.params, body: n.body, at: n.at, catches: n.catches }, frames));
          out.push(outputText(value(ev, n.call, n.at)));
        } finally {
          frames.pop();
        }
        break;
      }
      case 'filterblock': {
        const inner = new Sink();
        run(n.body, frames, ev, inner);
        out.push(outputText(filtered(frames, ev, n.filter, inner.text(), n.at)));
        break;
      }
      case 'with': {
        // the values are computed outside the block, then named inside it
        const vals = n.values.map((e) => value(ev, e, n.at));
        frames.push();
        try {
          n.targets.forEach((t, i) => frames.set(t, vals[i]));
          run(n.body, frames, ev, out);
        } finally {
          frames.pop();
        }
        break;
      }
      case 'import':
        frames.set(n.as, importModule(n.name, n.withContext, n.at, frames, ev));
        break;
      case 'fromimport': {
        const module = importModule(n.name, n.withContext, n.at, frames, ev) as unknown as Record<string, unknown>;
        for (const { name, as } of n.names) {
          if (Object.prototype.hasOwnProperty.call(module, name)) frames.set(as, module[name]);
          else frames.set(as, new Undefined(as, false, `the template ${pyRepr(outputText(value(ev, n.name, n.at)))} (imported on line ${n.at.line}) does not export the requested name ${pyRepr(name)}`));
        }
        break;
      }
      case 'block':
        out.push(renderBlock(n.name, frames, ev, n.scoped));
        break;
      case 'include':
        out.push(include(n, frames));
        break;
      case 'extends': {
        if (frames.state.parent) throw new TemplateRuntimeError('extended multiple times', n.at, undefined);
        frames.state.parent = load(frames, value(ev, n.name, n.at), n.at);
        out.muted = true;
        break;
      }
    }
  }
}

// a template by name through the loader (undefined when none has it)
const find = (frames: Frames, name: unknown): { tree: Node[]; file: string } | undefined => (typeof name === 'string' ? frames.state.loader?.(name) : undefined);

// a template by name through the loader, or Jinja's TemplateNotFound
function load(frames: Frames, name: unknown, at: At): { tree: Node[]; file: string } {
  const found = find(frames, name);
  if (!found) throw new TemplateRuntimeError(`TemplateNotFound: ${outputText(name)}`, at, undefined, frames.state.loader ? undefined : 'include and extends find templates only in a template file');
  return found;
}

// {% import %}: the template rendered as a module, with the names in scope here (with context) or with none (Jinja's default)
function importModule(nameExpr: Expr, withContext: boolean, at: At, frames: Frames, ev: Evaluator): TemplateModule {
  const found = load(frames, value(ev, nameExpr, at), at);
  const { text, exports } = inTemplate(found.file, () => renderModule(found.tree, withContext ? frames.lookup : () => undefined, frames.fns, frames.state.loader, new Map(), found.file));
  return new TemplateModule(exports, text);
}

// {% include %}: the first template of the names found, rendered with the names in scope here (with context,
// Jinja's default) or with none (without context: only the functions); nothing when none is found and missing ones are ignored
function include(n: Extract<Node, { k: 'include' }>, frames: Frames): string {
  const ev = new Evaluator(frames.lookup, frames.fns, frames.rebind);
  const given = value(ev, n.names, n.at);
  const names = Array.isArray(given) ? given : [given];
  for (const name of names) {
    const found = find(frames, name);
    if (found) return inTemplate(found.file, () => renderTree(found.tree, n.withContext ? frames.lookup : () => undefined, frames.fns, frames.state.loader, undefined, found.file));
  }
  if (n.ignoreMissing) return '';
  if (names.length === 1) load(frames, names[0], n.at);
  throw new TemplateRuntimeError(`TemplatesNotFound: Tried to select from templates: ${names.map(outputText).join(', ')}`, n.at, undefined);
}

// the blocks of a template by name, nested ones included
function blocksOf(nodes: Node[], into = new Map<string, BlockNode>()): Map<string, BlockNode> {
  for (const n of nodes) {
    if (n.k === 'block') into.set(n.name, n);
    if (n.k === 'if') for (const b of [...n.branches.map((x) => x.body), n.otherwise ?? []]) blocksOf(b, into);
    else if (n.k === 'for') for (const b of [n.body, n.otherwise ?? []]) blocksOf(b, into);
    else if (n.k === 'block' || n.k === 'macro' || n.k === 'setblock' || n.k === 'call' || n.k === 'filterblock' || n.k === 'with') blocksOf(n.body, into);
  }
  return into;
}

// A block renders where it stands, as the first of its definitions (an extending template's) with super()
// the next; with its own names, a scoped block (at the place it is rendered) also sees the loops and names
// around it, another only the template's top level (Jinja's block functions)
function renderBlock(name: string, frames: Frames, ev: Evaluator, scoped: boolean, depth = 0): string {
  const chain = frames.state.chains.get(name) ?? [];
  const { n, file } = chain[depth] as Definition;
  // (an error in it names the file the definition is in)
  return inTemplate(file, () => {
    if (n.required) throw new TemplateRuntimeError(`Required block '${n.name}' not found`, n.at, undefined);
    const own = scoped ? frames : frames.root();
    const inner = new Sink();
    own.push();
    try {
      own.set(
        'super',
        new Callable((_args, _kw, col) => {
          if (depth + 1 >= chain.length) throw new ExprError(`there is no parent block called '${name}'.`, col);
          return renderBlock(name, frames, ev, scoped, depth + 1);
        }),
      );
      run(n.body, own, scoped ? ev : new Evaluator(own.lookup, own.fns, own.rebind), inner);
    } finally {
      own.pop();
    }
    return inner.text();
  });
}

type MacroDef = { name: string; params: Param[]; body: Node[]; at: At; catches: Catches };

// A macro renders its body with its arguments on top of the variables it can see; it returns the text.
// Its call binds arguments as Jinja's Macro does: positional ones, then keywords; `caller`, `kwargs` and
// `varargs` take the rest when its body refers to them, else a keyword or an argument too many is an error.
function macro(n: MacroDef, at: Frames): Callable {
  // it sees the names where it is defined, not those where it is called (a call block's caller: where the call is)
  const frames = at.closure();
  const ev = new Evaluator(frames.lookup, frames.fns, frames.rebind);
  return new Callable((args, given, col) => {
    const kwargs = { ...given };
    frames.push();
    try {
      n.params.forEach((p, i) => {
        if (i < args.length) frames.set(p.name, args[i]);
        else if (Object.prototype.hasOwnProperty.call(kwargs, p.name)) {
          frames.set(p.name, kwargs[p.name]);
          delete kwargs[p.name];
        } else if (p.dflt) frames.set(p.name, value(ev, p.dflt, n.at));
        else frames.set(p.name, new Undefined(p.name));
      });
      if (n.catches.caller && !n.params.some((p) => p.name === 'caller')) {
        frames.set('caller', Object.prototype.hasOwnProperty.call(kwargs, 'caller') ? kwargs.caller : new Undefined('caller', false, 'No caller defined'));
        delete kwargs.caller;
      }
      const extra = Object.keys(kwargs);
      if (n.catches.kwargs) frames.set('kwargs', kwargs);
      else if (extra.includes('caller')) throw new ExprError(`macro '${n.name}' was invoked with two values for the special caller argument. This is most likely a bug.`, col);
      else if (extra.length) throw new ExprError(`macro '${n.name}' takes no keyword argument '${extra[0]}'`, col);
      if (n.catches.varargs) frames.set('varargs', PyTuple.from(args.slice(n.params.length)));
      else if (args.length > n.params.length) throw new ExprError(`macro '${n.name}' takes not more than ${n.params.length} argument(s)`, col);
      const inner = new Sink();
      run(n.body, frames, ev, inner);
      return inner.text();
    } finally {
      frames.pop();
    }
  }, `<Macro '${n.name}'>`);
}

type ForNode = Extract<Node, { k: 'for' }>;

function runFor(n: ForNode, frames: Frames, ev: Evaluator, out: Sink): void {
  // a recursive loop's loop(x) renders the body over x with the names where the loop stands, not those of the item it is called from
  iterate(n, items(value(ev, n.iter, n.at, true), n.at), frames, ev, out, 0, n.recursive ? frames.closure() : undefined);
}

// renders a loop's body for each item (its else when none passes its filter); `depth0`: how deep a recursive loop is
function iterate(n: ForNode, all: unknown[], frames: Frames, ev: Evaluator, out: Sink, depth0: number, home: Frames | undefined): void {
  // as in Jinja, a loop filter is evaluated item by item as the loop reaches it (the body may change
  // what it tests, e.g. a namespace), and ahead only when loop.last, loop.nextitem or loop.length ask
  const passes = (item: unknown): boolean => {
    if (!n.cond) return true;
    frames.push();
    try {
      unpack(n.targets, item, n.at).forEach((v, i) => frames.set(n.targets[i]!, v));
      return truth(ev, n.cond as Expr, n.at);
    } finally {
      frames.pop();
    }
  };
  const kept: unknown[] = [];
  let next = 0; // the first item of `all` not yet tested
  const ensure = (count: number): boolean => {
    while (kept.length < count && next < all.length) {
      const item = all[next++];
      if (passes(item)) kept.push(item);
    }
    return kept.length >= count;
  };
  let index = 0;
  // loop.changed(...)'s last value (none at first)
  let lastChanged: unknown[] | undefined;
  const changed = (args: unknown[]): boolean => {
    if (lastChanged !== undefined && pyEq(lastChanged, args)) return false;
    lastChanged = args;
    return true;
  };
  for (; ensure(index + 1); index++) {
    const item = kept[index];
    const at = index;
    frames.push();
    try {
      unpack(n.targets, item, n.at).forEach((v, i) => frames.set(n.targets[i]!, v));
      const length = (): number => (ensure(Infinity), kept.length);
      const loop: Record<string, unknown> = { index: at + 1, index0: at, first: at === 0, depth: depth0 + 1, depth0 };
      if (at > 0) loop.previtem = kept[at - 1];
      // (printed as Jinja's LoopContext and its bound methods are)
      const shown = (): string => `<LoopContext ${at + 1}/${length()}>`;
      loop.cycle = new Callable(
        (args, _kw, col) => {
          if (!args.length) throw new ExprError('no items for cycling given', col);
          return args[at % args.length];
        },
        () => `<bound method LoopContext.cycle of ${shown()}>`,
      );
      loop.changed = new Callable(changed, () => `<bound method LoopContext.changed of ${shown()}>`);
      Object.defineProperty(loop, 'pyRepr', { enumerable: false, value: shown });
      Object.defineProperty(loop, CALL, { enumerable: false, value: recurse(n, home, depth0 + 1) });
      Object.defineProperties(loop, {
        last: { enumerable: true, get: () => !ensure(at + 2) },
        nextitem: { enumerable: true, get: () => (ensure(at + 2) ? kept[at + 1] : new Undefined('loop.nextitem')) },
        length: { enumerable: true, get: length },
        revindex: { enumerable: true, get: () => length() - at },
        revindex0: { enumerable: true, get: () => length() - at - 1 },
      });
      frames.set('loop', loop);
      run(n.body, frames, ev, out);
    } finally {
      frames.pop();
    }
  }
  if (index === 0 && n.otherwise) run(n.otherwise, frames, ev, out);
}

// loop(x): the body rendered over x one level deeper, as text (Jinja's LoopContext.__call__)
function recurse(n: ForNode, home: Frames | undefined, depth0: number): Callable {
  return new Callable((args, kw, col) => {
    if (!home) throw new ExprError("The loop must have the 'recursive' marker to be called recursively.", col);
    if (args.length + Object.keys(kw).length !== 1 || Object.keys(kw).some((k) => k !== 'iterable')) throw new ExprError(`loop() takes 1 argument (${args.length + Object.keys(kw).length} given)`, col);
    const frames = home.closure();
    const inner = new Sink();
    iterate(n, items(args[0] ?? kw.iterable, n.at), frames, new Evaluator(frames.lookup, frames.fns, frames.rebind), inner, depth0, home);
    return inner.text();
  });
}
