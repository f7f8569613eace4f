import { describe, expect, it } from 'vitest';
import { shouldRunTags } from '../../engine/playbook/tags.js';

// [task tags, --tags, --skip-tags, runs?] — rules of Ansible's Taggable.evaluate_tags
const table: [string[], string[], string[], boolean][] = [
  [[], ['all'], [], true],
  [['x'], ['all'], [], true],
  [['never'], ['all'], [], false],
  [['never', 'debug'], ['debug'], [], true],
  [['never'], ['never'], [], true],
  [['always'], ['x'], [], true],
  [['always'], ['x'], ['always'], false],
  [['x'], ['y'], [], false],
  [['x', 'y'], ['y'], [], true],
  [[], ['untagged'], [], true],
  [['x'], ['untagged'], [], false],
  [['x'], ['tagged'], [], true],
  [[], ['tagged'], [], false],
  [['never', 'x'], ['tagged'], [], false],
  [['x'], ['all'], ['x'], false],
  [['x'], ['all'], ['all'], false],
  [['always'], ['all'], ['all'], true],
  [['always'], ['all'], ['all', 'always'], false],
  [[], ['all'], ['untagged'], false],
  [['x'], ['all'], ['tagged'], false],
  [[], ['all'], ['tagged'], true],
  [['x'], [], [], true],
  [['never'], [], [], true],
];

describe('tag selection', () => {
  it.each(table)('tags %j with --tags %j --skip-tags %j -> %s', (tags, only, skip, runs) => {
    expect(shouldRunTags(tags, only, skip)).toBe(runs);
  });
});
