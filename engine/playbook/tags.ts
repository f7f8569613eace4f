// Tag selection exactly as Ansible's Taggable.evaluate_tags: `always`, `never`, `all`, `tagged`,
// `untagged`; --skip-tags is applied after --tags and wins.

import { isBareInclude } from './bare-include.js';

const UNTAGGED = 'untagged';

/** Whether an item with these (inherited) tags runs for the given --tags and --skip-tags. */
export function shouldRunTags(itemTags: Iterable<string>, onlyTags: readonly string[], skipTags: readonly string[]): boolean {
  const own = new Set(itemTags);
  const tags = own.size ? own : new Set([UNTAGGED]);
  const untagged = !own.size;
  const meets = (wanted: readonly string[]): boolean => wanted.some((t) => tags.has(t));
  let run = true;
  if (onlyTags.length) {
    if (tags.has('always')) run = true;
    else if (onlyTags.includes('all') && !tags.has('never')) run = true;
    else if (meets(onlyTags)) run = true;
    else run = onlyTags.includes('tagged') && !untagged && !tags.has('never');
  }
  if (run && skipTags.length) {
    if (skipTags.includes('all')) {
      if (!tags.has('always') || skipTags.includes('always')) run = false;
    } else if (meets(skipTags)) run = false;
    else if (skipTags.includes('tagged') && !untagged) run = false;
  }
  return run;
}

/** The --tags a task is selected by: a dynamic bare include runs whatever they are (only --skip-tags stops it), as in Ansible's Block.filter_tagged_tasks. */
export function onlyTagsFor(task: { actionWritten: string }, onlyTags: readonly string[]): readonly string[] {
  return isBareInclude(task.actionWritten) ? [] : onlyTags;
}
