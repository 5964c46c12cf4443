#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`kvmcpu host` says which kind of recording it shows, in text and in --json/--text."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from kvmcpu_test import HOSTS, Checker, run  # noqa: E402


def main():
    c = Checker("host-kind-cli")
    raw = os.path.join(HOSTS, "intel-haswell.txt")
    kvm = os.path.join(HOSTS, "hv-intel-evmcs.txt")
    rc, out, _ = run("host", "--host", raw)
    c.eq(rc, 0, "host --host raw dump")
    c.check("\nkind     raw-cpuid (" in out, "summary names the raw kind")
    c.check("CPUID of the processor (raw dump)" in out, "raw CPUID is not called KVM's")
    rc, out, _ = run("host", "--host", kvm)
    c.check("\nkind     kvm (" in out, "summary names the kvm kind")
    c.check("supported CPUID (KVM_GET_SUPPORTED_CPUID)" in out, "KVM's table named as such")
    rc, out, _ = run("host", "--host", raw, "--json")
    j = json.loads(out)
    c.eq((j.get("schema"), j.get("kind")), ("kvmcpu-host/2", "raw-cpuid"), "--json of a raw dump")
    rc, out, _ = run("host", "--host", kvm, "--json")
    j = json.loads(out)
    c.eq((j.get("schema"), "kind" in j), ("kvmcpu-host/1", False), "--json of KVM's report")
    rc, out, _ = run("host", "--host", raw, "--text")
    c.check("\nkind raw-cpuid\n" in out, "--text of a raw dump keeps its kind line")
    c.finish()


if __name__ == "__main__":
    main()
