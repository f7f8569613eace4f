// template: renders a template file from the role's templates/ (or next to the playbook) with the
// host's variables and writes the result only when it differs. The rendering is done on the controller
// while the facts are read (with the destination as the host has it); the plan compares the two.
import { readControllerFile } from '../vault/vault.js';
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { copiedFileResult, validateFailKeys } from './copy.js';
import { attrsChange, declareModule, failPlan, linkFollowed, readOneFile, type FileFact, type Plan } from './declare.js';
import { wantedAttrs } from './file-content.js';
import { idsFor, sameBytesDiff, type WantedIds } from './file-diff.js';
import { FILE_ATTR_OPTIONS } from './option-kinds.js';

// The variables Ansible's template module adds (generate_ansible_template_vars).
function templateVars(written: string, src: string, dest: string): Record<string, unknown> {
  let uid: string;
  try {
    const id = statSync(src).uid;
    uid = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(id))?.split(':')[0] ?? String(id);
  } catch {
    uid = 'unknown';
  }
  const now = new Date();
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return {
    template_host: hostname(),
    template_path: written,
    template_fullpath: src,
    template_destpath: dest,
    template_uid: uid,
    template_run_date: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds() * 1000, 6)}`,
    ansible_managed: 'Ansible managed',
  };
}

/** What template compares: the rendered text (or why there is none) and the destination. */
export interface TemplateFacts {
  /** The template found on the controller, or null. */
  src: string | null;
  /** Why src is null: Ansible's message naming the paths searched. */
  missing?: string | undefined;
  /** The rendered text (null when the template was not found, or not needed: force=false and the destination exists). */
  text: string | null;
  dest: FileFact;
  /** The host's umask, read when the mode is symbolic without users (+x). */
  umask?: number | undefined;
  /** follow: dest is a link to an existing file: the file it leads to, which is written (the link kept). */
  followed?: string | undefined;
  /** owner or group given: the ids they name (the diff of the attributes when the text is already there). */
  ids?: WantedIds | undefined;
}

/** The template module. */
export const templateModule = declareModule({
  pathInfo: true,
  spec: {
    options: {
      src: { type: 'path', required: true },
      dest: { type: 'path', required: true },
      backup: { type: 'bool' },
      force: { type: 'bool' },
      validate: { type: 'str' },
      newline_sequence: { type: 'str', choices: ['\n', '\r', '\r\n'] },
      follow: { type: 'bool' },
      ...FILE_ATTR_OPTIONS,
    },
  },
  async facts(o, host, local, mode): Promise<TemplateFacts> {
    const written = o.src ?? '';
    const follow = o.follow === true;
    const src = local.findLocal('templates', written) ?? null;
    if (src === null) return { src, missing: local.missingLocal('templates', written), text: null, dest: { exists: false, content: null } };
    // follow: a link to an existing file is kept, and the file it leads to is written (as Ansible's copy module)
    const followed = follow ? await linkFollowed(host, o.dest ?? '') : undefined;
    const dest = followed ?? o.dest ?? '';
    const { file, umask } = await readOneFile(host, dest, o.mode);
    // force: false leaves an existing destination as it is: nothing to render (template_destpath names dest as given)
    const text = o.force === false && file.exists ? null : local.render(readControllerFile(src).toString('utf8'), src, templateVars(written, src, o.dest ?? ''));
    return { src, text, dest: file, ...(umask === undefined ? {} : { umask }), ...(followed === undefined ? {} : { followed }), ...(await idsFor(host, wantedAttrs(o), file, mode)) };
  },
  plan(o, f, mode): Plan {
    const dest = f.followed ?? o.dest ?? '';
    if (f.src === null) return failPlan(f.missing ?? `Could not find or access '${o.src ?? ''}'`);
    if (o.force === false && f.dest.exists) return { steps: [], result: { changed: false, dest, src: f.src }, actionResult: true };
    if (f.dest.type === 'directory') return failPlan(`${dest} is a directory`);
    // newline_sequence: the line ends the written file gets (\n by default)
    const nl = o.newline_sequence;
    const text = nl !== undefined && nl !== '\n' ? (f.text ?? '').replace(/\r\n|\r|\n/g, nl) : (f.text ?? '');
    const attrs = wantedAttrs(o);
    const written = f.dest.content !== text;
    const changed = written || attrsChange(f.dest, attrs, f.umask);
    return {
      steps: changed ? [{ kind: 'write', path: dest, content: text, attrs, backup: o.backup === true, validate: o.validate, validateStyle: 'copy', ...validateFailKeys(o.validate, Buffer.from(text)), diffSource: f.src }] : [],
      // Ansible's template action hands the rendered text to its copy action: the same keys (its diff names the
    // template, where Ansible's names a temporary copy of it)
      result: { ...copiedFileResult({ dest, bytes: Buffer.from(text), written, changed, check: mode.check, remote: false, src: f.src }), ...(written || !f.dest.exists ? {} : { diff: sameBytesDiff(dest, f.dest, attrs, f.ids, f.umask) }) },
    };
  },
});
