#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every C example in README.md, docs/*.md and man/kvmcpu.1 compiles against the public
headers as C11 with warnings as errors, and links with the library when it has a main(),
so no example can rot. A ```c block is one translation unit; in the man page, an
example between .EX and .EE that includes <kvmcpu/...> is one too."""
import glob
import os
import re
import subprocess
import sys
import tempfile

src = os.environ["KVMCPU_SRCDIR"]
build = os.environ["KVMCPU_BUILDDIR"]
cc = os.environ.get("CC", "cc")


def examples():
    paths = [os.path.join(src, "README.md")] + sorted(glob.glob(os.path.join(src, "docs", "*.md")))
    for path in paths:
        with open(path) as f:
            text = f.read()
        for m in re.finditer(r"^```c\n(.*?)^```", text, re.S | re.M):
            line = text[:m.start()].count("\n") + 1
            yield "%s:%d" % (os.path.relpath(path, src), line), m.group(1)
    man = os.path.join(src, "man", "kvmcpu.1")
    with open(man) as f:
        text = f.read()
    for m in re.finditer(r"^\.EX\n(.*?)^\.EE", text, re.S | re.M):
        body = m.group(1).replace("\\-", "-").replace("\\e", "\\")
        if "<kvmcpu/" in body:
            line = text[:m.start()].count("\n") + 1
            yield "man/kvmcpu.1:%d" % line, body


def main():
    failed = passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for where, code in examples():
            path = os.path.join(tmp, "example.c")
            with open(path, "w") as f:
                f.write(code)
            has_main = re.search(r"\bint\s+main\s*\(", code) is not None
            out = os.path.join(tmp, "example" + ("" if has_main else ".o"))
            cmd = [cc, "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-pedantic",
                   "-I" + os.path.join(src, "include"), path, "-o", out]
            cmd += ["-L" + build, "-lkvmcpu"] if has_main else ["-c"]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode:
                failed += 1
                print("FAIL: %s does not compile:\n%s" % (where, r.stderr))
            else:
                passed += 1
                print("ok: %s (%s)" % (where, "linked" if has_main else "compiled"))
    print("doc-examples: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


sys.exit(main())
