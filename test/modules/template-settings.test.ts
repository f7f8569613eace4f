// The template module's Jinja settings: the options as Ansible's template action reads them into its
// environment (row by row), and the settings kplay cannot honour refused before the host is read.
import { describe, expect, it } from 'vitest';
import { templateModule, templateSettings } from '../../engine/modules/template.js';
import type { HostIO } from '../../engine/modules/types.js';

const DELIMS = { variableStart: '[%', variableEnd: '%]', blockStart: '{%', blockEnd: '%}', commentStart: '{#', commentEnd: '#}' };

describe('templateSettings', () => {
  it.each([
    ['none given: trim_blocks on, lstrip_blocks off, Jinja\'s delimiters', {}, { trimBlocks: true, lstripBlocks: false }],
    ['the switches', { trim_blocks: false, lstrip_blocks: true }, { trimBlocks: false, lstripBlocks: true }],
    ['a delimiter pair, the others Jinja\'s', { variable_start_string: '[%', variable_end_string: '%]' }, { trimBlocks: true, lstripBlocks: false, delimiters: DELIMS }],
    ['null is not given', { variable_start_string: null }, { trimBlocks: true, lstripBlocks: false }],
    ['newline_sequence as a line break', { newline_sequence: '\r\n' }, { trimBlocks: true, lstripBlocks: false, newline: '\r\n' }],
    ["newline_sequence written in single quotes ('\\r')", { newline_sequence: '\\r' }, { trimBlocks: true, lstripBlocks: false, newline: '\r' }],
    ['newline_sequence \\n is the default', { newline_sequence: '\n' }, { trimBlocks: true, lstripBlocks: false }],
    ['an empty delimiter cannot be honoured', { block_end_string: '' }, 'block_end_string cannot be empty'],
  ])('%s', (_what, options, settings) => {
    expect(templateSettings(options)).toEqual(settings);
  });
});

describe("template's facts refuse settings before reading the host", () => {
  const untouched: HostIO = {
    run: () => Promise.reject(new Error('the host was read')),
    stat: () => Promise.reject(new Error('the host was read')),
    inspect: () => Promise.reject(new Error('the host was read')),
    read: () => Promise.reject(new Error('the host was read')),
    write: () => Promise.reject(new Error('the host was read')),
  };
  const local = (found: string) => ({ findLocal: () => found, missingLocal: () => '', render: () => '', variable: () => ({ defined: false, value: undefined }), condition: () => true, local: false });

  it.each([
    ['Jinja settings for a Handlebars template', 'motd.hbs', { src: 'motd.hbs', dest: '/etc/motd', trim_blocks: false, comment_start_string: '<#' }, "trim_blocks, comment_start_string: Jinja's settings, and motd.hbs is a Handlebars template"],
    ['an empty delimiter', '/srv/t/a.j2', { src: 'a.j2', dest: '/etc/a', variable_end_string: '' }, 'variable_end_string cannot be empty'],
  ])('%s', async (_what, found, options, why) => {
    const f = (await templateModule.facts(options, untouched, local(found) as never, { check: false })) as { refused?: string };
    expect(f.refused).toBe(why);
    expect(templateModule.plan(options, f, { check: false }).result).toEqual({ changed: false, failed: true, msg: why });
  });
});
