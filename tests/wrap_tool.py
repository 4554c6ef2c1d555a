#!/usr/bin/python3
"""Writes OUT, a shell script that starts PROGRAM through WRAPPER (a cross build's qemu-user) with
the script's arguments, for the test drivers that start the tools themselves.
usage: wrap_tool.py OUT WRAPPER... PROGRAM"""
import os
import shlex
import sys

out = sys.argv[1]
with open(out, "w") as f:
    f.write("#!/bin/sh\nexec %s \"$@\"\n" % " ".join(map(shlex.quote, sys.argv[2:])))
os.chmod(out, 0o755)
