// raw: sends the command line as it is, for hosts without tools: no creates/removes/chdir, its output as
// the connection gave it (not stripped), skipped in check mode, as Ansible's raw action. Declared: no facts.
import { shellQuote as q } from '../util/shell.js';
import { declareModule } from './declare.js';

/** The raw module. */
export const rawModule = declareModule({
  spec: { freeForm: 'required', freeFormOptions: ['executable'], options: { executable: { type: 'path' } } },
  facts: async () => ({}),
  plan(o, _f, { check }) {
    if (check) return { steps: [], result: { changed: false, skipped: true } };
    const line = String((o as { _raw_params?: unknown })._raw_params ?? '');
    return { steps: [{ kind: 'exec', command: o.executable ? `${q(o.executable)} -c ${q(line)}` : line }], result: { changed: true } };
  },
});
