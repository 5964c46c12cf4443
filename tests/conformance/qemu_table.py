#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Records the complete CPUID table and feature MSRs QEMU hands KVM, per vCPU.

QEMU runs with -machine pc -accel kvm -S -nodefaults -display none, the CPU model
with vendor=<the model's vendor> (as qemu_conformance.py gives it), an optional
-smp topology, and kvm_record.c preloaded (LD_PRELOAD). The interposer records,
per vCPU fd, the last KVM_SET_CPUID2 table, the first value written to each MSR
(KVM_SET_MSRS) and every KVM_ENABLE_CAP. Once QMP answers, every vCPU exists and
has its table; QMP maps each KVM vCPU id (QEMU passes the APIC ID to
KVM_CREATE_VCPU) to its CPU index, and QEMU is told to quit.

  qemu_table.py --qemu 7.2 --cpu Skylake-Server [--smp 4,sockets=2,cores=2]
      prints {"qemu", "cpu", "smp", "vcpus": [{"index", "apic_id", "cpuid",
      "msrs", "caps"}], "vm_caps"} as JSON
  qemu_table.py --qemu 11.1.3 --cpu EPYC-Genoa --diff [--kvmcpu PATH]
      compares each vCPU's table with `kvmcpu cpuid --cpu MODEL --json
      [--smp SPEC --vcpu I]` and prints every differing (leaf, subleaf,
      register) and feature MSR with both values

--qemu 7.2 is the system's qemu-system-x86_64 (Debian 12); --qemu 11.1.3 is the
Debian 13 chroot run-newer.sh keeps (KVMCPU_CHROOT, default /var/cache/kvmcpu/trixie):
the interposer is copied into it, its /dev, /dev/pts, /proc and /sys are bound
in when they are not already (and left bound: other runs may be using them).

The interposer is the one Meson builds (--interposer), or compiled here with
`cc -shared -fPIC -O2` into a cache directory keyed by the source's hash
(KVMCPU_ORACLE_CACHE, default /var/cache/kvmcpu/oracle, else ~/.cache/kvmcpu-oracle),
so this file can be used from any tree.

Exit codes: 0 tables recorded (or, with --diff, identical), 1 differences,
2 bad usage or a QEMU/kvmcpu failure, 77 no QEMU or no usable /dev/kvm.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qemu_conformance as qc  # noqa: E402  (the QMP driver, vendors, skip())

TREE = os.path.normpath(os.path.join(HERE, "..", ".."))
RECORDER_SRC = os.path.join(HERE, "kvm_record.c")
CHROOT = os.environ.get("KVMCPU_CHROOT", "/var/cache/kvmcpu/trixie")
QEMU_EXE = "qemu-system-x86_64"
REGS = ("eax", "ebx", "ecx", "edx")
KVM_CPUID_FLAG_SIGNIFCANT_INDEX = 1

# The MSRs that carry a model's features (SDM Vol. 4, Table 2-2): compared and reported.
FEATURE_MSRS = [0x10a, 0xcf, 0x345] + list(range(0x480, 0x493))
MSR_NAMES = {0x10a: "IA32_ARCH_CAPABILITIES", 0xcf: "IA32_CORE_CAPABILITIES",
             0x345: "IA32_PERF_CAPABILITIES"}
MSR_NAMES.update({0x480 + i: "IA32_VMX_" + n for i, n in enumerate((
    "BASIC", "PINBASED_CTLS", "PROCBASED_CTLS", "EXIT_CTLS", "ENTRY_CTLS", "MISC", "CR0_FIXED0",
    "CR0_FIXED1", "CR4_FIXED0", "CR4_FIXED1", "VMCS_ENUM", "PROCBASED_CTLS2", "EPT_VPID_CAP",
    "TRUE_PINBASED_CTLS", "TRUE_PROCBASED_CTLS", "TRUE_EXIT_CTLS", "TRUE_ENTRY_CTLS",
    "VMFUNC", "PROCBASED_CTLS3"))})


class OracleError(Exception):
    """QEMU or kvmcpu could not produce a table; the message says why."""


def msr_name(index):
    return MSR_NAMES.get(index, "MSR")


def build_recorder(cache=None):
    """The interposer compiled from kvm_record.c, cached by the source's hash."""
    with open(RECORDER_SRC, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    cache = cache or os.environ.get("KVMCPU_ORACLE_CACHE", "/var/cache/kvmcpu/oracle")
    so = os.path.join(cache, "kvm_record-%s.so" % digest)
    if os.path.exists(so):
        return so
    try:
        os.makedirs(cache, exist_ok=True)
        if not os.access(cache, os.W_OK):
            raise PermissionError(cache)
    except PermissionError:
        if cache == os.path.expanduser("~/.cache/kvmcpu-oracle"):
            raise OracleError("cannot write the interposer's cache %s" % cache)
        return build_recorder(os.path.expanduser("~/.cache/kvmcpu-oracle"))
    cc = os.environ.get("CC", "cc")
    fd, tmp = tempfile.mkstemp(suffix=".so", dir=cache)
    os.close(fd)
    p = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-std=gnu11", "-Wall", "-o", tmp,
                        RECORDER_SRC, "-ldl", "-lpthread"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    if p.returncode != 0:
        os.unlink(tmp)
        raise OracleError("cannot compile %s with %s: %s" % (RECORDER_SRC, cc, p.stdout.strip()))
    os.chmod(tmp, 0o755)
    os.rename(tmp, so)
    return so


class Target:
    """Where a QEMU version runs: the host (7.2) or the Debian 13 chroot (11.1.3)."""

    def __init__(self, version, recorder):
        self.version = version
        if version == "7.2":
            self.root = None
            self.prefix = []
            self.recorder = recorder
            if not shutil.which(QEMU_EXE):
                qc.skip("%s is not installed (Debian package qemu-system-x86; `make deps` "
                        "installs it)" % QEMU_EXE)
        elif version == "11.1.3":
            self.root = CHROOT
            self.prefix = ["chroot", CHROOT]
            stamp = os.path.join(CHROOT, ".kvmcpu-qemu-ready")
            if not os.path.exists(stamp):
                qc.skip("QEMU 11.1.3 is not set up: %s is missing (tests/conformance/run-newer.sh "
                        "--setup-only creates the chroot)" % stamp)
            if os.geteuid() != 0:
                raise OracleError("QEMU 11.1.3 runs in a chroot: run this as root")
            self._bind_mounts()
            self.recorder = self._copy_in(recorder)
        else:
            raise OracleError("--qemu %s: expected 7.2 (the system QEMU) or 11.1.3 (the "
                              "Debian 13 chroot)" % version)
        if not os.access("/dev/kvm", os.R_OK | os.W_OK):
            qc.skip("/dev/kvm is missing or not accessible: QEMU cannot use -accel kvm here")

    def _bind_mounts(self):
        with open("/proc/mounts") as f:
            mounted = {line.split()[1] for line in f}
        for d in ("dev", "dev/pts", "proc", "sys"):
            path = os.path.join(self.root, d)
            if path not in mounted:
                os.makedirs(path, exist_ok=True)
                subprocess.run(["mount", "--bind", "/" + d, path], check=True)

    def _copy_in(self, recorder):
        """The interposer's path inside the chroot (copied there once per content)."""
        inner_dir = "/tmp/kvmcpu-oracle"
        outer_dir = self.root + inner_dir
        os.makedirs(outer_dir, exist_ok=True)
        with open(recorder, "rb") as f:
            name = "kvm_record-%s.so" % hashlib.sha256(f.read()).hexdigest()[:16]
        if not os.path.exists(os.path.join(outer_dir, name)):
            fd, tmp = tempfile.mkstemp(dir=outer_dir)
            os.close(fd)
            shutil.copyfile(recorder, tmp)
            os.chmod(tmp, 0o755)
            os.rename(tmp, os.path.join(outer_dir, name))
        return os.path.join(inner_dir, name)

    def record_file(self):
        """(path QEMU writes to, path this process reads) for a fresh record."""
        outer_dir = (self.root or "") + "/tmp/kvmcpu-oracle"
        os.makedirs(outer_dir, exist_ok=True)
        fd, outer = tempfile.mkstemp(prefix="record-", suffix=".json", dir=outer_dir)
        os.close(fd)
        os.unlink(outer)
        inner = outer[len(self.root):] if self.root else outer
        return inner, outer

    def command(self, record_path):
        return self.prefix + ["env", "LD_PRELOAD=" + self.recorder,
                              "KVMCPU_RECORD=" + record_path, QEMU_EXE]


def qemu_table(target, cpu, smp=None, timeout=60.0, all_msrs=False):
    """Runs QEMU once; returns the recorded tables, one per vCPU in CPU-index order."""
    inner, outer = target.record_file()
    args = ["-machine", "pc", "-accel", "kvm", "-cpu", cpu, "-S", "-nodefaults",
            "-display", "none"]
    if smp:
        args += ["-smp", smp]
    try:
        try:
            q = qc.Qemu(target.command(inner), args, timeout)
        except qc.QmpError as e:
            raise OracleError(str(e))
        try:
            v = q.version
            version = "%d.%d.%d" % (v["major"], v["minor"], v["micro"])
            apic_to_index = {}
            for c in q.cmd("query-cpus-fast"):
                apic = q.cmd("qom-get", path=c["qom-path"], property="apic-id")
                apic_to_index[apic] = c["cpu-index"]
        except qc.QmpError as e:
            raise OracleError(str(e))
        finally:
            q.close()
        try:
            with open(outer) as f:
                rec = json.load(f)
        except (OSError, ValueError) as e:
            raise OracleError("no record from the interposer (%s): %s" % (outer, e))
    finally:
        if os.path.exists(outer):
            os.unlink(outer)
    vcpus = []
    for r in rec["vcpus"]:
        if r["kvm_id"] not in apic_to_index:
            raise OracleError("KVM vCPU id %d is no CPU's apic-id (QMP: %s)"
                              % (r["kvm_id"], sorted(apic_to_index)))
        if not r["cpuid_calls"]:
            raise OracleError("vCPU %d got no KVM_SET_CPUID2" % r["kvm_id"])
        msrs = {m["index"]: m["value"] for m in r["msrs"]
                if all_msrs or m["index"] in FEATURE_MSRS}
        vcpus.append({"index": apic_to_index[r["kvm_id"]], "apic_id": r["kvm_id"],
                      "cpuid": sorted(r["cpuid"], key=lambda e: (e["function"], e["index"])),
                      "msrs": msrs, "caps": r["caps"]})
    vcpus.sort(key=lambda v: v["index"])
    if len(vcpus) != len(apic_to_index):
        raise OracleError("%d vCPUs recorded, QMP lists %d" % (len(vcpus), len(apic_to_index)))
    return {"qemu": version, "cpu": cpu, "smp": smp or "1", "vcpus": vcpus,
            "vm_caps": rec["vm_caps"]}


def feature_names():
    names = set(qc.load_msr_features())
    for feats in qc.load_cpuid_features().values():
        names.update(name for _mask, name in feats)
    return names


def feature_props(props):
    """QEMU's feat=on/off properties of named features as kvmcpu's +feat/+no_feat; other
    props (pmu, phys-bits, ...) are kept apart: QEMU-only unless the caller gives kvmcpu
    their equivalent."""
    plus, other = "", []
    names = feature_names()
    for p in filter(None, props.split(",")) if props else []:
        key, _, val = p.partition("=")
        if key in names and val in ("on", "off", "true", "false"):
            plus += "+" + ("" if val in ("on", "true") else "no_") + key
        else:
            other.append(p)
    return plus, other


class SmpUnsupported(Exception):
    """The kvmcpu binary has no --smp/--vcpu option yet."""


def kvmcpu_table(cli, spec, smp=None, vcpu=None, extra=(), timeout=60.0):
    """kvmcpu's table for one vCPU in the same shape as a recorded QEMU vCPU."""
    cmd = [cli, "cpuid", "--cpu", spec, "--json"] + list(extra)
    if smp is not None:
        cmd += ["--smp", smp, "--vcpu", str(vcpu)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=timeout)
    if p.returncode != 0:
        if smp is not None and re.search(r"(unrecognized|unknown) option '--(smp|vcpu)'",
                                         p.stderr):
            raise SmpUnsupported(p.stderr.strip())
        raise OracleError("%s exited %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    doc = json.loads(p.stdout)
    msrs = {}
    for m in doc["msrs"]:
        msrs[m["index"]] = (vcpu or 0) if m.get("per_vcpu_index") else m["value"]
    return {"cpuid": doc["entries"], "msrs": msrs,
            "caps": [{"cap": c["cap"], "args": c["args"]} for c in doc["caps"]], "doc": doc}


def kvmcpu_tables(cli, spec, smp, count, extra=(), timeout=60.0):
    """One kvmcpu table per vCPU; (tables, note). Without --smp support every vCPU is
    compared with kvmcpu's one table, and the note says so."""
    if not smp or smp == "1":
        return [kvmcpu_table(cli, spec, extra=extra, timeout=timeout)] * count, ""
    try:
        return [kvmcpu_table(cli, spec, smp, i, extra, timeout) for i in range(count)], ""
    except SmpUnsupported as e:
        t = kvmcpu_table(cli, spec, extra=extra, timeout=timeout)
        why = str(e).splitlines()[0] if str(e) else "no reason given"
        return [t] * count, ("%s rejects --smp/--vcpu (%s): every vCPU is compared with its "
                             "single table" % (cli, why))


def entry_key(e):
    """(leaf, subleaf); the subleaf only counts when the entry says so (KVM API doc,
    KVM_CPUID_FLAG_SIGNIFCANT_INDEX): QEMU 11 leaves stray values in some index fields."""
    return (e["function"], e["index"] if e["flags"] & KVM_CPUID_FLAG_SIGNIFCANT_INDEX else 0)


def table_diffs(qv, kv):
    """Every differing CPUID register and feature MSR of one vCPU, as dicts with the key
    (leaf, subleaf, reg) or ("msr", index), both values, and their XOR. An entry one
    side lacks reads as zero (what KVM returns for a missing leaf within range); the
    flags are compared where both sides have the entry."""
    qc_, kc_ = ({entry_key(e): e for e in t["cpuid"]} for t in (qv, kv))
    out = []
    zero = dict.fromkeys(REGS + ("flags",), 0)
    for key in sorted(set(qc_) | set(kc_)):
        qe, ke = qc_.get(key, zero), kc_.get(key, zero)
        regs = REGS + (("flags",) if key in qc_ and key in kc_ else ())
        for reg in regs:
            if qe[reg] != ke[reg]:
                out.append({"leaf": key[0], "subleaf": key[1], "reg": reg, "qemu": qe[reg],
                            "kvmcpu": ke[reg], "xor": qe[reg] ^ ke[reg]})
    for idx in FEATURE_MSRS:
        qm, km = qv["msrs"].get(idx), kv["msrs"].get(idx)
        if qm != km:
            out.append({"msr": idx, "qemu": qm, "kvmcpu": km,
                        "xor": (qm or 0) ^ (km or 0) if None not in (qm, km) else None})
    qcaps = sorted((c["cap"], c["args"][0]) for c in qv["caps"])
    kcaps = sorted((c["cap"], c["args"][0]) for c in kv["caps"])
    if qcaps != kcaps:
        out.append({"caps": True, "qemu": qcaps, "kvmcpu": kcaps, "xor": None})
    return out


def fmt_value(v):
    if v is None:
        return "not written"
    if isinstance(v, list):
        return str(v)
    return "%#010x" % v if v < (1 << 32) else "%#018x" % v


def fmt_diff(d):
    if "msr" in d:
        where = "MSR %#x %s" % (d["msr"], msr_name(d["msr"]))
    elif "caps" in d:
        where = "vCPU KVM_ENABLE_CAP (cap, args[0])"
    else:
        where = "CPUID %#x.%d %s" % (d["leaf"], d["subleaf"], d["reg"])
    xor = "" if d.get("xor") is None else "  xor %s" % fmt_value(d["xor"])
    return "%-32s qemu %s  kvmcpu %s%s" % (where, fmt_value(d["qemu"]), fmt_value(d["kvmcpu"]),
                                           xor)


def model_name(cpu):
    return cpu.split(",", 1)[0]


def qemu_cpu_string(model, vendors, props=""):
    if model not in vendors:
        raise OracleError("no vendor for %s in data/x86-cpu-models*.json" % model)
    return ",".join(filter(None, (model, "vendor=" + vendors[model], props)))


def default_cli():
    return os.path.join(TREE, "build", "cli", "kvmcpu")


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends the output quietly
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[2:]))
    ap.add_argument("--qemu", required=True, help="7.2 (system QEMU) or 11.1.3 (the chroot)")
    ap.add_argument("--cpu", required=True, help="QEMU model name (vendor= is added)")
    ap.add_argument("--props", default="", help="extra QEMU -cpu properties, e.g. "
                    "'pmu=on,vmx=off' (feat=on/off become +feat/+no_feat for kvmcpu)")
    ap.add_argument("--smp", help="QEMU -smp SPEC, e.g. '4,sockets=2,cores=2'")
    ap.add_argument("--diff", action="store_true", help="compare with kvmcpu cpuid --json")
    ap.add_argument("--kvmcpu", default=default_cli(), help="kvmcpu binary for --diff "
                    "(default: build/cli/kvmcpu of this tree)")
    ap.add_argument("--kvmcpu-arg", action="append", default=[],
                    help="extra argument for kvmcpu cpuid (repeatable), e.g. --nested")
    ap.add_argument("--all-msrs", action="store_true",
                    help="report every MSR QEMU writes, not only the feature MSRs")
    ap.add_argument("--interposer", help="kvm_record .so to preload (default: built here)")
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()

    try:
        recorder = args.interposer or build_recorder()
        target = Target(args.qemu, recorder)
        cpu = qemu_cpu_string(args.cpu, qc.load_vendors(), args.props)
        table = qemu_table(target, cpu, args.smp, args.timeout, args.all_msrs)
    except OracleError as e:
        print("qemu_table: %s" % e, file=sys.stderr)
        return 2
    if not args.diff:
        for v in table["vcpus"]:
            v["msrs"] = {"%#x" % k: val for k, val in sorted(v["msrs"].items())}
        json.dump(table, sys.stdout, indent=1)
        print()
        return 0

    if not os.access(args.kvmcpu, os.X_OK):
        print("qemu_table: no kvmcpu binary at %s (build the tree, or --kvmcpu PATH)"
              % args.kvmcpu, file=sys.stderr)
        return 2
    plus, qemu_only = feature_props(args.props)
    if qemu_only:
        print("note: QEMU-only properties %s: pass kvmcpu's equivalent with --kvmcpu-arg"
              % ",".join(qemu_only), flush=True)
    try:
        ours, note = kvmcpu_tables(args.kvmcpu, args.cpu + plus, args.smp,
                                   len(table["vcpus"]), args.kvmcpu_arg, args.timeout)
    except (OracleError, subprocess.TimeoutExpired, ValueError) as e:
        print("qemu_table: %s" % e, file=sys.stderr)
        return 2
    if note:
        print("note: " + note, flush=True)
    total = 0
    for v, k in zip(table["vcpus"], ours):
        diffs = table_diffs(v, k)
        total += len(diffs)
        print("QEMU %s -cpu %s -smp %s, vCPU %d (APIC ID %d): %d differences"
              % (table["qemu"], cpu, table["smp"], v["index"], v["apic_id"], len(diffs)))
        for d in diffs:
            print("  " + fmt_diff(d))
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
