// A host pattern read from an inventory file: expanded as Ansible expands it, a bad one an error at its
// place in the file (shared by the INI, YAML and TOML readers).
import { ParseError, type SourcePos } from '../errors.js';
import { AddressError, expandHostPattern } from './address.js';

/** expandHostPattern for a pattern written at `at`: a bad range or address is a ParseError there, with how ranges look. */
export function expandHostPatternAt(pattern: string, at: SourcePos): { hosts: string[]; port: number | undefined } {
  try {
    return expandHostPattern(pattern);
  } catch (e) {
    if (e instanceof AddressError) throw new ParseError(e.message, at, 'ranges look like web[01:20] or db-[a:f], with an optional :step');
    throw e;
  }
}
