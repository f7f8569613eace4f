// Runs a parsed Jinja template: text as it is, outputs as Python's str() of the value (None as ''
// as Ansible's finalize does, an undefined variable an error), if/for/set with Jinja's scoping (a
// loop body's `set` stays in the loop; a namespace carries values out of it), blocks, include and extends.
import { pyStr } from '../../util/python-repr.js';
import { truthy } from '../truthy.js';
import { namespaces } from '../expr/filters.js';
import { iterable, plain } from '../expr/pyops.js';
import { Callable, Evaluator, ExprError, Undefined, UndefinedError, type Functions, type Lookup } from '../expr/evaluate.js';
import type { Expr } from '../expr/parser.js';
import type { At, Node, Target } from './parse.js';

/** A runtime error inside a template, at the line and column of the tag (`file`: an included or extended template's; '' or none: the one rendered). */
export class TemplateRuntimeError extends Error {
  constructor(
    message: string,
    readonly at: At,
    readonly exprCol: number | undefined,
    readonly hint?: string,
    readonly file?: string,
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

/** Python's str() of an output value with Ansible's finalize (None prints as ''). */
export function outputText(v: unknown): string {
  return v === null ? '' : pyStr(v);
}

class Frames {
  private readonly stack: Map<string, unknown>[] = [new Map()];
  constructor(
    private readonly base: Lookup,
    readonly fns: Functions,
    readonly state: TemplateState,
  ) {}
  readonly lookup: Lookup = (name) => {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i]!;
      if (f.has(name)) return f.get(name);
    }
    return this.base(name);
  };
  set(name: string, v: unknown): void {
    this.stack[this.stack.length - 1]!.set(name, v);
  }
  push(): void {
    this.stack.push(new Map());
  }
  pop(): void {
    this.stack.pop();
  }
  /** What a block sees (Jinja renders one as a function of the template's context): the template's top-level names and the variables, not the loops' or other blocks' names around it. */
  root(): Frames {
    const top = this.stack[0]!;
    return new Frames((name) => (top.has(name) ? top.get(name) : this.base(name)), this.fns, this.state);
  }
}

/**
 * Renders nodes against variables; `fns` are the global functions (range, lookup, ...), `loader` finds the
 * templates include and extends name. `chains`: the blocks of the templates extending this one.
 */
export function renderTree(nodes: Node[], base: Lookup, fns: Functions, loader?: TemplateLoader, chains = new Map<string, Definition[]>(), file = ''): string {
  const merged = new Map(chains);
  for (const [name, n] of blocksOf(nodes)) merged.set(name, [...(chains.get(name) ?? []), { n, file }]);
  const state: TemplateState = { loader, chains: merged, parent: undefined };
  const frames = new Frames(base, fns, state);
  const ev = new Evaluator(frames.lookup, fns);
  // self.NAME() renders a block again, as Jinja's TemplateReference does
  if (merged.size) frames.set('self', Object.fromEntries([...merged.keys()].map((name) => [name, new Callable(() => renderBlock(name, frames, ev, false))])));
  const out = new Sink();
  run(nodes, frames, ev, out);
  if (!state.parent) return out.text();
  // the template it extends, in the same context (its top-level names), with the blocks defined here first
  const parent = state.parent;
  return out.text() + inTemplate(parent.file, () => renderTree(parent.tree, frames.root().lookup, fns, loader, merged, parent.file));
}

// runs a render of another template; its errors name that template's file
function inTemplate<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TemplateRuntimeError && e.file === undefined) throw new TemplateRuntimeError(e.message, e.at, e.exprCol, e.hint, file);
    throw e;
  }
}

function value(ev: Evaluator, e: Expr, at: At): unknown {
  try {
    return ev.value(e);
  } catch (err) {
    if (err instanceof ExprError) throw new TemplateRuntimeError(err.message, at, err.col, err instanceof UndefinedError ? err.hint : undefined);
    throw err;
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
  if (t.attr === undefined) return frames.set(t.name, v);
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
    if (out.muted && (n.k === 'text' || n.k === 'out' || n.k === 'block' || n.k === 'include')) continue;
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
        assign(frames, n.target, inner.text(), n.at);
        break;
      }
      case 'macro':
        frames.set(n.name, macro(n, frames, ev));
        break;
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

// {% include %}: the first template of the names found, rendered with the names in scope here (with context,
// Jinja's default) or with none (without context: only the functions); nothing when none is found and missing ones are ignored
function include(n: Extract<Node, { k: 'include' }>, frames: Frames): string {
  const ev = new Evaluator(frames.lookup, frames.fns);
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
    else if (n.k === 'block' || n.k === 'macro' || n.k === 'setblock') blocksOf(n.body, into);
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
      run(n.body, own, scoped ? ev : new Evaluator(own.lookup, own.fns), inner);
    } finally {
      own.pop();
    }
    return inner.text();
  });
}

// A macro renders its body with its arguments on top of the variables it can see; it returns the text.
function macro(n: Extract<Node, { k: 'macro' }>, frames: Frames, ev: Evaluator): Callable {
  return new Callable((args, kwargs, col) => {
    if (args.length > n.params.length) throw new ExprError(`macro '${n.name}' takes not more than ${n.params.length} argument(s)`, col);
    frames.push();
    try {
      n.params.forEach((p, i) => {
        if (i < args.length) frames.set(p.name, args[i]);
        else if (Object.prototype.hasOwnProperty.call(kwargs, p.name)) frames.set(p.name, kwargs[p.name]);
        else if (p.dflt) frames.set(p.name, value(ev, p.dflt, n.at));
        else frames.set(p.name, new Undefined(p.name));
      });
      for (const k of Object.keys(kwargs)) if (!n.params.some((p) => p.name === k)) throw new ExprError(`macro '${n.name}' takes no keyword argument '${k}'`, col);
      const inner = new Sink();
      run(n.body, frames, ev, inner);
      return inner.text();
    } finally {
      frames.pop();
    }
  });
}

function runFor(n: Extract<Node, { k: 'for' }>, frames: Frames, ev: Evaluator, out: Sink): void {
  const all = items(value(ev, n.iter, n.at), n.at);
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
  for (; ensure(index + 1); index++) {
    const item = kept[index];
    const at = index;
    frames.push();
    try {
      unpack(n.targets, item, n.at).forEach((v, i) => frames.set(n.targets[i]!, v));
      const length = (): number => (ensure(Infinity), kept.length);
      const loop: Record<string, unknown> = { index: at + 1, index0: at, first: at === 0, depth: 1, depth0: 0 };
      if (at > 0) loop.previtem = kept[at - 1];
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
