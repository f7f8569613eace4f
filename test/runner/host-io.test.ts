// The host facade: inspect() must agree with stat(follow) + read() while costing one round trip.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostIO } from '../../engine/runner/host-io.js';
import { LocalTransport } from '../../engine/transport/local.js';
import type { ExecOptions, Transport } from '../../engine/transport/types.js';

const dir = mkdtempSync(join(tmpdir(), 'kplay-hostio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A local transport that counts the commands it runs. */
function counting(): { t: Transport; count: () => number } {
  const local = new LocalTransport();
  let n = 0;
  const t: Transport = {
    exec: (c: string, o?: ExecOptions) => {
      n++;
      return local.exec(c, o);
    },
    kill: () => local.kill(),
    describe: () => local.describe(),
    close: () => local.close(),
  };
  return { t, count: () => n };
}

// name, how to make the path, the content inspect must return
const cases: [string, (p: string) => void, Buffer | undefined][] = [
  ['missing path', () => undefined, undefined],
  ['empty file', (p) => writeFileSync(p, ''), Buffer.alloc(0)],
  ['text without a final newline', (p) => writeFileSync(p, 'a\nb'), Buffer.from('a\nb')],
  ['text starting with blank lines', (p) => writeFileSync(p, '\n\nMISSING\n'), Buffer.from('\n\nMISSING\n')],
  ['binary bytes', (p) => writeFileSync(p, Buffer.from([0, 10, 255, 10, 13])), Buffer.from([0, 10, 255, 10, 13])],
  ['directory', (p) => mkdirSync(p), undefined],
  ['link to a file', (p) => (writeFileSync(`${p}.target`, 'via link\n'), symlinkSync(`${p}.target`, p)), Buffer.from('via link\n')],
  ['link to a directory', (p) => (mkdirSync(`${p}.target`), symlinkSync(`${p}.target`, p)), undefined],
];

describe('hostIO.inspect', () => {
  it.each(cases)('%s: same stat as stat(follow), same bytes as read, one command', async (name, make, content) => {
    const p = join(dir, name.replace(/\W+/g, '-'));
    make(p);
    const { t, count } = counting();
    const io = hostIO(t, undefined);
    const got = await io.inspect(p);
    expect(count()).toBe(1);
    expect(got.content).toEqual(content);
    expect(got.stat).toEqual(await io.stat(p, true));
    expect(got.content).toEqual(await io.read(p));
  });

  it('inspects a dangling link as missing (os.path.exists), where stat(follow) fails', async () => {
    const p = join(dir, 'dangling');
    symlinkSync(join(dir, 'nowhere'), p);
    const io = hostIO(new LocalTransport(), undefined);
    expect(await io.inspect(p)).toEqual({ stat: { exists: false }, content: undefined });
    await expect(io.stat(p, true)).rejects.toThrow(/cannot stat/);
  });
});
