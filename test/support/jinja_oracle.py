#!/usr/bin/python3
"""Renders templates with Ansible's own Templar, as tasks and the template module do.

Reads JSON on stdin: {"vars": {...} or "vars_yaml": text, "values": [str, ...], "files": [{"name": n, "text": t}, ...]}
Writes JSON: {"values": [{"repr": repr(value)} | {"error": msg}], "files": [{"text": t} | {"error": msg}]}
A value is templated as a task argument is (Templar.template); a file as the template module does it
(do_template with preserve_trailing_newlines, no backslash escaping, trim_blocks on, lstrip_blocks off,
the #jinja2: header honoured). Used by test/template/differential.test.ts.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")

from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.template import Templar, AnsibleEnvironment  # noqa: E402
from ansible.utils.unsafe_proxy import AnsibleUnsafeText  # noqa: E402


def plain_repr(v):
    # AnsibleUnsafeText and friends print like the builtin types
    if isinstance(v, str):
        return repr(str(v))
    if isinstance(v, dict):
        return "{" + ", ".join("%s: %s" % (plain_repr(k), plain_repr(x)) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(plain_repr(x) for x in v) + "]"
    if isinstance(v, tuple):
        return "(" + ", ".join(plain_repr(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    return repr(v)


def plain_strings(v):
    if isinstance(v, str):
        return str(v)
    if isinstance(v, dict):
        return dict((plain_strings(k), plain_strings(x)) for k, x in v.items())
    if isinstance(v, list):
        return [plain_strings(x) for x in v]
    return v


def main():
    data = json.load(sys.stdin)
    loader = DataLoader()
    if "vars_yaml" in data:
        # the variables as Ansible loads a vars file (a whole-number float stays a float), its strings
        # made plain str as kplay's are (kplay's type_debug says str where Ansible's says AnsibleUnicode)
        data["vars"] = plain_strings(loader.load(data["vars_yaml"]))
    out = {"values": [], "files": []}
    for v in data["values"]:
        templar = Templar(loader=loader, variables=data["vars"])
        try:
            out["values"].append({"repr": plain_repr(templar.template(v))})
        except Exception as e:  # noqa: BLE001 - any template failure is a result to compare
            out["values"].append({"error": "%s: %s" % (type(e).__name__, str(e).split("\n")[0])})
    for f in data["files"]:
        templar = Templar(loader=loader, variables=data["vars"])
        t = templar.copy_with_new_env(environment_class=AnsibleEnvironment, available_variables=data["vars"],
                                      newline_sequence="\n", trim_blocks=True, lstrip_blocks=False)
        try:
            text = t.do_template(f["text"], preserve_trailing_newlines=True, escape_backslashes=False)
            out["files"].append({"text": str(text)})
        except Exception as e:  # noqa: BLE001
            out["files"].append({"error": "%s: %s" % (type(e).__name__, str(e).split("\n")[0])})
    json.dump(out, sys.stdout)


main()
