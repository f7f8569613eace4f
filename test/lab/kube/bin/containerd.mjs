#!/usr/bin/env node
// The lab's containerd: listens on /run/containerd/containerd.sock (so "is the runtime up" checks
// pass) and answers `containerd config default`; containers themselves are the kubelet's processes.
import { createServer } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';

const [cmd, sub] = process.argv.slice(2);
if (cmd === 'config' && sub === 'default') {
  process.stdout.write('version = 2\n\n[plugins]\n  [plugins."io.containerd.grpc.v1.cri"]\n    sandbox_image = "registry.k8s.io/pause:3.9"\n    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n      SystemdCgroup = false\n');
} else if (cmd === '--version' || cmd === '-v') {
  process.stdout.write('containerd github.com/containerd/containerd 1.7.12 lab\n');
} else {
  mkdirSync('/run/containerd', { recursive: true });
  rmSync('/run/containerd/containerd.sock', { force: true });
  createServer((s) => s.end()).listen('/run/containerd/containerd.sock', () => process.stderr.write('containerd successfully booted\n'));
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
}
