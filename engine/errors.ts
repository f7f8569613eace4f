// Typed errors for mistakes the user made (bad inventory, vars file, flag, template).
// They carry a source location and a hint and are printed as one line, never as a stack trace.

/** A position in a user's file; line and column are 1-based. */
export interface SourcePos {
  file: string;
  line?: number;
  col?: number;
}

/** Exit codes as ansible-playbook uses them, so wrappers and CI scripts keep working. */
export const ExitCode = {
  ok: 0,
  error: 1,
  hostFailed: 2,
  badArgs: 2,
  unreachable: 4,
  parseError: 4,
  badOptions: 5,
  interrupted: 99,
  unexpected: 250,
} as const;

/** The kinds of user error; each maps to a fixed exit code. */
export type UserErrorKind = 'parse' | 'options' | 'usage' | 'error';

const kindExit: Record<UserErrorKind, number> = {
  parse: ExitCode.parseError,
  options: ExitCode.badOptions,
  usage: ExitCode.badArgs,
  error: ExitCode.error,
};

/** An error caused by the user's input: reported as `file:line:col: message` plus a hint. */
export class UserError extends Error {
  readonly kind: UserErrorKind;
  readonly pos: SourcePos | undefined;
  readonly hint: string | undefined;

  constructor(message: string, opts: { kind?: UserErrorKind; pos?: SourcePos; hint?: string } = {}) {
    super(message);
    this.name = 'UserError';
    this.kind = opts.kind ?? 'error';
    this.pos = opts.pos;
    this.hint = opts.hint;
  }

  /** The exit code the CLI should end with for this error. */
  get exitCode(): number {
    return kindExit[this.kind];
  }

  /** The single line (plus optional hint line) shown to the user. */
  format(): string {
    const where = this.pos ? `${formatPos(this.pos)}: ` : '';
    const hint = this.hint ? `\n  hint: ${this.hint}` : '';
    return `ERROR! ${where}${this.message}${hint}`;
  }
}

/** A parse error in an inventory, vars file, playbook or template (exit code 4). */
export class ParseError extends UserError {
  constructor(message: string, pos: SourcePos | undefined, hint?: string) {
    super(message, { kind: 'parse', ...(pos ? { pos } : {}), ...(hint ? { hint } : {}) });
    this.name = 'ParseError';
  }
}

/** Renders a position as `file:line:col`, leaving out what is unknown. */
export function formatPos(pos: SourcePos): string {
  let s = pos.file;
  if (pos.line !== undefined) {
    s += `:${pos.line}`;
    if (pos.col !== undefined) s += `:${pos.col}`;
  }
  return s;
}
