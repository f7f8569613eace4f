// k=v arguments decode their escapes as Ansible's parse_kv does (`msg="a\nb"` is two lines, `\"` a quote,
// `\x41` an A), while command's free-form text stays as written; compared with ansible-playbook, and the
// decoding itself row by row against Python's unicode-escape.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEscapes } from '../../engine/playbook/module-args.js';
import { hasAnsible } from '../support/oracle.js';
import { ENGINES, playMessages } from '../support/play-messages.js';
import { writeTree } from '../support/tree.js';

const SITE = String.raw`- hosts: localhost
  gather_facts: false
  tasks:
    - debug: msg="{{ 'a\nb' }}|{{ 'q\"q' }}|\x41\u00e9|a\\nb|tab\there"
    - debug: msg='{{ "c\nd" }}'
    - copy: content="line1\nline2\n" dest={{ playbook_dir }}/out.txt
    - command: printf "x\ny"
      register: r
    - debug: msg="{{ r.stdout_lines | join(',') }}"
`;

describe('k=v escapes', () => {
  it.each([
    [String.raw`a\nb`, 'a\nb'],
    [String.raw`a\\nb`, 'a\\nb'],
    [String.raw`\"q\'`, `"q'`],
    [String.raw`\x41\u00e9\U0001F600`, 'Aé😀'],
    [String.raw`\a\b\f\r\t\v`, '\x07\b\f\r\t\v'],
    [String.raw`\N{BULLET} \q \x4`, String.raw`\N{BULLET} \q \x4`],
  ])('%s decodes as Python does', (text, decoded) => {
    expect(decodeEscapes(text)).toBe(decoded);
  });

  it('reach the module decoded, as in Ansible; free-form command text stays as written', () => {
    const root = writeTree({ 'site.yaml': SITE });
    const expected = ['a\\nb|q\\"q|Aé|a\\\\nb|tab\\there', 'c\\nd', 'x,y'];
    const kplay = playMessages(ENGINES.kplay, root);
    expect(kplay.msgs, kplay.text).toEqual(expected);
    expect(readFileSync(`${root}/out.txt`, 'utf8')).toBe('line1\nline2\n');
    if (hasAnsible) {
      const again = writeTree({ 'site.yaml': SITE });
      expect(playMessages(ENGINES.ansible, again).msgs).toEqual(expected);
      expect(readFileSync(`${again}/out.txt`, 'utf8')).toBe('line1\nline2\n');
    }
  });
});
