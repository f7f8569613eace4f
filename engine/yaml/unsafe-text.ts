// The `!unsafe` string on its own, without the YAML library: the reporters and Python's repr recognise it,
// and loading them (every command, `--version` too) must not load the YAML parser.

/** A string marked `!unsafe`: never templated, printed as its text. */
export class UnsafeText {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
  toString(): string {
    return this.text;
  }
}
