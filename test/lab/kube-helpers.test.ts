// The lab stand-ins' small parsers, one row per case: kubectl's JSONPath subset, pflag-style flags,
// Go durations, Debian version order; and how they recognise the processes they started.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript test infrastructure
import { renderJsonPath } from './kube/lib/jsonpath.mjs';
// @ts-expect-error plain JavaScript test infrastructure
import { parseFlags, parseDuration, procStart, sameProcess, signalRecorded } from './kube/lib/common.mjs';
// @ts-expect-error plain JavaScript test infrastructure
import { compareVersions } from './kube/lib/packages.mjs';

const nodes = {
  items: [
    { metadata: { name: 'm1', labels: { 'node-role.kubernetes.io/control-plane': '' } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    { metadata: { name: 'w1', labels: {} }, status: { conditions: [{ type: 'Ready', status: 'False' }] } },
  ],
  data: { 'kubeconfig.conf': 'K', ClusterConfiguration: 'C' },
};

describe('kubectl JSONPath', () => {
  it.each([
    ['{.items[*].metadata.name}', 'm1 w1'],
    ['{.items[0].metadata.name}', 'm1'],
    ['{.items[-1].metadata.name}', 'w1'],
    ['{range .items[*]}{.metadata.name}:{.status.conditions[?(@.type=="Ready")].status};{end}', 'm1:True;w1:False;'],
    ['{.data.kubeconfig\\.conf}', 'K'],
    ['{.data.ClusterConfiguration}', 'C'],
    ['name={.items[1].metadata.name}!', 'name=w1!'],
    ['{.items[*].metadata.missing}', ''],
    ['{.items[0].metadata.labels}', '{"node-role.kubernetes.io/control-plane":""}'],
    ['{range .items[*]}{.metadata.name}{"\\n"}{end}', 'm1\nw1\n'],
  ])('%s', (tpl, want) => {
    expect(renderJsonPath(tpl, nodes)).toBe(want);
  });
});

describe('flags, durations, versions', () => {
  it.each([
    [['init', '--config=/a.yaml', '--upload-certs', 'x'], ['upload-certs'], { config: '/a.yaml', 'upload-certs': 'true' }, ['init', 'x']],
    [['join', 'ep:6443', '--token', 't', '--control-plane'], ['control-plane'], { token: 't', 'control-plane': 'true' }, ['join', 'ep:6443']],
    [['get', 'nodes', '-o', 'name', '-n', 'kube-system'], [], { o: 'name', n: 'kube-system' }, ['get', 'nodes']],
    [['x', '--', '--not-a-flag'], [], {}, ['x', '--not-a-flag']],
  ])('parseFlags %j', (argv, bools, flags, args) => {
    expect(parseFlags(argv, bools)).toEqual({ flags, args });
  });

  it.each([
    ['24h', 86_400_000],
    ['1h30m', 5_400_000],
    ['10s', 10_000],
    ['0', 0],
    ['8760h0m0s', 31_536_000_000],
  ])('parseDuration(%s)', (s, ms) => {
    expect(parseDuration(s)).toBe(ms);
  });

  it('rejects a malformed duration', () => {
    expect(() => parseDuration('1day')).toThrow('invalid duration "1day"');
  });

  it.each([
    ['1.30.5-1.1', '1.30.4-1.1', 1],
    ['1.31.1-1.1', '1.30.5-1.1', 1],
    ['1.29.9-1.1', '1.30.0-1.1', -1],
    ['1.30.5-1.1', '1.30.5-1.1', 0],
  ])('compareVersions(%s, %s)', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});

describe('recorded processes (PIDs are reused: pid_max is 32768 here)', () => {
  it('knows a process by PID and start time, signals only that one, and sees it gone', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pid = child.pid as number;
    const start = procStart(pid);
    expect(start).toMatch(/^\d+$/);
    expect(sameProcess(pid, start)).toBe(true);
    // the same PID with another start time is another process: left alone
    expect(sameProcess(pid, String(Number(start) + 1))).toBe(false);
    signalRecorded(pid, String(Number(start) + 1), 'SIGKILL');
    expect(sameProcess(pid, start)).toBe(true);
    const exited = new Promise((r) => child.on('exit', r));
    signalRecorded(pid, start, 'SIGKILL');
    await exited;
    expect(sameProcess(pid, start)).toBe(false);
  });
});
