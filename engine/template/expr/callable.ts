// A value an expression can call, in a module of its own so that what makes one (a template's macro, a
// Python object's method) needs nothing of the evaluator at load time.
import type { Fn } from './evaluate.js';

/** A value an expression can call (a template's macro); printed as Python prints it (`<Macro 'x'>`), never as code. */
export class Callable {
  constructor(
    readonly invoke: Fn,
    private readonly shown: string | (() => string) = '<function>',
  ) {}
  /** Python's repr of it (python-repr's hook). */
  pyRepr(): string {
    return typeof this.shown === 'string' ? this.shown : this.shown();
  }
}
