#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The kvmcpu command line: help, exit codes, error messages, JSON shapes, round trips."""
import json
import os
import tempfile

from kvmcpu_test import CLI, HOSTS, Checker, run, run_json

SKX = os.path.join(HOSTS, "intel-skylake-server.txt")
HSW = os.path.join(HOSTS, "intel-haswell.txt")
COMMANDS = ["models", "model", "cpuid", "host", "hv", "run", "verify"]


def test_help_and_usage(c):
    rc, out, _ = run("--help")
    c.eq(rc, 0, "kvmcpu --help")
    for cmd in COMMANDS:
        c.check(cmd in out, "--help lists %s" % cmd)
        rc, out2, _ = run(cmd, "--help")
        c.eq(rc, 0, "kvmcpu %s --help exit" % cmd)
        c.check("Usage: kvmcpu %s" % cmd in out2, "kvmcpu %s --help prints usage" % cmd)
    rc, _, err = run("frobnicate")
    c.eq(rc, 2, "unknown command exit")
    c.check("unknown command 'frobnicate'" in err, "unknown command message")
    rc, _, err = run("models", "--bogus")
    c.eq(rc, 2, "unknown option exit")
    rc, _, err = run("cpuid")
    c.eq(rc, 2, "cpuid without --cpu")
    c.check("give --cpu SPEC" in err, "cpuid without --cpu message")
    rc, _, err = run("host", "--json", "--text", "--host", SKX)
    c.check(rc == 2 and "give one of --json and --text" in err, "host --json --text conflict")
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            import subprocess
            p = subprocess.run([CLI, "models", "--host", SKX, "--json"], stdout=full,
                               stderr=subprocess.PIPE, text=True, timeout=60)
        c.check(p.returncode == 4 and "cannot write the output" in p.stderr,
                "a full disk is a failure: exit %d, %s" % (p.returncode, p.stderr.strip()))
    rc, out, _ = run("--version")
    c.check(rc == 0 and out.startswith("kvmcpu "), "--version")


def test_models(c):
    rows = run_json("models", "--host", HSW)
    c.check(isinstance(rows, list) and len(rows) == 191, "models --json: 191 rows")
    by = {r["name"]: r for r in rows}
    for key in ("name", "alias_of", "vendor", "family", "model", "stepping", "runnable", "missing"):
        c.check(all(key in r for r in rows), "models --json rows have %s" % key)
    # The i7-4770 dump has TSX off: only the noTSX Haswells run (tests/hosts/README.md).
    c.eq(by["Haswell-noTSX"]["runnable"], True, "Haswell-noTSX runnable on Haswell")
    c.eq(by["Haswell-noTSX"]["alias_of"], "Haswell-v2", "Haswell-noTSX alias")
    c.eq(by["Haswell"]["runnable"], False, "Haswell (TSX) not runnable on Haswell")
    c.check({"hle", "rtm"} <= set(by["Haswell"]["missing"]), "Haswell misses hle rtm")
    c.eq(by["Skylake-Server"]["runnable"], False, "Skylake-Server not runnable on Haswell")
    c.eq((by["Haswell"]["family"], by["Haswell"]["model"]), (6, 60), "Haswell FMS")
    # The i7-4770 has AVX2/BMI/FMA/MOVBE/F16C/LZCNT but no AVX-512: a v4 model gives v3 there.
    c.eq(by["Skylake-Server"]["psabi"], "x86-64-v4", "Skylake-Server's own level")
    c.eq(by["Skylake-Server"]["psabi_on_host"], "x86-64-v3", "Skylake-Server on Haswell")
    c.eq(by["Westmere"]["psabi_on_host"], "x86-64-v2", "Westmere on Haswell")
    c.eq(by["x86-64-v2-AES"]["psabi_on_host"], "x86-64-v2", "v2-AES is not on the v3 chain")
    nehalem = {r["name"]: r for r in run_json("models", "--host", os.path.join(HOSTS, "intel-nehalem.txt"))}
    # Nehalem has SSE4.2/POPCNT/CX16/LAHF but no AVX: v2 at most.
    c.eq(nehalem["Skylake-Server"]["psabi_on_host"], "x86-64-v2", "Skylake-Server on Nehalem")
    only = run_json("models", "--host", HSW, "--runnable")
    c.check(only and all(r["runnable"] for r in only), "--runnable lists only runnable models")
    c.eq(sorted(r["name"] for r in only), sorted(n for n, r in by.items() if r["runnable"]),
         "--runnable lists every runnable model")
    rc, out, _ = run("models", "--host", HSW)
    c.eq(rc, 0, "models exit 0")
    c.check("Haswell-noTSX -> Haswell-v2" in out and "runnable" in out, "models table")


def test_model(c):
    m = run_json("model", "Skylake-Server-IBRS")
    c.eq(m["alias_of"], "Skylake-Server-v2", "model alias_of")
    c.eq(m["definition"], "Skylake-Server-v2", "model definition")
    c.check("Skylake-Server-IBRS" in m["aliases"], "aliases list the alias")
    words = {w["name"]: w for w in m["words"]}
    c.check("avx512f" in words["FEAT_7_0_EBX"]["features"], "Skylake has avx512f")
    c.check("clflushopt" not in words["FEAT_7_0_EBX"]["features"], "v2 drops clflushopt")
    rc, out, _ = run("model", "Skylake-Server-v4")
    c.check(rc == 0 and "IBRS, EPT switching, no TSX" in out, "model prints the note")
    rc, _, err = run("model", "Skylake-Servr")
    c.eq(rc, 2, "unknown model exit")
    c.check("unknown CPU model 'Skylake-Servr'" in err and "Skylake-Server" in err,
            "unknown model message and suggestion")
    rc, _, _ = run("model")
    c.eq(rc, 2, "model without a name")


def test_cpuid(c):
    j = run_json("cpuid", "--cpu", "Skylake-Server-v4", "--host", SKX)
    for key in ("entries", "msrs", "dropped", "caps", "hv_dropped", "words", "notices"):
        c.check(key in j, "cpuid --json has %s" % key)
    e = {(x["function"], x["index"]): x for x in j["entries"]}
    c.eq(e[(1, 0)]["eax"], 0x00050654, "Skylake-Server-v4 leaf 1 EAX")
    c.check(set(j["entries"][0]) == {"function", "index", "flags", "eax", "ebx", "ecx", "edx"},
            "entry members")
    # A raw CPUID dump stands for what KVM reports on that processor: KVM always offers
    # its paravirtual leaf, so kvmclock is kept (docs/host-format.md, kinds of recording).
    c.check("kvmclock" not in j["dropped"], "raw dump keeps KVM's kvmclock")
    c.eq(e[(0x40000001, 0)]["eax"] & 0x9, 0x9, "kvmclock in 0x40000001 EAX on a raw dump")
    rc, out, _ = run("cpuid", "--cpu", "Cascadelake-Server", "--host", SKX, "--explain")
    c.eq(rc, 0, "cpuid --explain exit")
    c.check("avx512vnni" in out and "the host does not support it" in out, "--explain says why")
    rc, _, err = run("cpuid", "--cpu", "Cascadelake-Server+avx512vnni", "--host", SKX)
    c.eq(rc, 1, "enabling a missing feature exit (well-formed, this host cannot)")
    c.check("'avx512vnni' was requested but this host" in err, "missing feature message")
    rc, _, err = run("cpuid", "--cpu", "Haswell+avx2x", "--host", SKX)
    c.eq(rc, 2, "unknown feature exit")
    c.check("did you mean: avx2" in err, "feature suggestion")
    j = run_json("cpuid", "--kvm", "cpu=Skylake-Server-v4,nested_virt", "--host", SKX)
    c.eq(j["nested"], True, "--kvm nested_virt")
    c.eq(e[(1, 0)]["ecx"] >> 5 & 1, 0, "no vmx without nested")
    e2 = {(x["function"], x["index"]): x for x in j["entries"]}
    c.eq(e2[(1, 0)]["ecx"] >> 5 & 1, 1, "vmx with nested_virt")
    rc, _, err = run("cpuid", "--kvm", "cpu=Haswell,colour=blue", "--host", SKX)
    c.check(rc == 2 and "unknown parameter 'colour'" in err, "--kvm unknown parameter")


def test_nested_vmx(c):
    """VMX capability MSRs of a recorded kvm_intel nested=1 host, resolved host AND model."""
    host = os.path.join(HOSTS, "hv-intel-evmcs.txt")
    j = run_json("cpuid", "--cpu", "Skylake-Server-v4", "--nested", "--host", host)
    msrs = {m["index"]: m["value"] for m in j["msrs"]}
    # As QEMU writes them (kvm_msr_entry_add_vmx): the guest word is model AND the host's
    # optional controls (allowed-1 AND NOT allowed-0); allowed-1 = guest | default1,
    # allowed-0 = default1 AND NOT guest.
    # secondary 0x37bff & 0x5ff3ff = 0x373ff (no rdrand exiting), default1 0.
    c.eq(msrs.get(0x48B), 0x000373FF00000000, "IA32_VMX_PROCBASED_CTLS2")
    # true exit: guest 0x7c9004; allowed-1 0x7c9004 | 0x36dff | 0x200 (host address-space
    # size, for a long-mode guest) = 0x7fffff; allowed-0 0x36dff & ~0x7c9004 = 0x36dfb.
    c.eq(msrs.get(0x48F), 0x007FFFFF00036DFB, "IA32_VMX_TRUE_EXIT_CTLS")
    # MISC: the model's feature bits (store-lma, activity-hlt, vmwrite-vmexit-fields) stay,
    # the ones it lacks go (shutdown, wait-sipi, zero-len-inject); the timer rate and the
    # MSR list size are the host's, the CR3-target count is dropped as QEMU drops it:
    # 0x20000060 | (0x600401e5 & 0x0e00001f).
    c.eq(msrs.get(0x485), 0x20000065, "IA32_VMX_MISC")
    # EPT/VPID: named bit 22 (absent from the model) cleared, unnamed bit 8 kept.
    c.eq(msrs.get(0x48C), 0x00000F0106334141, "IA32_VMX_EPT_VPID_CAP")
    # Fixed-0 MSRs: QEMU's constants (CR0.PE|NE|PG, CR4.VMXE).
    c.eq(msrs.get(0x486), 0x80000021, "IA32_VMX_CR0_FIXED0")
    c.eq(msrs.get(0x488), 0x2000, "IA32_VMX_CR4_FIXED0")
    c.check("vmx-rdrand-exit" in j["dropped"], "vmx-rdrand-exit reported dropped")
    # KVM refuses writes of the non-true controls and of CR0/CR4_FIXED1: never planned.
    for index in (0x481, 0x482, 0x483, 0x484, 0x487, 0x489):
        c.check(index not in msrs, "MSR %#x is not in the plan" % index)
    e = {(x["function"], x["index"]): x for x in j["entries"]}
    c.eq(e[(1, 0)]["ecx"] >> 5 & 1, 1, "vmx with --nested")
    j = run_json("cpuid", "--cpu", "Skylake-Server-v4", "--host", host)
    c.check(not any(0x480 <= m["index"] <= 0x491 for m in j["msrs"]), "no VMX MSRs without --nested")


def test_kvm_not_accessible(c):
    """A user who may not open /dev/kvm gets exit 3 and a hint, not a crash."""
    import shutil
    import subprocess
    if os.geteuid() != 0 or not shutil.which("setpriv") or not os.path.exists("/dev/kvm") \
            or os.stat("/dev/kvm").st_mode & 0o006:
        print("SKIPPED (loudly): needs root, setpriv and a /dev/kvm closed to other users")
        return
    p = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                        CLI, "models"], capture_output=True, text=True, timeout=60)
    if not p.stderr.startswith("kvmcpu models:"):
        print("SKIPPED (loudly): user nobody cannot run %s here: %s" % (CLI, p.stderr.strip()))
        return
    c.eq(p.returncode, 3, "models as a user without /dev/kvm access: exit")
    c.check("cannot open /dev/kvm: Permission denied" in p.stderr and "kvm group" in p.stderr
            and "kvmcpu models --host FILE" in p.stderr,
            "permission message and hint: " + p.stderr)


def test_enforce_cpuid_warning(c):
    """enforce_cpuid with SynIC warns that PostMessage/SignalEvent are the VMM's to grant."""
    host = os.path.join(HOSTS, "hv-intel-evmcs.txt")
    def warned(spec):
        j = run_json("cpuid", "--cpu", "Skylake-Server", "--hv", spec, "--host", host)
        return any(n["kind"] == "warning" and n["subject"] == "enforce_cpuid" for n in j["notices"])
    c.check(warned("windows+enforce_cpuid"), "windows+enforce_cpuid warns")
    c.check(not warned("windows"), "windows alone does not warn")
    c.check(not warned("none+vpindex+enforce_cpuid"), "no warning without synic")


def test_bad_host_files(c):
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, "bad.txt")
        with open(bad, "w") as f:
            f.write("00000000 00 0000000d 756e6547 6c65746e 49656e69\ncpuid 1 0 zz 0 0 0\n")
        rc, _, err = run("cpuid", "--cpu", "Haswell", "--host", bad)
        c.eq(rc, 2, "malformed host file exit")
        c.check("bad.txt:2: field 4 'zz' is not a hex number" in err, "malformed line message: " + err)
        trunc = os.path.join(tmp, "trunc.json")
        with open(trunc, "w") as f:
            f.write('{"schema": "kvmcpu-host/1", "cpuid": [{"function": 0, "eax"')
        rc, _, err = run("models", "--host", trunc)
        c.eq(rc, 2, "truncated JSON exit")
        c.check("truncated" in err, "truncated JSON message: " + err)
        rc, _, err = run("models", "--host", os.path.join(tmp, "absent.txt"))
        c.check(rc == 2 and "cannot open" in err, "absent host file")


def test_host_round_trip(c):
    """A host saved as JSON or text and loaded again resolves to the same table."""
    if not os.path.exists("/dev/kvm"):
        print("SKIPPED (loudly): /dev/kvm is absent; host round trip uses a recorded host")
        source = ["--host", SKX]
    else:
        source = []
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("--json", "--text"):
            path = os.path.join(tmp, "host" + fmt.replace("--", "."))
            rc, out, err = run("host", fmt, *source)
            c.eq(rc, 0, "host %s exit (%s)" % (fmt, err.strip()))
            with open(path, "w") as f:
                f.write(out)
            a = run_json("cpuid", "--cpu", "x86-64-v2", *source)
            b = run_json("cpuid", "--cpu", "x86-64-v2", "--host", path)
            c.eq(a["entries"], b["entries"], "round trip through %s" % fmt)
        if not source:
            rc, out, _ = run("host")
            c.check(rc == 0 and "KVM_CAP_HYPERV" in out, "host summary lists capabilities")


def test_cpuid_smp(c):
    """--smp/--vcpu: vCPU I's table (QEMU's APIC ID layout); bad topologies exit 2 naming the values."""
    j = run_json("cpuid", "--cpu", "Skylake-Server", "--host", SKX,
                 "--smp", "8,sockets=2,cores=2,threads=2", "--vcpu", "6")
    e = {(x["function"], x["index"]): x for x in j["entries"]}
    # vCPU 6: package 1, core 1, thread 0 -> APIC ID 1<<2 | 1<<1 = 6.
    c.eq((j["vcpus"], j["vcpu"], j["apic_id"]), (8, 6, 6), "--smp/--vcpu members")
    c.eq(e[(1, 0)]["ebx"] >> 24, 6, "leaf 1 APIC ID of vCPU 6")
    c.eq(e[(0xb, 1)]["edx"], 6, "0xB x2APIC ID of vCPU 6")
    for args, needle in ((["--smp", "8", "--vcpu", "8"], "vCPU 8 is outside the topology"),
                         (["--smp", "6,sockets=4"], "not 6 vCPUs"),
                         (["--smp", "4,cores=0"], "cores=0"),
                         (["--kvm", "cpu=Haswell,phys-bits=64"], "phys-bits=64"),
                         (["--cpu", "Haswell+vmx"], "needs nested_virt"),
                         (["--vcpu", "-1"], "--vcpu takes a vCPU index")):
        if "--cpu" not in args and "--kvm" not in args:
            args = ["--cpu", "Haswell"] + args
        rc, _, err = run("cpuid", "--host", SKX, *args)
        c.check(rc == 2 and needle in err, "cpuid %s: exit 2 and '%s' (got %d: %s)" % (
            " ".join(args), needle, rc, err.strip()))


def test_man_page(c):
    """kvmcpu(1) documents every subcommand and every long option its --help lists."""
    import re
    with open(os.path.join(os.path.dirname(HOSTS), "..", "man", "kvmcpu.1")) as f:
        man = f.read().replace("\\-", "-")
    for cmd in COMMANDS:
        c.check(re.search(r'^\.B[RI]? "?%s\b' % cmd, man, re.M), "man page documents %s" % cmd)
        _, out, _ = run(cmd, "--help")
        for opt in sorted(set(re.findall(r"--[a-z][a-z-]+", out))):
            c.check(opt in man, "man page mentions %s of %s" % (opt, cmd))


def main():
    c = Checker("cli")
    test_help_and_usage(c)
    test_models(c)
    test_model(c)
    test_cpuid(c)
    test_cpuid_smp(c)
    test_nested_vmx(c)
    test_kvm_not_accessible(c)
    test_enforce_cpuid_warning(c)
    test_bad_host_files(c)
    test_host_round_trip(c)
    test_man_page(c)
    c.finish()


if __name__ == "__main__":
    main()
