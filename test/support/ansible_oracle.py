#!/usr/bin/python3
"""Runs Ansible in-process for many cases (one process instead of one per case).

Reads a JSON list of cases on stdin, writes a JSON list of results on stdout:
  {"cwd": DIR, "args": [...]}                       -> ansible-inventory ARGS: {"rc", "stdout", "stderr"}
  {"cwd": DIR, "playbook_args": [...]}              -> ansible-playbook ARGS (list/syntax modes): same
  {"cwd": DIR, "sources": [...], "pattern": P, "limit": L or null}
                                                    -> hosts matched, in order: {"hosts": [...]} or {"error": msg}
Used by the differential tests as the oracle.
"""
import contextlib
import io
import json
import os
import sys
import warnings

warnings.simplefilter("ignore")
os.environ.setdefault("ANSIBLE_NOCOLOR", "1")
os.environ.setdefault("ANSIBLE_LOCALHOST_WARNING", "0")

from ansible.cli.inventory import InventoryCLI  # noqa: E402
from ansible.plugins.vars import host_group_vars  # noqa: E402
from ansible.utils.context_objects import GlobalCLIArgs  # noqa: E402


def run_case(case):
    if "playbook_args" in case:
        from ansible.cli.playbook import PlaybookCLI
        return run_cli(case["cwd"], PlaybookCLI, ["ansible-playbook"] + case["playbook_args"])
    return run_cli(case["cwd"], InventoryCLI, ["ansible-inventory"] + case["args"])


def run_cli(cwd, cli_class, argv):
    os.chdir(cwd)
    host_group_vars.FOUND.clear()
    out, err = io.StringIO(), io.StringIO()
    rc = 0
    GlobalCLIArgs._Singleton__instance = None  # each case parses its own arguments
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = cli_class(argv).run() or 0
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
        except Exception as e:  # an Ansible error: report like the CLI would
            err.write("ERROR! %s\n" % e)
            rc = 1
    return {"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue()}


def match_case(case):
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    os.chdir(case["cwd"])
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            inv = InventoryManager(loader=DataLoader(), sources=case["sources"])
            inv.subset(case.get("limit"))
            return {"hosts": [h.name for h in inv.get_hosts(case["pattern"])]}
        except Exception as e:
            return {"error": str(e)}


def main():
    cases = json.load(sys.stdin)
    json.dump([match_case(c) if "pattern" in c else run_case(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
