// --syntax-check, --list-hosts, --list-tasks and --list-tags, printed as ansible-playbook prints them,
// warnings included where it prints them: a play's hosts pattern that matches nothing is warned of before
// the listing when it is written out, and, when it is a template, where the listing reads it (before the
// play's lines with --list-hosts, after its header otherwise; never with --syntax-check alone, which does
// not read it).
import type { PatternMatcher } from '../inventory/patterns.js';
import { listPlayTasks } from '../playbook/list.js';
import type { Play } from '../playbook/model.js';
import { isTemplate } from '../template/render.js';
import { pyRepr } from '../util/python-repr.js';
import { printWarnings, type CliIO } from './io.js';

/** What the listing shows, and how a play's pattern is read. */
export interface ListingRequest {
  playbooks: { arg: string; plays: Play[] }[];
  matcher: PatternMatcher;
  patternOf(play: Play): string | string[];
  limit: string | undefined;
  show: { hosts: boolean; tasks: boolean; tags: boolean };
  only: string[];
  skip: string[];
}

const templated = (play: Play): boolean => (Array.isArray(play.hosts) ? play.hosts : [play.hosts]).some((p) => isTemplate(String(p)));

/** Prints the listing (the playbooks' names alone for --syntax-check). */
export function printListing(io: CliIO, r: ListingRequest): void {
  const { matcher, show } = r;
  // the patterns written out are read first, as Ansible's executor reads each play's variables
  for (const play of r.playbooks.flatMap((pb) => pb.plays)) if (!templated(play)) matcher.hosts(r.patternOf(play), r.limit);
  printWarnings(io, matcher.drain());
  const lines: string[] = [];
  if (!show.hosts && !show.tasks && !show.tags) {
    for (const pb of r.playbooks) lines.push('', `playbook: ${pb.arg}`);
    io.out(lines.join('\n'));
    return;
  }
  // the lines so far, then the warnings reading a templated pattern gave
  const warnNow = (): void => {
    const warnings = matcher.drain();
    if (!warnings.length) return;
    if (lines.length) io.out(lines.splice(0).join('\n'));
    printWarnings(io, warnings);
  };
  for (const pb of r.playbooks) {
    lines.push('', `playbook: ${pb.arg}`);
    pb.plays.forEach((play, idx) => {
      const pattern = r.patternOf(play);
      const list = Array.isArray(pattern) ? pattern : [pattern];
      const matched = matcher.hosts(pattern, r.limit);
      if (show.hosts) warnNow();
      lines.push('', `  play #${idx + 1} (${list.join(',')}): ${play.name ?? list.join(',')}\tTAGS: [${play.tags.join(',')}]`);
      if (show.hosts) {
        lines.push(`    pattern: ${pyRepr(list)}`, `    hosts (${matched.length}):`);
        for (const h of matched) lines.push(`      ${h.name}`);
      } else warnNow();
      if (show.tasks || show.tags) {
        lines.push(...listPlayTasks(play, { tasks: show.tasks, tags: show.tags, only: r.only, skip: r.skip }));
      }
    });
  }
  warnNow();
  io.out(lines.join('\n'));
}
