// script and fetch on local files (apt's tests are its fixture rows and apt-differential.test.ts).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FETCH_CHUNK } from '../../engine/modules/fetch-step.js';
import { IMPLEMENTATIONS } from '../../engine/modules/index.js';
import type { ModuleContext } from '../../engine/modules/types.js';
import { moduleContext } from '../support/module-context.js';
import { writeTree } from '../support/tree.js';

describe('script and fetch', () => {
  it('script runs a local file on the host with arguments and cleans up', async () => {
    const root = writeTree({ 'files/hello.sh': '#!/bin/sh\necho "hello $1"\n' });
    const ctx = moduleContext({ _raw_params: 'hello.sh world' }, { findLocal: (_k, src) => join(root, 'files', src) });
    const r = await (IMPLEMENTATIONS.script as (c: ModuleContext) => Promise<Record<string, unknown>>)(ctx);
    // Ansible's script action: the run's output as the connection gave it, and no cmd/start/end/delta
    expect(r).toEqual({ changed: true, rc: 0, stdout: 'hello world\n', stdout_lines: ['hello world'], stderr: '', stderr_lines: [] });
  });

  it('fetch copies host files to DEST/HOST/PATH, only when they differ', async () => {
    const root = writeTree({ 'remote/admin.conf': 'kubeconfig\n' });
    const make = (args: Record<string, unknown>): ModuleContext => moduleContext(args, { variable: () => ({ defined: true, value: 'master1' }) });
    const fetch = IMPLEMENTATIONS.fetch as (c: ModuleContext) => Promise<Record<string, unknown>>;
    const src = join(root, 'remote/admin.conf');
    const r1 = await fetch(make({ src, dest: join(root, 'fetched') }));
    expect(r1.changed).toBe(true);
    expect(readFileSync(join(root, 'fetched', 'master1', src), 'utf8')).toBe('kubeconfig\n');
    expect((await fetch(make({ src, dest: join(root, 'fetched') }))).changed).toBe(false);
    const flat = await fetch(make({ src, dest: join(root, 'local-admin.conf'), flat: true }));
    expect(flat.changed).toBe(true);
    writeFileSync(join(root, 'x'), '');
    expect((await fetch(make({ src: join(root, 'missing'), dest: root }))).failed).toBe(true);
  });

  it("fetch's mode (kplay's, Ansible's fetch ignores it): the copy's permissions, set again when only they differ; not in check mode", async () => {
    const root = writeTree({ 'remote/admin.conf': 'kubeconfig\n' });
    const fetch = IMPLEMENTATIONS.fetch as (c: ModuleContext) => Promise<Record<string, unknown>>;
    const args = (mode: string): Record<string, unknown> => ({ src: join(root, 'remote/admin.conf'), dest: join(root, 'admin.conf'), flat: true, mode });
    const perm = (): number => statSync(join(root, 'admin.conf')).mode & 0o777;
    expect(await fetch(moduleContext(args('0600'), { check: true }))).toEqual({ changed: false, skipped: true, msg: 'check mode not (yet) supported for this module' });
    expect((await fetch(moduleContext(args('0600')))).changed).toBe(true);
    expect(perm()).toBe(0o600);
    expect((await fetch(moduleContext(args('0600')))).changed).toBe(false);
    expect((await fetch(moduleContext(args('0640')))).changed).toBe(true);
    expect(perm()).toBe(0o640);
    expect(await fetch(moduleContext(args('rw')))).toMatchObject({ failed: true, msg: "fetch: mode must be octal digits (such as 0600) for the copy on the controller, not 'rw'" });
  });

  it('fetch brings a file bigger than one chunk over a chunk at a time (never whole in memory), byte for byte, with its sums', async () => {
    const big = Buffer.alloc(FETCH_CHUNK * 2 + 12345);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 13)) & 0xff;
    const root = writeTree({ 'remote/snapshot.db': big });
    const base = moduleContext({ src: join(root, 'remote/snapshot.db'), dest: join(root, 'copy.db'), flat: true });
    const reads: number[] = [];
    const ctx: ModuleContext = {
      ...base,
      host: {
        ...base.host,
        run: async (command, opts) => {
          const r = await base.host.run(command, opts);
          if (command.startsWith('dd ')) reads.push(r.stdoutBytes.length);
          return r;
        },
        read: async () => {
          throw new Error('fetch must not read the whole file at once');
        },
      },
    };
    const r = await (IMPLEMENTATIONS.fetch as (c: ModuleContext) => Promise<Record<string, unknown>>)(ctx);
    expect(reads).toEqual([FETCH_CHUNK, FETCH_CHUNK, 12345]);
    expect(readFileSync(join(root, 'copy.db')).equals(big)).toBe(true);
    expect(r).toMatchObject({ changed: true, checksum: createHash('sha1').update(big).digest('hex'), md5sum: createHash('md5').update(big).digest('hex') });
    expect(existsSync(join(root, `copy.db.kplay-${process.pid}`))).toBe(false);
  });

  it('a file of exactly one chunk takes one more read, which brings nothing', async () => {
    const root = writeTree({ 'remote/one.bin': Buffer.alloc(FETCH_CHUNK, 1) });
    const ctx = moduleContext({ src: join(root, 'remote/one.bin'), dest: join(root, 'one.bin'), flat: true });
    const r = await (IMPLEMENTATIONS.fetch as (c: ModuleContext) => Promise<Record<string, unknown>>)(ctx);
    expect(r.changed).toBe(true);
    expect(statSync(join(root, 'one.bin')).size).toBe(FETCH_CHUNK);
  });
});
