#!/usr/bin/env node
// The lab's containerd: Debian's real containerd daemon when the machine has it (its image store in the
// host's own /var/lib/containerd, `ctr` on its socket; the CRI plugin is off: the kubelet stand-in runs no
// containers), else a socket at /run/containerd/containerd.sock so "is the runtime up" checks pass.
// Answers `containerd config default` either way.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

const REAL = '/usr/bin/containerd';
const CONFIG = '/run/containerd-lab.toml';
const LAB_CONFIG = `version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "/run/containerd/containerd.sock"
`;

const [cmd, sub] = process.argv.slice(2);
if (cmd === 'config' && sub === 'default') {
  process.stdout.write('version = 2\n\n[plugins]\n  [plugins."io.containerd.grpc.v1.cri"]\n    sandbox_image = "registry.k8s.io/pause:3.9"\n    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n      SystemdCgroup = false\n');
} else if (cmd === '--version' || cmd === '-v') {
  process.stdout.write('containerd github.com/containerd/containerd 1.7.12 lab\n');
} else if (existsSync(REAL)) {
  mkdirSync('/run/containerd', { recursive: true });
  writeFileSync(CONFIG, LAB_CONFIG);
  const child = spawn(REAL, ['--config', CONFIG, '--log-level', 'warn'], { stdio: 'inherit' });
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
} else {
  mkdirSync('/run/containerd', { recursive: true });
  rmSync('/run/containerd/containerd.sock', { force: true });
  createServer((s) => s.end()).listen('/run/containerd/containerd.sock', () => process.stderr.write('containerd successfully booted\n'));
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
}
