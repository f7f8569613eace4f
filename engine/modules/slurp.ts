// slurp: a file's content, base64-encoded (for registering and decoding with b64decode), with the
// failures Ansible's module gives (not found, not readable, a directory). Declared: the fact is the file.
import { declareModule, failPlan } from './declare.js';
import type { HostIO } from './types.js';

/** What slurp reads: the bytes in base64, or why there are none (Ansible's errno cases). */
export type SlurpFacts = { base64: string } | { missing: true } | { directory: true } | { unreadable: true } | { error: string };

async function readFacts(host: HostIO, src: string): Promise<SlurpFacts> {
  try {
    const s = await host.inspect(src);
    if (!s.stat.exists) return { missing: true };
    if (s.stat.type === 'directory') return { directory: true };
    if (s.content !== undefined) return { base64: s.content.toString('base64') };
    return { error: `kplay slurps regular files only, and ${src} is not one` };
  } catch (e) {
    const msg = (e as Error).message;
    if (/No such file/.test(msg)) return { missing: true };
    if (/Permission denied/.test(msg)) return { unreadable: true };
    return { error: msg };
  }
}

/** The slurp module. */
export const slurpModule = declareModule({
  spec: { options: { src: { type: 'path', required: true, aliases: ['path'] } } },
  facts: (o, host) => readFacts(host, o.src ?? ''),
  plan(o, f) {
    const src = o.src ?? '';
    if ('missing' in f) return failPlan(`file not found: ${src}`);
    if ('unreadable' in f) return failPlan(`file is not readable: ${src}`);
    if ('directory' in f) return failPlan(`source is a directory and must be a file: ${src}`);
    if ('error' in f) return failPlan(`unable to slurp file: ${f.error}`);
    return { steps: [], result: { changed: false, content: f.base64, source: src, encoding: 'base64' } };
  },
});
