#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every shell example of README.md and kvmcpu(1) runs as written.

The kvmcpu lines are run by sh, from a directory that looks like a fresh clone (the
repository's tests/ and data/ are there, nothing else), with the built binary on the PATH
as README says. Each must exit 0. `make TARGET` lines must name a target the Makefile
has (make -n); they are not run, since they build and test the whole tree.
"""
import os
import re
import shutil
import subprocess
import tempfile

from kvmcpu_test import CLI, SRCDIR, Checker

NEEDS_KVM = re.compile(r"^kvmcpu (run|verify)\b|^kvmcpu (models|cpuid|host|hv)\b(?!.*--host)")


def readme_examples():
    with open(os.path.join(SRCDIR, "README.md")) as f:
        text = f.read()
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.strip():
                yield "README.md", line.strip()


def man_examples():
    with open(os.path.join(SRCDIR, "man", "kvmcpu.1")) as f:
        text = f.read()
    section = text[text.index(".SH EXAMPLES"):]
    section = section[:section.index(".SH", 4)]
    for block in re.findall(r"^\.nf\n(.*?)^\.fi", section, re.S | re.M):
        for line in block.splitlines():
            yield "kvmcpu.1", line.replace("\\-", "-").replace("\\(aq", "'").strip()


def main():
    c = Checker("examples")
    examples = list(readme_examples()) + list(man_examples())
    c.check(len([e for e in examples if e[1].startswith("kvmcpu")]) >= 12, "README and man page have examples")
    kvm = os.access("/dev/kvm", os.R_OK | os.W_OK)
    with tempfile.TemporaryDirectory() as clone:
        for d in ("tests", "data", "man"):
            os.symlink(os.path.join(SRCDIR, d), os.path.join(clone, d))
        env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(CLI)) + os.pathsep + os.environ["PATH"])
        for doc, line in examples:
            if line.startswith("make "):
                target = line.split()[1]
                p = subprocess.run(["make", "-n", "-C", SRCDIR, target], capture_output=True, text=True)
                c.check(p.returncode == 0, "%s: make target %r exists" % (doc, target))
                continue
            c.check(line.startswith("kvmcpu ") or line.startswith("export PATH"),
                    "%s: an example is a kvmcpu command: %r" % (doc, line))
            command = line.split(" #")[0].strip()
            if NEEDS_KVM.search(command) and not kvm:
                print("SKIPPED (loudly): %s example needs /dev/kvm: %s" % (doc, command))
                continue
            p = subprocess.run(["sh", "-c", command], cwd=clone, env=env, capture_output=True,
                               text=True, timeout=300)
            c.check(p.returncode == 0, "%s example exits 0: %s -> %d %s" % (
                doc, command, p.returncode, p.stderr.strip()[:300]))
    if shutil.which("man") is None:
        print("note: man(1) is not installed; the man page is read as troff text")
    c.finish()


if __name__ == "__main__":
    main()
