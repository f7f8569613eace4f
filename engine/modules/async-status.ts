// async_status, declared: a job's state read from its directory on the host (async-job.ts writes it), as
// Ansible's module answers: still running, the command's result, "Timeout exceeded", "could not find job",
// or with mode=cleanup the directory removed (erased). Its facts are the job's files, read in one command.
import { between, dirOf, EMPTY_OUTPUT } from './async-job.js';
import { declareModule, failPlan, type Plan, type RunStep } from './declare.js';
import { readTexts } from './file-content.js';
import { commandResult } from './run-command.js';
import type { HostIO, ModuleResult } from './types.js';
import { shellQuote as q } from '../util/shell.js';

/** What async_status reads: the job's directory on the host, whether it is there and (to report the status) its files by name. */
export interface JobFacts {
  dir: string;
  exists: boolean;
  files: Record<string, string>;
}

// the job's files in one round trip (the directory's path a second time only when it has none)
async function jobFacts(o: { jid?: string | undefined; mode?: string | undefined }, host: HostIO): Promise<JobFacts> {
  const id = o.jid ?? '';
  if (o.mode === 'cleanup') {
    const r = await host.run(`j=${dirOf(id)}; echo "$j"; if [ -e "$j" ]; then echo y; fi`);
    const [dir = '', there] = r.stdout.split('\n');
    return { dir, exists: there === 'y', files: {} };
  }
  const read = await readTexts(host, `${dirOf(id)}/*`);
  const any = [...read.keys()][0];
  const dir = any ? any.slice(0, any.lastIndexOf('/')) : (await host.run(`echo ${dirOf(id)}`)).stdout.trim();
  return { dir, exists: any !== undefined, files: Object.fromEntries([...read].map(([path, text]) => [path.slice(dir.length + 1), text])) };
}

function jobPlan(o: { jid?: string | undefined; mode?: string | undefined }, f: JobFacts): Plan {
  const id = o.jid ?? '';
  if (o.mode === 'cleanup') {
    if (!f.exists) return failPlan('could not find job', { ansible_job_id: id, started: true, finished: true, results_file: f.dir, ...EMPTY_OUTPUT });
    // (Ansible's module removes it in check mode too)
    const rm: RunStep = { kind: 'run', command: `rm -rf -- ${q(f.dir)}`, failure: 'could not remove the job: {stderr}', inCheck: true };
    return { steps: [rm], result: { changed: false, ansible_job_id: id, erased: f.dir, started: false, finished: false, ...EMPTY_OUTPUT } };
  }
  const base = { ansible_job_id: id, started: true, results_file: f.dir };
  if (!f.exists) return failPlan('could not find job', { ...base, finished: true, ...EMPTY_OUTPUT });
  const file = (name: string): string | undefined => f.files[name];
  const known = file('result.json');
  if (known !== undefined) return { steps: [], result: { ...(JSON.parse(known) as ModuleResult), ...base, finished: true } };
  const rc = file('rc');
  if (rc === undefined) return { steps: [], result: { changed: false, ...base, finished: false, ...EMPTY_OUTPUT } };
  if (file('timeout') !== undefined) return failPlan('Timeout exceeded', { ...base, finished: true, ...EMPTY_OUTPUT });
  const start = (file('start') ?? '').trim();
  const end = (file('end') ?? '').trim();
  const shown: unknown = JSON.parse(file('cmd') ?? 'null');
  const strip = file('keep-ends') === undefined;
  return { steps: [], result: { ...commandResult(shown, Number(rc.trim()), file('out') ?? '', file('err') ?? '', start, end, between(start, end), strip), ...base, finished: true } };
}

/** The async_status module. */
export const asyncStatusModule = declareModule({
  spec: { options: { jid: { type: 'str', required: true }, mode: { type: 'str', choices: ['cleanup', 'status'] } } },
  facts: jobFacts,
  plan: jobPlan,
});
