#!/usr/bin/python3
"""The manual page SOURCE_ROOT/docs/man/PROGRAM_NAME.1 checked against the program: the long
options `PROGRAM_PATH --help` prints (usage lines included; --help itself counts as printed)
must be exactly those the page's roff source names (with \\- read as -); each one missing on
either side is reported and the check fails (exit 1).
With --lint: every page of docs/man must render without a warning, `groff -man -ww -z -t PAGE`
printing nothing and exiting 0; exits 77 (skipped) when groff is not installed.
usage: man_check.py SOURCE_ROOT PROGRAM_NAME PROGRAM_PATH | man_check.py SOURCE_ROOT --lint"""
import os
import re
import shutil
import subprocess
import sys

# A long option; not the tail of a longer run of dashes.
OPTION = re.compile(r"(?<!-)--[a-z][a-z0-9-]*")


def long_options(text):
    return set(OPTION.findall(text))


def lint(page):
    r = subprocess.run(["groff", "-man", "-ww", "-z", "-t", page], capture_output=True,
                       text=True)
    if r.returncode or r.stdout or r.stderr:
        print("FAIL %s: groff exited %d and printed:\n%s" % (page, r.returncode,
                                                             (r.stdout + r.stderr).rstrip()))
        return 1
    print("ok: %s renders without warnings" % page)
    return 0


def compare(page, name, program):
    r = subprocess.run([program, "--help"], capture_output=True, text=True, timeout=60)
    if r.returncode:
        print("FAIL %s --help exited %d: %s" % (program, r.returncode, r.stderr.strip()))
        return 1
    printed = long_options(r.stdout) | {"--help"}
    with open(page, encoding="utf-8") as f:
        documented = long_options(f.read().replace("\\-", "-"))
    status = 0
    for what, opts in (("printed by --help but not documented in %s" % page,
                        printed - documented),
                       ("documented in %s but not printed by %s --help" % (page, name),
                        documented - printed)):
        if opts:
            print("FAIL %s: %s" % (what, " ".join(sorted(opts))))
            status = 1
    if not status:
        print("ok: %s: the %d options of --help are those of %s" % (name, len(printed), page))
    return status


def main(argv):
    if len(argv) == 3 and argv[2] == "--lint":
        if not shutil.which("groff"):
            print("SKIP: groff is not installed (Debian: groff-base)")
            return 77
        man = os.path.join(argv[1], "docs", "man")
        pages = sorted(os.path.join(man, p) for p in os.listdir(man) if p.endswith(".1"))
        return max([lint(p) for p in pages] + [0 if pages else 1])
    if len(argv) != 4:
        print(__doc__.splitlines()[-1], file=sys.stderr)
        return 2
    root, name, program = argv[1:4]
    page = os.path.join(root, "docs", "man", name + ".1")
    if not os.path.isfile(page):
        print("FAIL %s: no such page" % page)
        return 1
    return compare(page, name, program)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
