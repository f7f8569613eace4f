// template: renders a template file from the role's templates/ (or next to the playbook) with the
// host's variables and writes the result only when it differs. The rendering is done on the controller
// while the facts are read (with the destination as the host has it); the plan compares the two.
import { readControllerFile } from '../vault/vault.js';
import { ansibleTemplateVars } from '../template/template-vars.js';
import { copiedFileResult, validateFailKeys } from './copy.js';
import { attrsChange, declareModule, failPlan, linkFollowed, readOneFile, type FileFact, type Plan } from './declare.js';
import { wantedAttrs } from './file-content.js';
import { idsFor, sameBytesDiff, type WantedIds } from './file-diff.js';
import { FILE_ATTR_OPTIONS, onlyValues } from './option-kinds.js';
import { DELIMITER_SETTINGS, JINJA_DELIMITERS, type WhitespaceOptions } from '../template/jinja/lexer.js';

// newline_sequence as written in single quotes ('\r\n'), which Ansible's action turns into the line break
const ESCAPED_NEWLINES: Record<string, string> = { '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n' };

/**
 * The Jinja settings a template task asks for (trim_blocks on and lstrip_blocks off by default, the
 * delimiters, newline_sequence), as Ansible's template action builds its environment; a template's
 * `#jinja2:` line goes over them. A string: why they cannot be honoured.
 */
export function templateSettings(o: Record<string, unknown>): WhitespaceOptions | string {
  const settings: WhitespaceOptions = { trimBlocks: o.trim_blocks !== false, lstripBlocks: o.lstrip_blocks === true };
  for (const [option, key] of Object.entries(DELIMITER_SETTINGS)) {
    const v = o[option];
    if (v === undefined || v === null) continue;
    if (v === '') return `${option} cannot be empty`;
    settings.delimiters = { ...(settings.delimiters ?? JINJA_DELIMITERS), [key]: String(v) };
  }
  const nl = o.newline_sequence;
  if (typeof nl === 'string' && nl !== '\n') settings.newline = ESCAPED_NEWLINES[nl] ?? nl;
  return settings;
}

/** What template compares: the rendered text (or why there is none) and the destination. */
export interface TemplateFacts {
  /** The template found on the controller, or null. */
  src: string | null;
  /** The task's Jinja settings cannot be honoured: why. */
  refused?: string | undefined;
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
      newline_sequence: { type: 'str', choices: ['\n', '\r', '\r\n', ...Object.keys(ESCAPED_NEWLINES)] },
      follow: { type: 'bool' },
      trim_blocks: { type: 'bool' },
      lstrip_blocks: { type: 'bool' },
      ...Object.fromEntries(Object.keys(DELIMITER_SETTINGS).map((k) => [k, { type: 'str' } as const])),
      // the rendered text is written in UTF-8; Ansible's other encodings are not
      output_encoding: onlyValues('str', 'utf-8', 'utf8', 'UTF-8', 'UTF8'),
      ...FILE_ATTR_OPTIONS,
    },
  },
  async facts(o, host, local, mode): Promise<TemplateFacts> {
    const written = o.src ?? '';
    const follow = o.follow === true;
    const settings = templateSettings(o);
    if (typeof settings === 'string') return { src: null, refused: settings, text: null, dest: { exists: false, content: null } };
    const src = local.findLocal('templates', written) ?? null;
    if (src === null) return { src, missing: local.missingLocal('templates', written), text: null, dest: { exists: false, content: null } };
    // a Handlebars template has none of Jinja's settings: asking for one is an error, not a no-op (its
    // output's line breaks are made newline_sequence's)
    const hbs = src.endsWith('.hbs');
    const jinjaAsked = Object.keys(o).filter((k) => (k in DELIMITER_SETTINGS || ['trim_blocks', 'lstrip_blocks'].includes(k)) && o[k as keyof typeof o] !== undefined);
    if (hbs && jinjaAsked.length) return { src: null, refused: `${jinjaAsked.join(', ')}: Jinja's settings, and ${written} is a Handlebars template`, text: null, dest: { exists: false, content: null } };
    // follow: a link to an existing file is kept, and the file it leads to is written (as Ansible's copy module)
    const followed = follow ? await linkFollowed(host, o.dest ?? '') : undefined;
    const dest = followed ?? o.dest ?? '';
    const { file, umask } = await readOneFile(host, dest, o.mode);
    // force: false leaves an existing destination as it is: nothing to render (template_destpath names dest as given)
    const rendered = o.force === false && file.exists ? null : local.render(readControllerFile(src).toString('utf8'), src, ansibleTemplateVars(written, src, o.dest ?? ''), settings);
    const text = hbs && rendered !== null && settings.newline ? rendered.replace(/\r\n|\r|\n/g, settings.newline) : rendered;
    return { src, text, dest: file, ...(umask === undefined ? {} : { umask }), ...(followed === undefined ? {} : { followed }), ...(await idsFor(host, wantedAttrs(o), file, mode)) };
  },
  plan(o, f, mode): Plan {
    const dest = f.followed ?? o.dest ?? '';
    if (f.src === null) return failPlan(f.refused ?? f.missing ?? `Could not find or access '${o.src ?? ''}'`);
    if (o.force === false && f.dest.exists) return { steps: [], result: { changed: false, dest, src: f.src }, actionResult: true };
    if (f.dest.type === 'directory') return failPlan(`${dest} is a directory`);
    const text = f.text ?? '';
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
