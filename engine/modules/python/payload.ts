// Packs an Ansible Python module for a host as Ansible itself packs it (AnsiballZ: the module, its
// module_utils and its arguments in one Python script), by asking ansible-core on the controller. One
// helper process serves a whole run; it starts with the first such module and ends with kplay.
import { floatWire } from '../../util/py-float.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { collectionRoots, controllerAnsible } from './locate.js';

const HELPER = `
import base64, json, sys
from ansible import constants as C
from ansible.executor.module_common import modify_module
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
# the run's collection directories (a playbook's collections/, collections_path), else this Ansible's own setting
_AnsibleCollectionFinder(paths=json.loads(sys.argv[1]) or C.COLLECTIONS_PATHS)._install()
from ansible.release import __version__
templar = Templar(loader=DataLoader())
# the executor's settings every module receives, from this controller's Ansible configuration
SETTINGS = {'_ansible_version': __version__, '_ansible_syslog_facility': C.DEFAULT_SYSLOG_FACILITY,
            '_ansible_selinux_special_fs': C.DEFAULT_SELINUX_SPECIAL_FS,
            '_ansible_string_conversion_action': C.STRING_CONVERSION_ACTION, '_ansible_debug': C.DEFAULT_DEBUG}
for line in sys.stdin:
    # a whole-number float comes marked (JSON alone would make 1.0 an int)
    req = json.loads(line, object_hook=lambda d: float(d['__kplay_float__']) if list(d) == ['__kplay_float__'] else d)
    req['args'].update(SETTINGS)
    try:
        data, style, _ = modify_module(req['name'], req['path'], req['args'], templar,
                                       task_vars={'ansible_python_interpreter': req['interpreter']},
                                       module_compression='ZIP_DEFLATED')
        out = {'payload': base64.b64encode(data).decode(), 'style': style}
    except Exception as e:
        out = {'error': '%s: %s' % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(out) + '\\n')
    sys.stdout.flush()
`;

type Reply = { payload?: string; style?: string; error?: string };

let helper: { child: ChildProcess; pending: ((r: Reply) => void)[]; buffer: string } | undefined;

function start(): NonNullable<typeof helper> {
  const child = spawn(controllerAnsible()?.python ?? 'python3', ['-c', HELPER, JSON.stringify(collectionRoots())], { stdio: ['pipe', 'pipe', 'pipe'] });
  const h = { child, pending: [] as ((r: Reply) => void)[], buffer: '' };
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => {
    h.buffer += d.toString();
    for (let i = h.buffer.indexOf('\n'); i !== -1; i = h.buffer.indexOf('\n')) {
      const line = h.buffer.slice(0, i);
      h.buffer = h.buffer.slice(i + 1);
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        // something in ansible-core printed to standard output: not an answer
        continue;
      }
      h.pending.shift()?.(reply);
    }
    if (!h.pending.length) idle(h);
  });
  const fail = (): void => {
    for (const p of h.pending.splice(0)) p({ error: `ansible-core's module packer stopped: ${stderr.trim() || 'no output'}` });
    if (helper === h) helper = undefined;
  };
  child.on('exit', fail);
  child.on('error', fail);
  process.once('exit', () => child.kill());
  return h;
}

// the helper does not keep kplay running when nothing waits for it
function idle(h: NonNullable<typeof helper>): void {
  h.child.unref();
  (h.child.stdout as unknown as { unref?: () => void }).unref?.();
  (h.child.stdin as unknown as { unref?: () => void }).unref?.();
  (h.child.stderr as unknown as { unref?: () => void }).unref?.();
}

function busy(h: NonNullable<typeof helper>): void {
  h.child.ref();
  (h.child.stdout as unknown as { ref?: () => void }).ref?.();
}

/** The AnsiballZ script for one module call, or why it could not be made. */
export function buildPayload(name: string, path: string, args: Record<string, unknown>, interpreter: string): Promise<{ script: Buffer } | { error: string }> {
  helper ??= start();
  const h = helper;
  busy(h);
  return new Promise((resolve) => {
    h.pending.push((r) => resolve(r.payload !== undefined && r.style === 'new' ? { script: Buffer.from(r.payload, 'base64') } : { error: r.error ?? `'${name}' is not a new-style Python module (style ${r.style ?? 'unknown'}); kplay runs only those` }));
    h.child.stdin?.write(JSON.stringify({ name, path, args, interpreter }, floatWire) + '\n');
  });
}
