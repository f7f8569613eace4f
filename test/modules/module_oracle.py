# Runs one of Ansible's own modules in this process against a made-up host: the paths it reads under
# /proc/modules, /lib/modules/, /etc/ are read under ROOT instead (modprobe), an init script is one
# under ROOT/etc/init.d (systemd), and the commands it runs are the first on PATH (the test's fakes).
# Prints the module's JSON result.
# usage: python3 module_oracle.py MODULE ROOT ARGS_JSON   (MODULE: modprobe or systemd)
import builtins
import importlib
import json
import os
import sys
import types

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

name, root, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))

MODULES = {
    'modprobe': 'ansible_collections.community.general.plugins.modules.modprobe',
    'systemd': 'ansible.modules.systemd',
}
m = importlib.import_module(MODULES[name])

PLACES = ['/proc/modules', '/lib/modules/', '/etc/']


def under_root(path):
    path = str(path)
    for place in PLACES:
        if path.startswith(place):
            return root + path
    return path


if name == 'modprobe':
    real_open = builtins.open
    m.open = lambda path, *a, **k: real_open(under_root(path), *a, **k)
    m.os = types.SimpleNamespace(
        listdir=lambda p: os.listdir(under_root(p)),
        path=types.SimpleNamespace(join=os.path.join, isfile=lambda p: os.path.isfile(under_root(p))),
    )
    m.RELEASE_VER = '6.1.0-test'
else:
    m.sysv_exists = lambda unit: os.path.exists(under_root('/etc/init.d/' + unit))
    m.sysv_is_enabled = lambda unit, runlevel=None: False
m.main()
