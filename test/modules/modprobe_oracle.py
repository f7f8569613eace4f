# Runs community.general's own modprobe module in this process on a made-up kernel and /etc: every path
# it opens or lists under /proc/modules, /lib/modules/ and /etc/ is read under ROOT instead, and the
# modprobe it runs is the first on PATH (the test's fake). Prints the module's JSON result.
# usage: python3 modprobe_oracle.py ROOT ARGS_JSON
import builtins
import json
import os
import sys
import types

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

root, args = sys.argv[1], json.loads(sys.argv[2])
basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))

import ansible_collections.community.general.plugins.modules.modprobe as m  # noqa: E402

PLACES = ['/proc/modules', '/lib/modules/', '/etc/']


def under_root(path):
    path = str(path)
    for place in PLACES:
        if path.startswith(place):
            return root + path
    return path


real_open = builtins.open
m.open = lambda path, *a, **k: real_open(under_root(path), *a, **k)
m.os = types.SimpleNamespace(
    listdir=lambda p: os.listdir(under_root(p)),
    path=types.SimpleNamespace(join=os.path.join, isfile=lambda p: os.path.isfile(under_root(p))),
)
m.RELEASE_VER = '6.1.0-test'
m.main()
