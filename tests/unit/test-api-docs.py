#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every KVMCPU_API function of the public headers has a doc comment (/** ... */) right
above it that names the function, describes each parameter (@name:), says what it
returns (Return:, unless void) and whether it is thread-safe (Thread safety:)."""
import os
import re
import sys

src = os.environ["KVMCPU_SRCDIR"]
incdir = os.path.join(src, "include", "kvmcpu")
# Headers whose doc comments another change owns; checked once it lands (remove from here).
PENDING = {}

DECL = re.compile(r"KVMCPU_API\s+([^;(]*?)\b(kvmcpu_\w+)\s*\(([^)]*)\)\s*;", re.S)
failures = checked = 0


def param_name(param):
    m = re.search(r"(\w+)\s*(\[[^\]]*\])?\s*$", param.strip())
    return m.group(1) if m else None


for name in sorted(os.listdir(incdir)):
    with open(os.path.join(incdir, name)) as f:
        text = f.read()
    if name in PENDING:
        n = len(DECL.findall(text))
        print("NOT CHECKED (loudly): %s, %d functions: %s" % (name, n, PENDING[name]))
        continue
    for m in DECL.finditer(text):
        ret, func, params = " ".join(m.group(1).split()), m.group(2), m.group(3)
        checked += 1
        before = text[:m.start()].rstrip()
        problems = []
        if not before.endswith("*/"):
            problems.append("no comment right above it")
            doc = ""
        else:
            start = before.rfind("/*")
            doc = before[start:]
            if not doc.startswith("/**"):
                problems.append("its comment is not a doc comment (/**)")
        if doc and "%s()" % func not in doc:
            problems.append("the comment does not name %s()" % func)
        for p in params.split(","):
            p = p.strip()
            if p in ("", "void"):
                continue
            pn = param_name(p)
            if pn and "@%s:" % pn not in doc:
                problems.append("parameter %s is not described (@%s:)" % (pn, pn))
        if doc and ret != "void" and "Return:" not in doc:
            problems.append("no Return: section")
        if doc and "Thread safety:" not in doc:
            problems.append("no Thread safety: line")
        for problem in problems:
            failures += 1
            print("FAIL: %s: %s: %s" % (name, func, problem))
print("api-docs: %d functions checked, %d problems" % (checked, failures))
sys.exit(1 if failures or not checked else 0)
