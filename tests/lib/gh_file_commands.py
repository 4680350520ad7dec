#!/usr/bin/env python3
"""gh_file_commands.py - what a GitHub Actions runner does with the files a
step writes to $GITHUB_ENV and $GITHUB_PATH, written from the documented
format (workflow commands, "Environment files"):

  $GITHUB_ENV   each line is either NAME=VALUE (split at the first '='), or
                NAME<<DELIMITER followed by value lines up to a line that is
                exactly DELIMITER (the value is those lines joined by a
                newline).  Empty lines are skipped.  Anything else - a
                comment, a line without '=' or '<<', an empty name or
                delimiter, a heredoc without its closing delimiter - fails
                the step.
  $GITHUB_PATH  each non-empty line is a directory put first in PATH for the
                later steps; one added later comes before one added earlier.

Usage: gh_file_commands.py ENVFILE PATHFILE OLDPATH
prints the resulting environment (NAME=VALUE with values JSON-quoted, and
PATH=...) or "error: ..." and exits 1.
"""
import json
import sys


def parse_env(text):
    env = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line == "":
            continue
        eq = line.find("=")
        hd = line.find("<<")
        if eq >= 0 and (hd < 0 or eq < hd):
            name, value = line[:eq], line[eq + 1:]
            if name == "":
                raise ValueError("empty name in line %d: %r" % (i, line))
            env[name] = value
        elif hd >= 0:
            name, delim = line[:hd], line[hd + 2:]
            if name == "" or delim == "":
                raise ValueError("empty name or delimiter in line %d: %r" % (i, line))
            body = []
            while True:
                if i >= len(lines):
                    raise ValueError("no closing delimiter %r for %s" % (delim, name))
                l = lines[i]
                i += 1
                if l == delim:
                    break
                body.append(l)
            env[name] = "\n".join(body)
        else:
            raise ValueError("invalid format in line %d: %r" % (i, line))
    return env


def apply_path(text, old):
    prepend = []
    for line in text.split("\n"):
        if line == "":
            continue
        if line in prepend:
            prepend.remove(line)
        prepend.append(line)
    return ":".join(list(reversed(prepend)) + ([old] if old else []))


def main():
    try:
        env = parse_env(open(sys.argv[1]).read())
    except ValueError as e:
        print("error: %s" % e)
        return 1
    for k in sorted(env):
        print("%s=%s" % (k, json.dumps(env[k])))
    print("PATH=%s" % apply_path(open(sys.argv[2]).read(), sys.argv[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
