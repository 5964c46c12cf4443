#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Line and branch coverage of src/, per folder and in total, from a gcov build
(make coverage). Branches exclude those gcc adds for exceptions and unreachable code.
usage: coverage-summary.py SRCDIR BUILDDIR"""
import collections
import json
import os
import subprocess
import sys
import tempfile

# The targets of the project (issue 8): the total must meet them.
LINE_TARGET, BRANCH_TARGET = 90.0, 75.0


def pct(hit, total):
    return 100.0 * hit / total if total else 100.0


def main():
    src, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(["gcovr", "--root", src, "--object-directory", build,
                        "--filter", os.path.join(src, "src") + "/",
                        "--exclude-unreachable-branches", "--exclude-throw-branches",
                        "--json-summary", out.name], check=True, cwd=build)
        summary = json.load(open(out.name))
    folders = collections.defaultdict(lambda: [0, 0, 0, 0])
    for f in summary["files"]:
        parts = f["filename"].split("/")
        folder = parts[1] if parts[0] == "src" and len(parts) > 2 else parts[0]
        acc = folders[folder]
        acc[0] += f["line_covered"]
        acc[1] += f["line_total"]
        acc[2] += f["branch_covered"]
        acc[3] += f["branch_total"]
    print("%-10s %18s %20s" % ("src/", "lines", "branches"))
    total = [0, 0, 0, 0]
    for name in sorted(folders):
        a = folders[name]
        total = [t + x for t, x in zip(total, a)]
        print("%-10s %6.1f%% %5d/%-5d %6.1f%% %6d/%-6d" % (name, pct(a[0], a[1]), a[0], a[1],
                                                         pct(a[2], a[3]), a[2], a[3]))
    lines, branches = pct(total[0], total[1]), pct(total[2], total[3])
    print("%-10s %6.1f%% %5d/%-5d %6.1f%% %6d/%-6d" % ("total", lines, total[0], total[1],
                                                     branches, total[2], total[3]))
    print("targets: lines >= %.0f%% %s, branches >= %.0f%% %s"
          % (LINE_TARGET, "met" if lines >= LINE_TARGET else "NOT met",
             BRANCH_TARGET, "met" if branches >= BRANCH_TARGET else "NOT met"))
    return 0


sys.exit(main())
