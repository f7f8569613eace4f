// A container registry for the lab's controller: Debian's docker-registry (the CNCF distribution
// registry) listening on 127.0.0.1 inside the lab namespace, so kplay (run there) reaches it and the lab
// hosts (each in its own network namespace) do not. Images are made up (one small layer naming the image)
// and pushed with skopeo; labDown kills the registry with everything else in the namespace.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Whether the machine has the registry and skopeo (.ci/run installs them). */
export function registryAvailable() {
  return existsSync('/usr/bin/docker-registry') && existsSync('/usr/bin/skopeo');
}

/**
 * Starts a registry on 127.0.0.1:port in the lab namespace (or in a lab host's, `host`: a node that reaches
 * a registry) and waits until it answers; its data in dir (registries on one dir serve the same images).
 */
export async function registryUp(state, port, { dir = join(state.dir, 'registry'), host } = {}) {
  const ns = host ? state.hosts.find((h) => h.name === host).ns : state.labNs;
  mkdirSync(dir, { recursive: true });
  const config = join(dir, `config-${port}.yml`);
  writeFileSync(config, `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: kplay-lab\n`);
  const child = spawn('ip', ['netns', 'exec', ns, '/usr/bin/docker-registry', 'serve', config], { stdio: 'ignore', detached: true });
  child.unref();
  for (let i = 0; i < 100; i++) {
    if (spawnSync('ip', ['netns', 'exec', ns, 'curl', '-fs', `http://127.0.0.1:${port}/v2/`]).status === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the lab registry did not answer on 127.0.0.1:${port}`);
}

// An OCI image layout in dir with one layer holding /IMAGE (the image's name): small, and each image distinct
function makeImage(dir, ref) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = (buf) => {
    const d = createHash('sha256').update(buf).digest('hex');
    writeFileSync(join(dir, 'blobs', 'sha256', d), buf);
    return { digest: `sha256:${d}`, size: buf.length };
  };
  const root = join(dir, 'rootfs');
  mkdirSync(root);
  writeFileSync(join(root, 'IMAGE'), `${ref}\n`);
  const tar = spawnSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-C', root, '-cf', '-', 'IMAGE']).stdout;
  rmSync(root, { recursive: true });
  const diff = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
  const layer = put(gzipSync(tar));
  const config = put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['/IMAGE'] }, rootfs: { type: 'layers', diff_ids: [diff] } })));
  const manifest = put(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }] })));
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }] }));
}

/** Pushes a made-up image for each full reference (registry/path:tag) as 127.0.0.1:port/path:tag. */
export function registryPush(state, port, refs, dir = join(state.dir, 'registry')) {
  for (const ref of refs) {
    const layout = join(dir, 'layout');
    makeImage(layout, ref);
    const path = ref.slice(ref.indexOf('/') + 1);
    const r = spawnSync('ip', ['netns', 'exec', state.labNs, 'skopeo', 'copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://127.0.0.1:${port}/${path}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`skopeo copy ${ref}: ${r.stderr}`);
  }
}
