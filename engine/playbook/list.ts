// --list-tasks and --list-tags as ansible-playbook prints them: the tasks that the tag selection
// keeps (the `block` part of blocks; rescue/always and handlers are not listed), with sorted tags.
import type { Play, PlayNode } from './model.js';
import { onlyTagsFor, shouldRunTags } from './tags.js';

/** The display name of a task as --list-tasks shows it (`role : name`, or the action as written). */
export function listedTaskName(node: Extract<PlayNode, { kind: 'task' }>): string {
  if (!node.name) return node.actionWritten;
  // an include_role task is shown by its own name, as Ansible's IncludeRole.get_name does
  return node.role && node.action !== 'include_role' ? `${node.role.name} : ${node.name}` : node.name;
}

function selectedTasks(nodes: PlayNode[], only: readonly string[], skip: readonly string[]): Extract<PlayNode, { kind: 'task' }>[] {
  const out: Extract<PlayNode, { kind: 'task' }>[] = [];
  for (const n of nodes) {
    if (n.kind === 'block') out.push(...selectedTasks(n.block, only, skip));
    else if (shouldRunTags(n.tags, onlyTagsFor(n, only), skip)) out.push(n);
  }
  return out;
}

/** The lines printed for one play under --list-tasks and/or --list-tags. */
export function listPlayTasks(play: Play, opts: { tasks: boolean; tags: boolean; only: readonly string[]; skip: readonly string[] }): string[] {
  const lines: string[] = [];
  if (opts.tasks) lines.push('    tasks:');
  const allTags = new Set<string>();
  for (const section of play.sections) {
    for (const task of selectedTasks(section.nodes, opts.only, opts.skip)) {
      for (const t of task.tags) allTags.add(t);
      if (opts.tasks) lines.push(`      ${listedTaskName(task)}\tTAGS: [${[...new Set([...play.tags, ...task.tags])].sort().join(', ')}]`);
    }
  }
  if (opts.tags) lines.push(`      TASK TAGS: [${[...new Set([...play.tags, ...allTags])].sort().join(', ')}]`);
  return lines;
}
