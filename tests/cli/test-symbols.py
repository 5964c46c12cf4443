#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The shared library exports exactly the functions the public headers declare with
KVMCPU_API: no declared function is missing, no internal one leaks."""
import os
import re
import subprocess
import sys

src = os.environ["KVMCPU_SRCDIR"]
build = os.environ["KVMCPU_BUILDDIR"]
declared = set()
for name in os.listdir(os.path.join(src, "include", "kvmcpu")):
    with open(os.path.join(src, "include", "kvmcpu", name)) as f:
        text = f.read()
    # "KVMCPU_API <type> [*]name(" possibly across lines.
    for m in re.finditer(r"KVMCPU_API\b[^;(]*?\b(kvmcpu_\w+)\s*\(", text, re.S):
        declared.add(m.group(1))
lib = os.path.join(build, "libkvmcpu.so")
out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True,
                     check=True).stdout
exported = {line.split()[-1].split("@")[0] for line in out.splitlines()
            if line.split()[1:2] == ["T"]}
missing = sorted(declared - exported)
extra = sorted(exported - declared)
for name in missing:
    print("FAIL: declared but not exported: %s" % name)
for name in extra:
    print("FAIL: exported but not declared with KVMCPU_API: %s" % name)
print("symbols: %d passed, %d failed" % (len(declared & exported), len(missing) + len(extra)))
sys.exit(1 if missing or extra or not declared else 0)
