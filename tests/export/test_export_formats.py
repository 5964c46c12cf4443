#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""kvmcpu export, format by format, checked against sources independent of the writers:

  qemu hv-*    every hv-* property against the bits QEMU gives it (QEMU's
               target/i386/kvm/kvm.c kvm_hyperv_properties, the TLFS bit names):
               the properties' bits must be exactly kvmcpu's Hyper-V leaves
  firecracker  the template format of Firecracker's docs/cpu_templates (schema.json:
               leaf/subleaf integer strings, flags an integer, registers eax..edx,
               bitmaps 0b[01x]{32}/{64} with '_' separators), decoded back into
               kvmcpu's whole table and MSR plan
  libvirt      a full domain around the fragment passes virt-xml-validate; every
               feature name exists in libvirt's cpu_map, and its CPUID/MSR bit there
               is set (require) or clear (disable) in kvmcpu's table
  proxmox      the cpu-models.conf entry syntax; each +flag/-flag is a QEMU feature
               set/clear in kvmcpu's table; phys-bits is the table's
  openvmm      the parameter string read back by kvmcpu gives the same table
  errors       unknown format, not expressible (exit 2 naming it), --lossy warnings
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

CLI = os.environ.get("KVMCPU_CLI", "build/cli/kvmcpu")
SRC = os.environ.get("KVMCPU_SRCDIR", ".")
HOSTS = os.path.join(SRC, "tests", "hosts")
HV_HOST = os.path.join(HOSTS, "hv-intel-evmcs.txt")
INTEL = os.path.join(HOSTS, "intel-icelake-server.txt")
AMD = os.path.join(HOSTS, "amd-epyc-rome.txt")
CPU_MAP = "/usr/share/libvirt/cpu_map"
failures = []
passed = 0


def num(v):
    """A JSON number, or a 64-bit value written as a "0x..." string (docs/cli-json.md)."""
    return int(v, 0) if isinstance(v, str) else v


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print("FAIL: %s" % what)


def run(*args):
    return subprocess.run([CLI] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)


def table(*args):
    p = run("cpuid", "--json", *args)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    return {(e["function"], e["index"]): e for e in doc["entries"]}, doc


def reg(t, leaf, r, sub=0):
    e = t.get((leaf, sub))
    return e[r] if e else 0


# QEMU's hv-* properties and the CPUID bits each sets (TLFS names in comments):
# (leaf, register, mask). hv-spinlocks is a count in 0x40000004 EBX.
B = lambda n: 1 << n  # noqa: E731
QEMU_HV = {
    "hv-relaxed": [(0x40000004, "eax", B(5))],              # RelaxedTimingRecommended
    "hv-vapic": [(0x40000003, "eax", B(4))],                # AccessApicMsrs
    "hv-time": [(0x40000003, "eax", B(1) | B(9))],          # TimeRefCount, ReferenceTsc
    "hv-crash": [(0x40000003, "edx", B(10))],               # GuestCrashMsrsAvailable
    "hv-reset": [(0x40000003, "eax", B(7))],                # AccessResetMsr
    "hv-vpindex": [(0x40000003, "eax", B(6))],              # AccessVpIndex
    "hv-runtime": [(0x40000003, "eax", B(0))],              # AccessVpRunTimeReg
    "hv-synic": [(0x40000003, "eax", B(2))],                # AccessSynicRegs
    "hv-stimer": [(0x40000003, "eax", B(3))],               # AccessSyntheticTimerRegs
    "hv-frequencies": [(0x40000003, "eax", B(11)), (0x40000003, "edx", B(8))],
    "hv-reenlightenment": [(0x40000003, "eax", B(13))],     # AccessReenlightenmentControls
    "hv-tlbflush": [(0x40000004, "eax", B(2) | B(11))],     # RemoteTlbFlush, ExProcessorMasks
    "hv-evmcs": [(0x40000004, "eax", B(14))],               # EnlightenedVmcsRecommended
    "hv-ipi": [(0x40000004, "eax", B(10) | B(11))],         # ClusterIpi, ExProcessorMasks
    "hv-stimer-direct": [(0x40000003, "edx", B(19))],       # DirectSyntheticTimers
    "hv-avic": [(0x40000004, "eax", B(9))],                 # DeprecateAutoEoi
    "hv-emsr-bitmap": [(0x4000000A, "eax", B(19))],
    "hv-xmm-input": [(0x40000003, "edx", B(4))],            # XmmRegistersForFastHypercall
    "hv-tlbflush-ext": [(0x40000003, "edx", B(14))],        # ExtendedGvaRangesForFlush
    "hv-tlbflush-direct": [(0x4000000A, "eax", B(17))],
    "hv-no-nonarch-coresharing": [(0x40000004, "eax", B(18))],
    "hv-syndbg": [(0x40000003, "edx", B(11))],              # GuestDebuggingAvailable
    "hv-enforce-cpuid": [],
}
HYPERCALL = (0x40000003, "eax", B(5))     # QEMU sets it with any hv-* property
APIC_RECOMMENDED = (0x40000004, "eax", B(3))  # hv-vapic without hv-avic


def qemu_hv():
    specs = ["windows", "default", "windows+crash+tlbflush_ext+xmm_input",
             "relaxed+vapic+spinlocks=0x1fff", "passthrough", "synic+stimer+stimer_direct",
             "windows+no_avic+reenlightenment", "windows+syndbg+enforce_cpuid",
             "windows+no_kvm_leaves"]
    for hv in specs:
        for nested in ([], ["--nested"]):
            args = ["--cpu", "Skylake-Server", "--hv", hv, "--host", HV_HOST] + nested
            p = run("export", "--format", "qemu", *args)
            check(p.returncode == 0, "export qemu --hv %s %s: %s" % (hv, nested, p.stderr))
            if p.returncode:
                continue
            t, _ = table(*args)
            props = p.stdout.split()[1].strip("'").split(",")
            want = {}
            spin = 0xFFFFFFFF
            names = [x for x in props if x.startswith("hv-")]
            for prop in names:
                if prop.startswith("hv-spinlocks="):
                    spin = int(prop.split("=")[1], 0)
                    continue
                if prop.startswith("hv-vendor-id="):
                    continue
                check(prop in QEMU_HV, "--hv %s: %s is no QEMU property" % (hv, prop))
                for leaf, r, m in QEMU_HV.get(prop, []) + [HYPERCALL]:
                    want[(leaf, r)] = want.get((leaf, r), 0) | m
            if "hv-vapic" in names and "hv-avic" not in names:
                want[APIC_RECOMMENDED[:2]] = want.get(APIC_RECOMMENDED[:2], 0) | B(3)
            for leaf, r in [(0x40000003, "eax"), (0x40000003, "edx"), (0x40000004, "eax"),
                            (0x4000000A, "eax")]:
                got = reg(t, leaf, r) & (~0xFFFF if leaf == 0x4000000A else ~0)
                check(got == want.get((leaf, r), 0),
                      "--hv %s %s: %#x %s: kvmcpu %#x, QEMU's properties %#x (%s)"
                      % (hv, nested, leaf, r, got, want.get((leaf, r), 0), ",".join(names)))
            # QEMU's kvm=off leaves out KVM's "KVMKVMKVM" leaves (EBX "KVMK").
            kvm_sig = any(reg(t, leaf, "ebx") == 0x4b4d564b for leaf in (0x40000000, 0x40000100))
            check(("kvm=off" in props) == (not kvm_sig),
                  "--hv %s: kvm=off %s, KVM leaves in the table %s" % (hv, "kvm=off" in props, kvm_sig))
            check(reg(t, 0x40000004, "ebx") == spin, "--hv %s: hv-spinlocks=%#x, table %#x"
                  % (hv, spin, reg(t, 0x40000004, "ebx")))


BITMAP = re.compile(r"^0b[01x_]+$")


def bits(bm, width):
    s = bm[2:].replace("_", "")
    if len(s) != width or "x" in s:
        return None
    return int(s, 2)


def firecracker():
    for args in (["--cpu", "Skylake-Server", "--host", INTEL],
                 ["--cpu", "EPYC-Rome+no_sha-ni", "--host", AMD],
                 ["--cpu", "Icelake-Server", "--host", INTEL, "--nested", "--hv", "none"]):
        p = run("export", "--format", "firecracker", *args)
        check(p.returncode == 0, "firecracker %s: %s" % (args, p.stderr))
        if p.returncode:
            continue
        doc = json.loads(p.stdout)
        check(set(doc) <= {"kvm_capabilities", "cpuid_modifiers", "msr_modifiers"},
              "firecracker: unknown top-level members %s" % sorted(doc))
        t, kdoc = table(*args)
        seen = {}
        for e in doc["cpuid_modifiers"]:
            check(set(e) == {"leaf", "subleaf", "flags", "modifiers"}, "members %s" % sorted(e))
            check(isinstance(e["leaf"], str) and isinstance(e["subleaf"], str) and
                  isinstance(e["flags"], int), "types of %s" % e)
            key = (int(e["leaf"], 0), int(e["subleaf"], 0))
            regs = {}
            for m in e["modifiers"]:
                check(m["register"] in ("eax", "ebx", "ecx", "edx"), "register %s" % m)
                check(bool(BITMAP.match(m["bitmap"])), "bitmap syntax %s" % m["bitmap"])
                regs[m["register"]] = bits(m["bitmap"], 32)
            seen[key] = dict(regs, flags=e["flags"])
        check(set(seen) == set(t), "firecracker %s: leaves %s vs kvmcpu %s"
              % (args, sorted(set(seen) ^ set(t)), ""))
        for key, e in t.items():
            for r in ("eax", "ebx", "ecx", "edx", "flags"):
                check(seen.get(key, {}).get(r) == e[r], "firecracker %s: %#x.%d %s" %
                      (args, key[0], key[1], r))
        msrs = {int(m["addr"], 0): bits(m["bitmap"], 64) for m in doc["msr_modifiers"]}
        want = {num(m["index"]): num(m["value"]) for m in kdoc["msrs"] if not m["per_vcpu_index"]}
        check(msrs == want, "firecracker %s: MSRs %s vs kvmcpu %s" % (args, msrs, want))


def libvirt_bits():
    out = {}
    for f in ET.parse(os.path.join(CPU_MAP, "x86_features.xml")).getroot().iter("feature"):
        c, m = f.find("cpuid"), f.find("msr")
        if c is not None:
            out[f.get("name")] = [("cpuid", int(c.get("eax_in"), 16), int(c.get("ecx_in", "0"), 16),
                                   r, int(c.get(r), 16)) for r in ("eax", "ebx", "ecx", "edx")
                                  if c.get(r) and int(c.get(r), 16)]
        elif m is not None:
            out[f.get("name")] = [("msr", int(m.get("index"), 16),
                                   (int(m.get("edx"), 16) << 32) | int(m.get("eax"), 16))]
    return out


DOMAIN = """<domain type='kvm'>
  <name>kvmcpu-export</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
%s
</domain>
"""


def libvirt():
    if not os.path.isdir(CPU_MAP) or not shutil.which("virt-xml-validate"):
        print("SKIP (loudly): libvirt checks: %s or virt-xml-validate missing (Debian's "
              "libvirt-daemon and libvirt-clients; make deps installs them)" % CPU_MAP)
        return
    lb = libvirt_bits()
    cases = [["--cpu", "Skylake-Server+no_avx512f", "--host", INTEL],
             ["--cpu", "Cascadelake-Server-v4", "--host", INTEL],
             ["--cpu", "EPYC-Rome-v2+no_sha-ni", "--host", AMD],
             ["--cpu", "Skylake-Server", "--hv", "windows", "--host", HV_HOST],
             ["--cpu", "Westmere", "--hv", "relaxed+vapic+spinlocks=0x1fff", "--host", HV_HOST],
             ["--cpu", "EPYC-Rome", "--hv", "default+no_kvm_leaves", "--host", HV_HOST]]
    for args in cases:
        p = run("export", "--format", "libvirt", "--lossy", *args)
        check(p.returncode == 0, "libvirt %s: %s" % (args, p.stderr))
        if p.returncode:
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
            f.write(DOMAIN % p.stdout)
        v = subprocess.run(["virt-xml-validate", f.name, "domain"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        os.unlink(f.name)
        check(v.returncode == 0, "virt-xml-validate %s: %s" % (args, v.stdout))
        dom = ET.fromstring("<r>%s</r>" % p.stdout)
        model = dom.find("cpu/model").text
        check(os.path.exists(os.path.join(CPU_MAP, "x86_%s.xml" % model)),
              "libvirt model %s is not in cpu_map" % model)
        t, doc = table(*[a for a in args])
        msrs = {num(m["index"]): num(m["value"]) for m in doc["msrs"]}
        for feat in dom.iter("feature"):
            name, on = feat.get("name"), feat.get("policy") == "require"
            check(name in lb, "libvirt feature %s is not in cpu_map" % name)
            for b in lb.get(name, []):
                if b[0] == "msr":
                    val = msrs.get(b[1], 0) & b[2]
                else:
                    val = reg(t, b[1], b[3], b[2] if b[1] in (7, 0xd, 0xf, 0x12, 0x14) else 0) & b[4]
                check(bool(val) == on, "libvirt %s: %s %s but kvmcpu's bit is %s"
                      % (args, feat.get("policy"), name, bool(val)))
    p = run("export", "--format", "libvirt", "--cpu", "Skylake-Server", "--hv",
            "windows+tlbflush_ext", "--host", HV_HOST)
    check(p.returncode == 2 and "tlbflush_ext" in p.stderr,
          "libvirt: tlbflush_ext must be refused naming it (exit %d: %s)" % (p.returncode, p.stderr))
    p = run("export", "--format", "libvirt", "--lossy", "--cpu", "Skylake-Server", "--hv",
            "windows+tlbflush_ext", "--host", HV_HOST)
    check(p.returncode == 0 and "warning" in p.stderr and "tlbflush_ext" in p.stderr,
          "libvirt --lossy: a warning naming tlbflush_ext (exit %d: %s)" % (p.returncode, p.stderr))


def proxmox():
    flag = re.compile(r"^[+-][a-zA-Z0-9\-_.]+(;[+-][a-zA-Z0-9\-_.]+)*$")
    for args in (["--cpu", "Cascadelake-Server-v3+no_avx512f", "--host", INTEL],
                 ["--cpu", "EPYC-Rome+no_sha-ni", "--host", AMD],
                 ["--cpu", "Skylake-Server-v4", "--host", INTEL]):
        p = run("export", "--format", "proxmox", *args)
        check(p.returncode == 0, "proxmox %s: %s" % (args, p.stderr))
        if p.returncode:
            continue
        lines = p.stdout.rstrip("\n").split("\n")
        check(re.match(r"^cpu-model: [A-Za-z0-9_-]+$", lines[0]) is not None, "header %r" % lines[0])
        keys = {}
        for line in lines[1:]:
            m = re.match(r"^\t([a-z-]+) (.+)$", line)
            check(m is not None, "proxmox line %r" % line)
            if m:
                keys[m.group(1)] = m.group(2)
        check(set(keys) <= {"flags", "phys-bits", "hidden", "hv-vendor-id", "reported-model",
                            "guest-phys-bits", "level"}, "proxmox keys %s" % sorted(keys))
        check("reported-model" in keys, "proxmox: reported-model missing")
        t, doc = table(*args)
        if "flags" in keys:
            check(bool(flag.match(keys["flags"])), "proxmox flags %r" % keys["flags"])
            # Where libvirt's cpu_map spells the QEMU name alike, it gives the bit.
            lb = libvirt_bits() if os.path.isdir(CPU_MAP) else {}
            for f in keys["flags"].split(";"):
                for b in lb.get(f[1:], []):
                    if b[0] == "cpuid":
                        sub = b[2] if b[1] in (7, 0xd, 0xf, 0x12, 0x14) else 0
                        check(bool(reg(t, b[1], b[3], sub) & b[4]) == (f[0] == "+"),
                              "proxmox %s: %s but kvmcpu's bit differs" % (args, f))
        check(int(keys.get("phys-bits", "0")) == reg(t, 0x80000008, "eax") & 0xff,
              "proxmox phys-bits")


def openvmm():
    for args in (["--cpu", "Skylake-Server+no_hle", "--hv", "windows", "--host", HV_HOST],
                 ["--cpu", "EPYC-Rome", "--host", AMD],
                 ["--cpu", "Icelake-Server", "--nested", "--host", HV_HOST],
                 ["--cpu", "EPYC-Rome", "--smp", "4,sockets=2,cores=2", "--host", AMD]):
        p = run("export", "--format", "openvmm", *args)
        check(p.returncode == 0, "openvmm %s: %s" % (args, p.stderr))
        host = args[args.index("--host") + 1]
        back, _ = table("--kvm", p.stdout.strip(), "--host", host)
        t, _ = table(*args)
        check(back == t, "openvmm %s: %r reads back as another table" % (args, p.stdout))


def errors():
    p = run("export", "--format", "vmware", "--cpu", "qemu64", "--host", INTEL)
    check(p.returncode == 2 and all(f in p.stderr for f in
                                    ("qemu", "libvirt", "firecracker", "proxmox", "openvmm")),
          "unknown format: exit 2 naming the formats (%d: %s)" % (p.returncode, p.stderr))
    p = run("export", "--format", "firecracker", "--cpu", "EPYC-Rome", "--host", INTEL)
    check(p.returncode == 2 and "vendor" in p.stderr,
          "firecracker: another vendor than the host's is refused (%d: %s)" % (p.returncode, p.stderr))
    p = run("export", "--format", "firecracker", "--cpu", "Skylake-Server", "--hv", "windows",
            "--host", HV_HOST)
    check(p.returncode == 2 and "relaxed" in p.stderr,
          "firecracker: Hyper-V flags are refused by name (%d: %s)" % (p.returncode, p.stderr))
    p = run("export", "--format", "qemu", "--cpu", "Skylake-Server", "--host", INTEL, "--json")
    doc = json.loads(p.stdout)
    check(doc.get("schema") == "kvmcpu-export/1" and doc["output"].startswith("-cpu ")
          and doc["lost"] == [], "--json: %s" % doc)


def main():
    if not os.access(CLI, os.X_OK):
        print("no kvmcpu at %s" % CLI)
        return 1
    for t in (qemu_hv, firecracker, libvirt, proxmox, openvmm, errors):
        t()
    print("export formats: %d checks passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
