import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExtraVars } from '../../engine/vars/extra-vars.js';
import { UserError } from '../../engine/errors.js';
import { writeTree } from '../support/tree.js';
import { pyRepr } from '../../engine/util/python-repr.js';

describe('extra vars (-e)', () => {
  it('reads key=value pairs as strings, quotes removed', () => {
    expect(parseExtraVars(['a=1 b="two words" c=[1]'], '/').vars).toEqual({ a: '1', b: 'two words', c: '[1]' });
  });

  it('reads inline YAML/JSON with native types', () => {
    expect(parseExtraVars(['{"a": 1, "b": [true]}', '{c: yes}'], '/').vars).toEqual({ a: 1, b: [true], c: true });
  });

  it('reads @file with positions, later -e replacing earlier keys', () => {
    const root = writeTree({ 'vars.yaml': 'a: 1\nb: 2\n' });
    const bag = parseExtraVars(['@vars.yaml', 'b=3'], root);
    expect(bag.vars).toEqual({ a: 1, b: '3' });
    expect(bag.origins.get('a')).toMatchObject({ file: join(root, 'vars.yaml'), line: 1 });
  });

  it.each(['1.0\n', '- a\n', '!unsafe x\n'])('refuses an @file that holds %j, not a mapping', (text) => {
    const root = writeTree({ 'vars.yaml': text });
    expect(() => parseExtraVars(['@vars.yaml'], root)).toThrow('must hold a mapping of variables');
  });

  it('keeps a whole-number float a float', () => {
    expect(pyRepr(parseExtraVars(['{"ratio": 1.0, "n": 2}'], '/').vars)).toBe("{'ratio': 1.0, 'n': 2}");
  });

  it.each([
    ['./vars.yaml', "prepend extra_vars filename './vars.yaml' with '@'"],
    ['justaword', "got 'justaword'"],
    ['[1, 2]', 'could not be made into a dictionary'],
  ])('rejects %j', (value, message) => {
    expect(() => parseExtraVars([value], '/')).toThrow(UserError);
    expect(() => parseExtraVars([value], '/')).toThrow(message);
  });
});
