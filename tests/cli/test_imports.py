#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hosts recorded by other tools (docs/host-format.md, "Recordings of other tools").

Every import is checked on real files from that tool (tests/imports/README.md says where
each comes from) against a reading that does not use kvmcpu's importer:
- Firecracker fingerprints: the bitmaps decoded here with Python's own JSON and int(),
  following Firecracker's docs/cpu_templates/cpu-templates.md;
- InstLatx64 dumps: the same processors converted independently into kvmcpu's text
  format (tests/hosts/intel-conroe.txt, intel-nehalem.txt);
- `cpuid -r`: this machine recorded now with Debian's cpuid tool, compared with the
  kernel's /dev/cpu/0/cpuid and with the live KVM host (vendor, signature).
Bad input: a truncated or foreign recording exits 2 naming the format and the line or member.
"""
import json
import os
import shutil
import subprocess
import tempfile

from kvmcpu_test import HOSTS, SRCDIR, Checker, run

IMPORTS = os.path.join(SRCDIR, "tests", "imports")


def host_json(path):
    _, out, _ = run("host", "--host", path, "--json", check=0)
    doc = json.loads(out)
    return {(int(e["function"], 16), int(e["index"], 16)): e for e in doc["cpuid"]}, doc


def summary(path):
    _, out, _ = run("host", "--host", path, check=0)
    return dict(line.split(None, 1) for line in out.splitlines()[:8] if len(line.split(None, 1)) == 2)


def regs(e):
    return tuple(int(e[r], 16) for r in ("eax", "ebx", "ecx", "edx"))


def test_firecracker(c):
    for name in ("firecracker-intel-cascadelake-6.1.json", "firecracker-amd-milan-6.1.json"):
        path = os.path.join(IMPORTS, name)
        with open(path) as f:
            fp = json.load(f)
        want = {}
        for m in fp["guest_cpu_config"]["cpuid_modifiers"]:
            r = {x["register"]: int(x["bitmap"][2:].replace("_", ""), 2) for x in m["modifiers"]}
            want[(int(m["leaf"], 16), int(m["subleaf"], 16))] = (
                (r["eax"], r["ebx"], r["ecx"], r["edx"]), m["flags"])
        got, doc = host_json(path)
        c.eq(sorted(got), sorted(want), "%s: the leaves imported" % name)
        for key, (values, flags) in want.items():
            if key in got:
                c.eq(regs(got[key]), values, "%s: leaf 0x%x.%x" % (name, *key))
                c.eq(int(got[key]["flags"], 16), flags, "%s: flags of leaf 0x%x.%x" % (name, *key))
        c.eq(doc["kernel"], fp["kernel_version"], "%s: kernel" % name)
        msrs = {int(m["index"], 16): int(m["value"], 16) for m in doc["msrs"]}
        arch = [m for m in fp["guest_cpu_config"]["msr_modifiers"] if int(m["addr"], 16) == 0x10a]
        if arch:
            c.eq(msrs.get(0x10a), int(arch[0]["bitmap"][2:], 2), "%s: IA32_ARCH_CAPABILITIES" % name)
        # The guest's boot MSRs (SYSENTER, EFER's neighbours, KVM's PV MSRs) are not host features.
        c.check(0x174 not in msrs and 0xc0000081 not in msrs and 0x4b564d00 not in msrs,
                "%s: only feature MSRs are imported, got %s" % (name, sorted(hex(i) for i in msrs)))
        s = summary(path)
        c.eq(s.get("format"), "firecracker-fingerprint", "%s: format named by kvmcpu host" % name)
        c.eq(s.get("kind", "").split()[0], "kvm", "%s: a fingerprint is a KVM view" % name)


def fixture_entries(name):
    """tests/hosts/<name>: the independent conversion, minus the SYSCALL note's bit."""
    entries, syscall_note = {}, False
    with open(os.path.join(HOSTS, name)) as f:
        for line in f:
            if line.startswith("# note:") and "SYSCALL" in line:
                syscall_note = True
            if line.startswith("#") or not line.strip() or line.startswith("kind "):
                continue
            v = [int(x, 16) for x in line.split()]
            entries[(v[0], v[1])] = tuple(v[2:])
    if syscall_note:  # set by hand in the fixture (its README); the original dump has it clear
        e = entries[(0x80000001, 0)]
        entries[(0x80000001, 0)] = e[:3] + (e[3] & ~(1 << 11),)
    return entries


def test_instlatx64(c):
    for dump, fixture in (("instlatx64-conroe.txt", "intel-conroe.txt"),
                          ("instlatx64-nehalem-ep.txt", "intel-nehalem.txt")):
        path = os.path.join(IMPORTS, dump)
        got, _ = host_json(path)
        want = fixture_entries(fixture)
        c.eq(sorted(got), sorted(want), "%s: the leaves of logical CPU #0" % dump)
        for key in want:
            if key in got:
                c.eq(regs(got[key]), want[key], "%s: leaf 0x%x.%x" % (dump, *key))
        s = summary(path)
        c.eq(s.get("format"), "instlatx64", "%s: format" % dump)
        c.eq(s.get("kind", "").split()[0], "raw-cpuid", "%s: a silicon dump is raw" % dump)
    # The bare format: three lines, leaf 1 EAX 0x665 is family 6 model 6 stepping 5 (Mendocino).
    got, _ = host_json(os.path.join(IMPORTS, "instlatx64-p2-mendocino.txt"))
    c.eq(sorted(got), [(0, 0), (1, 0), (2, 0)], "mendocino: leaves")
    c.eq(regs(got[(1, 0)])[0], 0x665, "mendocino: signature")


def cpuid_dev(leaf, subleaf):
    fd = os.open("/dev/cpu/0/cpuid", os.O_RDONLY)
    try:
        data = os.pread(fd, 16, leaf | subleaf << 32)
    finally:
        os.close(fd)
    return tuple(int.from_bytes(data[i:i + 4], "little") for i in range(0, 16, 4))


def test_cpuid_r(c):
    # The recording kept in tests/: this machine's own, made with the same tool.
    kept, _ = host_json(os.path.join(IMPORTS, "cpuid-r-this-host.txt"))
    c.check(len(kept) > 20, "cpuid-r-this-host.txt: %d leaves" % len(kept))
    tool = shutil.which("cpuid")
    if not tool:
        print("SKIPPED (loudly): Debian's cpuid tool is not installed (scripts/install-deps.sh "
              "installs it); the live cpuid -r comparison did not run")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cpuid-r.txt")
        with open(path, "w") as f:
            subprocess.run([tool, "-r"], stdout=f, check=True)
        got, _ = host_json(path)
        s = summary(path)
    c.eq(s.get("format"), "cpuid-r", "cpuid -r: format")
    c.eq(s.get("kind", "").split()[0], "raw-cpuid", "cpuid -r: kind")
    if not os.path.exists("/dev/cpu/0/cpuid"):
        subprocess.run(["modprobe", "cpuid"], capture_output=True)
    if os.access("/dev/cpu/0/cpuid", os.R_OK):
        for (leaf, sub), e in sorted(got.items()):
            c.eq(regs(e), cpuid_dev(leaf, sub), "cpuid -r leaf 0x%x.%x vs /dev/cpu/0/cpuid" % (leaf, sub))
    else:
        print("SKIPPED (loudly): /dev/cpu/0/cpuid is not readable; compared with KVM's view only")
    if os.access("/dev/kvm", os.R_OK | os.W_OK):
        live, _ = host_json_live()
        c.eq(regs(got[(0, 0)])[1:], regs(live[(0, 0)])[1:], "cpuid -r vendor vs the live KVM host")
        c.eq(regs(got[(1, 0)])[0], regs(live[(1, 0)])[0], "cpuid -r signature vs the live KVM host")
    else:
        print("SKIPPED (loudly): /dev/kvm is not usable; the live-host comparison did not run")


def host_json_live():
    _, out, _ = run("host", "--json", check=0)
    doc = json.loads(out)
    return {(int(e["function"], 16), int(e["index"], 16)): e for e in doc["cpuid"]}, doc


def refused(c, what, data, needles):
    with tempfile.NamedTemporaryFile("w", suffix=".rec", delete=False) as f:
        f.write(data)
    try:
        rc, out, err = run("host", "--host", f.name)
    finally:
        os.unlink(f.name)
    c.eq(rc, 2, "%s: exit status" % what)
    for n in needles:
        c.check(n in err, "%s: %r not in the message %r" % (what, n, err))


def test_bad_input(c):
    with open(os.path.join(IMPORTS, "firecracker-intel-cascadelake-6.1.json")) as f:
        fc = f.read()
    refused(c, "truncated fingerprint", fc[:5000], ["Firecracker fingerprint", "line", "truncated"])
    i = fc.index('"bitmap": "0b') + len('"bitmap": "0b') + 31  # the last digit of the first bitmap
    refused(c, "template, not a fingerprint", fc[:i] + "x" + fc[i + 1:],
            ["Firecracker fingerprint", "guest_cpu_config.cpuid_modifiers[", "'x'"])
    refused(c, "register missing", fc.replace('"register": "edx"', '"register": "edi"', 1),
            ["Firecracker fingerprint", "modifiers[3]", "edi"])
    # A custom CPU template has the layout of a fingerprint's guest_cpu_config (Firecracker's docs).
    refused(c, "a CPU template, not a fingerprint", json.dumps(json.loads(fc)["guest_cpu_config"]),
            ["Firecracker", "CPU template", "(top level)"])
    refused(c, "aarch64 fingerprint", '{"firecracker_version": "1.5", "guest_cpu_config": {"reg_modifiers": []}}',
            ["Firecracker fingerprint", "aarch64"])
    with open(os.path.join(IMPORTS, "cpuid-r-this-host.txt")) as f:
        lines = f.read().splitlines(True)
    refused(c, "truncated cpuid -r", "".join(lines[:10]) + lines[10][:30],
            ["cpuid -r output", ":11:"])
    with open(os.path.join(IMPORTS, "instlatx64-conroe.txt"), newline="") as f:
        il = f.read().splitlines(True)
    cut = next(i for i, l in enumerate(il) if l.startswith("CPUID 00000004"))
    refused(c, "truncated InstLatx64 dump", "".join(il[:cut]) + il[cut][:25],
            ["InstLatx64 CPUID dump", ":%d:" % (cut + 1)])
    refused(c, "InstLatx64 dump without registers", "------[ Versions ]------\n\nProgram Version : AIDA64\n",
            ["InstLatx64 CPUID dump", "no 'CPUID"])


def test_wherever_a_host_is(c):
    """Every command that takes --host takes each import."""
    for name in sorted(os.listdir(IMPORTS)):
        if name == "README.md":
            continue
        path = os.path.join(IMPORTS, name)
        rc, out, err = run("models", "--host", path)
        c.check(rc in (0, 1) and "Skylake-Server" in out, "models --host %s: exit %d %s" % (name, rc, err[-200:]))
        rc, _, err = run("cpuid", "--cpu", "host", "--host", path)
        c.eq((rc, err), (0, ""), "cpuid --cpu host --host %s" % name)
        rc, _, err = run("hv", "--host", path)
        c.eq(rc, 0, "hv --host %s: %s" % (name, err[-200:]))


def main():
    c = Checker("imports")
    test_wherever_a_host_is(c)
    test_firecracker(c)
    test_instlatx64(c)
    test_cpuid_r(c)
    test_bad_input(c)
    c.finish()


if __name__ == "__main__":
    main()
