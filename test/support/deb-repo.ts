// Flat Debian repositories of small packages built on this machine with dpkg-deb, for tests that run
// the real apt and dpkg (the apt differential in a sandbox, the popular-style roles on lab hosts).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** One package: its name, version, more control fields, and the files it installs (path → text; a
 * path ending in `*` is executable; by default /usr/share/NAME/version, so a package meant for a lab host,
 * which shares the machine's /usr, must name files in the host's own directories). */
export interface DebSpec {
  name: string;
  version: string;
  control?: string;
  files?: Record<string, string>;
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** The repository's files by their path in it: each package's .deb and the `Packages` index. */
export function debRepository(specs: DebSpec[]): Record<string, Buffer | string> {
  const build = mkdtempSync(join(tmpdir(), 'kplay-debs-'));
  const files: Record<string, Buffer | string> = {};
  const index: string[] = [];
  try {
    for (const { name, version, control: more = '', files: content = { [`usr/share/${name}/version`]: `${version}\n` } } of specs) {
      const dir = join(build, `${name}-${version}`);
      mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
      for (const [path, text] of Object.entries(content)) {
        const target = join(dir, path.replace(/\*$/, ''));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, text);
        chmodSync(target, path.endsWith('*') ? 0o755 : 0o644);
      }
      const control = `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: kplay <kplay@example.invalid>\n${more}Description: a package of kplay's tests\n`;
      writeFileSync(join(dir, 'DEBIAN/control'), control);
      const deb = `${name}_${version}_all.deb`;
      execFileSync('dpkg-deb', ['--root-owner-group', '--build', dir, join(build, deb)], { stdio: 'ignore' });
      const bytes = readFileSync(join(build, deb));
      files[deb] = bytes;
      index.push(`${control.replace(/Description:.*\n$/, '')}Filename: ./${deb}\nSize: ${bytes.length}\nSHA256: ${sha256(bytes)}\nDescription: a package of kplay's tests\n`);
    }
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  files.Packages = index.join('\n');
  return files;
}

/** The repository signed as a vendor's is: `Release` with the index's checksum, `InRelease` clear-signed
 * by a throwaway key, and that key armored as `Release.key` (the secret key is removed at once). */
export function signedDebRepository(specs: DebSpec[], label: string): Record<string, Buffer | string> {
  const files = debRepository(specs);
  const index = files.Packages as string;
  const release = `Origin: kplay\nLabel: ${label}\nDate: ${new Date().toUTCString()}\nSHA256:\n ${sha256(index)} ${Buffer.byteLength(index)} Packages\n`;
  const home = mkdtempSync(join(tmpdir(), 'kplay-gpg-'));
  try {
    const gpg = (input: string, ...args: string[]): string => execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    gpg('', '--passphrase', '', '--quick-gen-key', `kplay ${label} <${label}@example.test>`, 'ed25519', 'sign', 'never');
    files.Release = release;
    files.InRelease = gpg(release, '--local-user', `${label}@example.test`, '--clearsign');
    files['Release.key'] = gpg('', '--armor', '--export', `${label}@example.test`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return files;
}
