#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`models` and `cpuid` agree on what every model loses, on every recorded host.

For each host file, `kvmcpu models --json` gives each model's verdict and missing
features; `kvmcpu cpuid --json` gives the features resolving drops. The two must be
the same list, and a model is runnable exactly when nothing is dropped.

Besides the files of tests/hosts, one recording is made here: KVM's report of the
Haswell dump without KVM's paravirtual leaves (a KVM that offers no kvmclock). There
a model loses kvmclock and friends, which the KVM rules ask for; both commands must
say so.
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from kvmcpu_test import HOSTS, Checker, run, run_json  # noqa: E402


def kvm_report_without_pv_leaf(tmpdir):
    """The Haswell dump as a KVM report (kind kvm) with no 0x4000000x leaf."""
    path = os.path.join(tmpdir, "haswell-kvm-no-pv.txt")
    with open(os.path.join(HOSTS, "intel-haswell.txt")) as src, open(path, "w") as dst:
        for line in src:
            if line.strip() == "kind raw-cpuid":
                dst.write("kind kvm\n")
            elif not line.startswith("4000000"):
                dst.write(line)
    return path


def models(path):
    """`models --json`: exit 0 when a model runs, 1 when none does."""
    rc, out, err = run("models", "--host", path, "--json")
    if rc not in (0, 1):
        raise AssertionError("kvmcpu models --host %s: exit %d: %s" % (path, rc, err))
    return json.loads(out)


def check_host(c, path):
    rows = models(path)
    where = os.path.basename(path)
    for row in rows:
        name = row["name"]
        rc, out, err = run("cpuid", "--cpu", name, "--host", path, "--json")
        if rc:
            c.check(not row["runnable"], "%s on %s: cpuid fails (%s) but models says runnable"
                    % (name, where, err.strip()[:120]))
            continue
        dropped = json.loads(out)["dropped"]
        c.eq(sorted(row["missing"]), sorted(dropped), "%s on %s: models missing vs cpuid dropped"
             % (name, where))
        c.eq(row["runnable"], not dropped, "%s on %s: runnable exactly when nothing drops"
             % (name, where))


def main():
    c = Checker("models-agree")
    hosts = sorted(os.path.join(HOSTS, f) for f in os.listdir(HOSTS) if f.endswith(".txt"))
    with tempfile.TemporaryDirectory() as tmp:
        no_pv = kvm_report_without_pv_leaf(tmp)
        for path in hosts + [no_pv]:
            check_host(c, path)
        # The case the old rule got wrong: x86-64-v2 needs kvmclock under KVM.
        v2 = [r for r in models(no_pv) if r["name"] == "x86-64-v2"][0]
        c.check(not v2["runnable"] and "kvmclock" in v2["missing"],
                "x86-64-v2 on a KVM without kvmclock is not runnable")
    # And on the raw Haswell dump, KVM's own paravirtual features are there.
    j = run_json("cpuid", "--cpu", "x86-64-v2", "--host", os.path.join(HOSTS, "intel-haswell.txt"))
    c.check("kvmclock" not in j["dropped"], "raw Haswell dump: kvmclock kept")
    c.finish()


if __name__ == "__main__":
    main()
