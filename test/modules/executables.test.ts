// missingExecutable: the programs a module needs, checked in one command on the host (the local
// transport here, with a PATH the test chooses).
import { describe, expect, it } from 'vitest';
import { findExecutables, missingExecutable } from '../../engine/modules/executables.js';
import { hostIO } from '../../engine/runner/host-io.js';
import { LocalTransport } from '../../engine/transport/local.js';

const host = hostIO(new LocalTransport(), undefined, { env: { PATH: '/nonexistent:/usr/bin:/bin' } });

describe('missingExecutable', () => {
  it.each([
    [['sh', 'ls'], undefined],
    [['sh', 'no-such-tool-kplay', 'ls'], 'Failed to find required executable "no-such-tool-kplay" in paths: /nonexistent:/usr/bin:/bin'],
  ] as const)('%j', async (names, message) => {
    expect(await missingExecutable(host, [...names])).toBe(message);
  });
});

describe('findExecutables', () => {
  it('gives each program\'s path, or the message for the first missing one', async () => {
    expect(await findExecutables(host, ['sh', 'ls'])).toEqual({ paths: ['/usr/bin/sh', '/usr/bin/ls'] });
    expect(await findExecutables(host, ['sh', 'no-such-tool-kplay'])).toEqual({ missing: 'Failed to find required executable "no-such-tool-kplay" in paths: /nonexistent:/usr/bin:/bin' });
  });
});
