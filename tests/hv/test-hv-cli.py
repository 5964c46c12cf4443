#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`kvmcpu hv` and the Hyper-V side of `kvmcpu cpuid`, on the recorded hosts."""
import json
import os
import subprocess
import sys
import tempfile

CLI = os.environ["KVMCPU_CLI"]
HOSTS = os.path.join(os.environ["KVMCPU_SRCDIR"], "tests", "hosts")
failures = []


def run(*args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def host(name):
    return os.path.join(HOSTS, name)


def hv_json(hostfile):
    rc, out, err = run("hv", "--json", "--host", host(hostfile))
    check(rc == 0, f"hv --json {hostfile}: rc {rc} {err}")
    return json.loads(out)


def flag(doc, name):
    return next(f for f in doc["flags"] if f["name"] == name)


def test_hv_listing():
    rc, out, _ = run("hv", "--help")
    check(rc == 0 and "--json" in out and "--host" in out, "hv --help")

    rc, out, _ = run("hv", "--host", host("hv-amd.txt"))
    check(rc == 0, "hv --host hv-amd.txt exits 0")
    rows = {l.split()[0]: l for l in out.splitlines() if l and not l.startswith(" ")}
    check("evmcs" in rows and rows["evmcs"].split()[-3] == "no", "AMD: evmcs row says no")
    check(rows.get("stimer", "").split()[3] == "yes", "AMD: stimer row says yes")
    check("Not available on this host:" in out and "Intel VMX" in out,
          "AMD: evmcs reason listed")

    doc = hv_json("hv-intel-evmcs.txt")
    check(doc["hyperv"] is True, "Intel eVMCS host has Hyper-V")
    check(len(doc["flags"]) == 26, f"26 flags, got {len(doc['flags'])}")
    check([p["name"] for p in doc["presets"]] == ["none", "default", "windows", "passthrough"],
          "preset names")
    ev = flag(doc, "evmcs")
    check(ev["host_supported"] is True, "Intel eVMCS host supports evmcs")
    check(ev["bits"] == [{"leaf": 0x40000004, "reg": "eax", "mask": 0x4000},
                         {"leaf": 0x4000000A, "reg": "eax", "mask": 0x101}], "evmcs bits")
    check(ev["vcpu_cap"] == "KVM_CAP_HYPERV_ENLIGHTENED_VMCS", "evmcs vCPU capability")
    check(ev["requires"] == ["vapic"] and ev["intel_only"] and ev["nested_only"], "evmcs facts")
    check({"preset": "windows", "nested_only": True} in ev["presets"], "evmcs in windows (nested)")
    sd = flag(doc, "stimer_direct")
    check(sd["bits"] == [{"leaf": 0x40000003, "reg": "edx", "mask": 0x80000}],
          "stimer_direct bits")
    check(sorted(flag(doc, "stimer")["requires"]) == ["synic", "time"], "stimer requires")
    check(flag(doc, "vpindex")["aliases"] == ["vp_index"], "vpindex alias")
    check(flag(doc, "no_nonarch_coresharing")["host_supported"] is False and
          "bit 18" in flag(doc, "no_nonarch_coresharing")["host_reason"],
          "SMT host lacks no_nonarch_coresharing")

    doc = hv_json("hv-intel-noevmcs.txt")
    check(flag(doc, "evmcs")["host_supported"] is False and
          "0x40000004.EAX bit 14" in flag(doc, "evmcs")["host_reason"],
          "nested=0 host: evmcs unsupported, reason names bit 14")

    doc = hv_json("hv-none-pvm.txt")
    check(doc["hyperv"] is False and "KVM_CAP_HYPERV is 0" in doc["hyperv_reason"],
          "no-Hyper-V host says why")
    check(all(f["host_supported"] is False for f in doc["flags"]), "no flag on no-Hyper-V host")

    rc, out, _ = run("hv", "--no-host", "--json")
    check(rc == 0 and json.loads(out)["host"] is None, "hv --no-host --json")


def test_hv_bad_input():
    for args, what in ((["hv", "--bogus"], "unknown option"),
                       (["hv", "extra"], "extra argument"),
                       (["hv", "--host", host("does-not-exist.txt")], "missing host file"),
                       (["hv", "--no-host", "--host", host("hv-amd.txt")], "both host options")):
        rc, _, err = run(*args)
        check(rc == 2 and err, f"hv {what}: exit 2 with a message, got {rc}")


def cpuid_json(*args):
    rc, out, err = run("cpuid", "--json", *args)
    check(rc == 0, f"cpuid {' '.join(args)}: rc {rc} {err}")
    if rc:
        return None
    doc = json.loads(out)
    doc["by_leaf"] = {(e["function"], e["index"]): e for e in doc["entries"]}
    return doc


def test_cpuid():
    doc = cpuid_json("--cpu", "EPYC-Rome", "--hv", "windows", "--nested",
                     "--host", host("hv-amd.txt"))
    if doc:
        e3 = doc["by_leaf"][(0x40000003, 0)]
        e4 = doc["by_leaf"][(0x40000004, 0)]
        # 4.EAX: avic (bit 9) is on, so no ApicAccessRecommended (bit 3), as in QEMU.
        check((e3["eax"], e3["edx"], e4["eax"]) == (0x2AFF, 0x80100, 0xE24),
              "AMD windows nested leaves")
        check(doc["by_leaf"][(0x40000000, 0)]["eax"] == 0x40000005, "AMD: max leaf 0x40000005")
        check(any(d["flag"] == "evmcs" and "Intel VMX" in d["reason"] for d in doc["hv_dropped"]),
              "AMD: evmcs in hv_dropped")
        check([c["name"] for c in doc["caps"]] == ["KVM_CAP_HYPERV_SYNIC2"], "AMD caps")
        check(doc["by_leaf"][(0x40000100, 0)]["ebx"] == 0x4B4D564B, "KVM leaves moved")

    doc = cpuid_json("--cpu", "Skylake-Server", "--hv", "windows", "--nested",
                     "--host", host("hv-intel-evmcs.txt"))
    if doc:
        check(doc["by_leaf"][(0x40000004, 0)]["eax"] == 0x4E24, "Intel nested 4.EAX")
        check(doc["by_leaf"][(0x4000000A, 0)]["eax"] == 0x101, "Intel nested A.EAX")
        # QEMU's hyperv_init_vcpu order: SynIC2, then eVMCS.
        check([c["name"] for c in doc["caps"]] ==
              ["KVM_CAP_HYPERV_SYNIC2", "KVM_CAP_HYPERV_ENLIGHTENED_VMCS"],
              "SynIC2 before eVMCS in the plan")
        check(doc["hv_dropped"] == [], "nothing dropped on the eVMCS host")

    doc = cpuid_json("--kvm", "hv=windows+no_evmcs,cpu=Skylake-Server,nested_virt",
                     "--host", host("hv-intel-evmcs.txt"))
    if doc:
        check(doc["by_leaf"][(0x40000004, 0)]["eax"] == 0xE24, "--kvm windows+no_evmcs 4.EAX")
        check((0x4000000A, 0) not in doc["by_leaf"], "--kvm windows+no_evmcs: no nested leaf")

    rc, out, _ = run("cpuid", "--cpu", "EPYC-Rome", "--hv", "windows", "--nested", "--explain",
                     "--host", host("hv-amd.txt"))
    check(rc == 0 and "evmcs" in out and "Intel VMX" in out, "--explain names the dropped evmcs")

    rc, _, err = run("cpuid", "--cpu", "Skylake-Server", "--hv", "windows",
                     "--host", host("hv-none-pvm.txt"))
    check(rc != 0 and "hv=none" in err and "KVM_CAP_HYPERV" in err,
          "no-Hyper-V host: error names hv=none")
    rc, _, err = run("cpuid", "--cpu", "Skylake-Server", "--hv", "windows+stimr",
                     "--host", host("hv-amd.txt"))
    check(rc == 2 and "'stimr'" in err and "stimer" in err, "unknown flag suggests stimer")
    rc, _, err = run("cpuid", "--cpu", "EPYC-Rome", "--hv", "windows+evmcs", "--nested",
                     "--host", host("hv-amd.txt"))
    check(rc != 0 and "evmcs" in err, "named evmcs on AMD is an error")


def notices(doc, kind=None, subject=None):
    return [n for n in doc["notices"]
            if (kind is None or n["kind"] == kind) and (subject is None or n["subject"] == subject)]


def test_nested_without_hv():
    """--nested alone implies hv=windows: every output says so, once."""
    doc = cpuid_json("--cpu", "Skylake-Server", "--nested", "--host", host("hv-intel-evmcs.txt"))
    if doc:
        check(doc["by_leaf"][(0x40000000, 0)]["ebx"] == 0x7263694D, "--nested alone: Microsoft Hv")
        hv = [n for n in doc["notices"] if n["subject"] == "hv"]
        check(len(hv) == 1 and "implies hv=windows" in hv[0]["reason"],
              f"--nested alone: one notice in JSON, got {hv}")
    rc, out, err = run("cpuid", "--cpu", "Skylake-Server", "--nested",
                       "--host", host("hv-intel-evmcs.txt"))
    check(rc == 0 and "implies hv=windows" in err, "--nested alone: text output warns")
    # A host without Hyper-V: one line, not one per flag of the implied preset. The host is
    # hv-intel-evmcs.txt as a kernel without CONFIG_KVM_HYPERV shows it: KVM_CAP_HYPERV 0
    # and no Hyper-V CPUID answer (api.rst: the ioctl fails there).
    with open(host("hv-intel-evmcs.txt")) as f:
        text = "".join(l.replace("cap KVM_CAP_HYPERV 1", "cap KVM_CAP_HYPERV 0")
                       for l in f if not l.startswith("hv-cpuid "))
    nohv = os.path.join(tempfile.mkdtemp(), "intel-nested-no-hyperv.txt")
    with open(nohv, "w") as f:
        f.write(text)
    doc = cpuid_json("--cpu", "Skylake-Server", "--nested", "--host", nohv)
    if doc:
        check(doc["hv_dropped"] == [], "no-Hyper-V host: no per-flag drops")
        hv = [n for n in doc["notices"] if n["subject"] == "hv"]
        check(len(hv) == 1 and "KVM_CAP_HYPERV is 0" in hv[0]["reason"],
              "no-Hyper-V host: one notice says why")
    rc, out, err = run("cpuid", "--cpu", "Skylake-Server", "--nested", "--host", nohv)
    check(rc == 0 and err.count("warning: hv:") == 1 and "Hyper-V flag dropped" not in out,
          f"no-Hyper-V host, text: one warning line, got {err!r}")
    for cmd in ("cpuid", "run", "verify"):
        rc, out, _ = run(cmd, "--help")
        check(rc == 0 and "hv=windows" in out, f"{cmd} --help says what --nested implies")
    doc = cpuid_json("--cpu", "Skylake-Server", "--nested", "--hv", "none",
                     "--host", host("hv-intel-evmcs.txt"))
    if doc:
        check(not notices(doc, subject="hv"), "--nested --hv none: no notice")


def test_prerequisites():
    rc, out, _ = run("cpuid", "--cpu", "Skylake-Server", "--hv", "none+stimer", "--explain",
                     "--host", host("hv-intel-evmcs.txt"))
    lines = [l for l in out.splitlines() if "prerequisite" in l]
    for f in ("synic", "time", "vpindex"):
        check(any(l.split()[1] == f and "stimer requires it" in l for l in lines),
              f"--explain lists {f} as a prerequisite of stimer")
    doc = cpuid_json("--cpu", "Skylake-Server", "--hv", "none+stimer",
                     "--host", host("hv-intel-evmcs.txt"))
    if doc:
        subj = {n["subject"] for n in notices(doc, "forced") if "prerequisite" in n["reason"]}
        check({"synic", "time", "vpindex"} <= subj, f"JSON notices list prerequisites: {subj}")


def test_spinlocks():
    doc = cpuid_json("--cpu", "Skylake-Server", "--hv", "default+spinlocks=0x100",
                     "--host", host("hv-intel-evmcs.txt"))
    if doc:
        check(doc["by_leaf"][(0x40000004, 0)]["ebx"] == 0x100, "spinlocks=0x100 accepted")
        check(any("below 0xFFF" in n["reason"] for n in notices(doc, subject="spinlocks")),
              "spinlocks=0x100 warns")
    rc, _, err = run("cpuid", "--cpu", "Skylake-Server", "--hv", "default+spinlocks=0",
                     "--host", host("hv-intel-evmcs.txt"))
    check(rc == 2 and "spinlocks" in err, "spinlocks=0 refused")


def test_old_kernels():
    """5.0-5.10 (vCPU ioctl) and pre-5.0 (legacy evidence) recordings."""
    doc = cpuid_json("--cpu", "Skylake-Server", "--hv", "windows", "--nested",
                     "--host", host("hv-intel-5.4-vcpu.txt"))
    if doc:
        check(doc["by_leaf"][(0x40000004, 0)]["eax"] == 0x4C2C, "5.4: eVMCS from the capability")
        check(doc["by_leaf"][(0x4000000A, 0)]["eax"] == 0x101, "5.4: nested leaf")
        check([d["flag"] for d in doc["hv_dropped"]] == ["avic"], "5.4: only avic dropped")
    doc = cpuid_json("--cpu", "Skylake-Server", "--hv", "windows",
                     "--host", host("hv-intel-4.19-legacy.txt"))
    if doc:
        check(doc["by_leaf"][(0x40000003, 0)]["eax"] == 0xAFF, "4.19: 3.EAX")
        check(doc["by_leaf"][(0x40000004, 0)]["eax"] == 0x82C, "4.19: 4.EAX")
        check(sorted(d["flag"] for d in doc["hv_dropped"]) == ["avic", "ipi", "stimer_direct"],
              f"4.19 drops: {doc['hv_dropped']}")
    doc = hv_json("hv-intel-4.19-legacy.txt")
    check(flag(doc, "vpindex")["legacy_cap"] == "MSR 0x40000002 in KVM_GET_MSR_INDEX_LIST",
          "hv --json: legacy evidence of vpindex")
    check("before 5.0" in flag(doc, "ipi")["host_reason"], "4.19: reason names the source")


def test_live():
    """This machine's /dev/kvm, when there is one: the listing works and agrees with itself."""
    if not os.path.exists("/dev/kvm"):
        print("test-hv-cli: no /dev/kvm, live listing not checked")
        return
    rc, out, err = run("hv", "--json")
    check(rc in (0, 3), f"live hv --json: rc {rc} {err}")
    if rc == 0:
        doc = json.loads(out)
        check(len(doc["flags"]) == 26, "live: 26 flags")
        if doc["hyperv"] is False:
            check(all(f["host_supported"] is False for f in doc["flags"]),
                  "live host without Hyper-V supports no flag")


test_hv_listing()
test_hv_bad_input()
test_live()
test_cpuid()
test_nested_without_hv()
test_prerequisites()
test_spinlocks()
test_old_kernels()
if failures:
    print(f"{len(failures)} checks failed", file=sys.stderr)
    sys.exit(1)
print("test-hv-cli: all checks passed")
