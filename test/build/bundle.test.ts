// The launcher runs the bundle the build makes (dist/bundle/), not the ~90 compiled modules: a playbook
// run loads no kplay module from elsewhere in dist/ but the compile cache (loaded before it) and the
// validators the build generated; the libraries stay outside the bundle; and the bundle finds those
// validators, so a run neither loads ajv nor compiles schemas.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeTree } from '../support/tree.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(repo, 'dist');

// every module URL the run resolves, written by a resolve hook, and whether ajv was required
function loaded(root: string): { urls: string[]; ajv: boolean; out: string } {
  const log = join(root, 'resolved.log');
  const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) { const r = await next(specifier, context); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }`;
  const script = `import { register, createRequire } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});
process.argv = [process.argv[0], ${JSON.stringify(join(repo, 'bin/kplay.js'))}, '-i', 'localhost,', '-c', 'local', 'site.yaml'];
await import(${JSON.stringify(join(repo, 'bin/kplay.js'))});
process.on('exit', () => { const cache = createRequire(import.meta.url).cache; console.log('AJV=' + Object.keys(cache).some((k) => k.includes('/node_modules/ajv/'))); });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, HOME: root, KPLAY_NO_LIVE: '1', KPLAY_NO_COMPILE_CACHE: '1' } });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  return { urls: readFileSync(log, 'utf8').split('\n').filter(Boolean), ajv: r.stdout.includes('AJV=true'), out: r.stdout };
}

describe('the bundle', () => {
  it('runs a playbook from dist/bundle/ alone, with the generated validators and without ajv', () => {
    const root = writeTree({ 'site.yaml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {content: "x\\n", dest: "{{ playbook_dir }}/made"}\n    - command: echo hi\n' });
    const { urls, ajv, out } = loaded(root);
    expect(out).toContain('changed: [localhost]');
    const ours = urls.filter((u) => u.startsWith(`file://${dist}/`)).map((u) => u.slice(`file://${dist}/`.length));
    expect(ours).toContain('bundle/kplay.js');
    expect(ours.filter((p) => !p.startsWith('bundle/'))).toEqual(['util/compile-cache.js', 'playbook/validators.generated.js']);
    // the libraries are loaded from node_modules, not copied into the bundle
    expect(urls.some((u) => u.includes('/node_modules/yaml/'))).toBe(true);
    expect(ajv).toBe(false);
  });
});
