#!/usr/bin/env python3
"""machinefile.py FILE NAME - print the string value of NAME in a meson machine
file, decoded as meson 1.0 reads it: '...' (escapes \\\\ \\n \\') and raw
'''...''' strings joined with +."""
import re
import sys

TOKEN = re.compile(r"\s*(?:'''(.*?)'''|'((?:[^'\\]|\\.)*)')\s*\+?")
ESC = {"n": "\n", "t": "\t"}


def meson_str(v):
    out, pos = "", 0
    while pos < len(v):
        m = TOKEN.match(v, pos)
        if not m:
            raise ValueError("not a meson string: %r" % v[pos:])
        if m.group(1) is not None:
            out += m.group(1)
        else:
            out += re.sub(r"\\(.)", lambda e: ESC.get(e.group(1), e.group(1)), m.group(2))
        pos = m.end()
    return out


for line in open(sys.argv[1]).read().split("\n"):
    if line.startswith(sys.argv[2] + " = "):
        sys.stdout.write(meson_str(line.split(" = ", 1)[1]))
        sys.exit(0)
sys.exit("%s: no %s" % (sys.argv[1], sys.argv[2]))
