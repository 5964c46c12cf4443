#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compares kvmcpu's resolved guest feature words with the ones QEMU realizes.

For every CPU model the QEMU binary knows, on the live KVM host:

  QEMU:   qemu-system-x86_64 -accel kvm -cpu MODEL -S -nodefaults -display none
          -machine pc -qmp stdio; the CPU's QOM path from query-cpus-fast; qom-get
          of its "feature-words" (the CPUID words after host filtering: what the
          guest is given) and "filtered-features" (what the host took away). The
          MSR feature words are not in "feature-words"; they are read back one
          named bit at a time (qom-get of each MSR feature property).
  kvmcpu: kvmcpu cpuid --cpu MODEL --json; its "words" array.

A word is matched by (leaf, subleaf, register) for CPUID words and by the MSR
index for MSR words. kvmcpu's "dropped" names (CPUID words) are compared with
QEMU's filtered-features as well. QEMU is given vendor=<the model's vendor>
(see VENDOR_NOTE). A model QEMU cannot start because KVM_SET_MSRS refuses one
of its feature MSRs is compared with that feature off on both sides, and the
run lists it. Every differing bit must be explained by an entry of
DIVERGENCES below, or the run fails. Exit codes: 0 no unexplained difference,
1 differences, 2 bad usage or broken tool output, 77 skipped (no QEMU or no
usable /dev/kvm; the reason is printed).
"""

import argparse
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

SRCDIR = os.environ.get(
    "KVMCPU_SRCDIR", os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..")))

# Deliberate, documented divergences: differences in these bits are expected and
# reported, not failures. Each entry: the word, the bits, a regular expression
# over model names (None: every model), which side has the bits ("qemu" or
# "kvmcpu"), a condition over (QEMU's words, kvmcpu's JSON document) that must
# hold for the entry to apply, and why.
XSAVE_BIT = 1 << 26  # CPUID[1].ECX XSAVE (SDM Vol. 2A, CPUID, Table 3-10)


def _no_xsave_and_empty_leaf_d(qw, doc):
    """QEMU's guest has no XSAVE and kvmcpu gives the guest an empty leaf 0xD."""
    if qw.get(("cpuid", 1, 0, "ecx"), 0) & XSAVE_BIT:
        return False
    return all(not (e["eax"] or e["ebx"] or e["ecx"] or e["edx"])
               for e in doc["entries"] if e["function"] == 0xD)


_HOST_CACHE = {}
CPUID_FEATURES = {}


def host_kvm_supported(leaf, subleaf, reg):
    """One register of this host's KVM_GET_SUPPORTED_CPUID (KVM API doc 4.46), read here
    directly so that the condition does not rest on kvmcpu's own host reader."""
    if "cpuid" not in _HOST_CACHE:
        import fcntl
        import struct
        table = {}
        fd = os.open("/dev/kvm", os.O_RDWR)
        try:
            nent = 512
            buf = bytearray(struct.pack("II", nent, 0) + bytes(40 * nent))
            fcntl.ioctl(fd, 0xC008AE05, buf)  # _IOWR(KVMIO, 0x05, struct kvm_cpuid2)
            for i in range(struct.unpack_from("I", buf)[0]):
                f, idx, _fl, a, b, c, d = struct.unpack_from("7I", buf, 8 + 40 * i)
                table[(f, idx)] = {"eax": a, "ebx": b, "ecx": c, "edx": d}
        finally:
            os.close(fd)
        _HOST_CACHE["cpuid"] = table
    return _HOST_CACHE["cpuid"].get((leaf, subleaf), {}).get(reg, 0)


def host_cpu_flags():
    if "flags" not in _HOST_CACHE:
        flags = set()
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
        _HOST_CACHE["flags"] = flags
    return _HOST_CACHE["flags"]


def _host_cpu_has_but_kvm_omits(flag, leaf, subleaf, reg, mask):
    return lambda qw, doc: (flag in host_cpu_flags()
                            and not host_kvm_supported(leaf, subleaf, reg) & mask)


# The text every KNOWN GAP entry carries (here and in table_conformance.py).
GAP_TEXT = "not yet built: issue 7"

ERMS_FSRM_REASON = (
    "this host's KVM_GET_SUPPORTED_CPUID omits erms/fsrm (the CPU has them: /proc/cpuinfo); "
    "QEMU 11 passes them to the guest anyway, QEMU 7.2 does not. kvmcpu gives only what "
    "KVM_GET_SUPPORTED_CPUID lists (guest = host AND model). Where KVM lists them "
    "(kvm_intel, kvm_amd) both agree")

VME_REASON = (
    "vme is carried on every model as a baseline bit (every x86-64 part has it); QEMU's "
    "qemu64/qemu32 definitions lack it, so QEMU's guest does not get it")

DIVERGENCES = [
    {"word": "FEAT_7_0_EBX", "mask": 1 << 9, "models": None, "side": "qemu",
     "when": _host_cpu_has_but_kvm_omits("erms", 7, 0, "ebx", 1 << 9),
     "reason": ERMS_FSRM_REASON},
    {"word": "FEAT_7_0_EDX", "mask": 1 << 4, "models": None, "side": "qemu",
     "when": _host_cpu_has_but_kvm_omits("fsrm", 7, 0, "edx", 1 << 4),
     "reason": ERMS_FSRM_REASON},
    {"word": "FEAT_XSAVE_XCR0_LO", "mask": 0xFFFFFFFF, "models": None, "side": "qemu",
     "when": _no_xsave_and_empty_leaf_d,
     "reason": "xsave is filtered out by the host, yet QEMU keeps the XSAVE component word "
               "it computed from the model before filtering (host-masked); its leaf 0xD is all "
               "zero for such a guest (no XSAVE), as kvmcpu's is, so the guest sees the same "
               "CPUID. kvmcpu's word is what the guest can read: 0"},
    {"word": "FEAT_1_EDX", "mask": 1 << 1, "models": r"^qemu(32|64)(-v1)?$", "side": "kvmcpu",
     "when": lambda qw, doc: True,
     "reason": VME_REASON},
    {"word": "FEAT_8000_0001_EDX", "mask": 1 << 1, "models": r"^qemu64(-v1)?$", "side": "kvmcpu",
     "when": lambda qw, doc: True,
     "reason": "the AMD alias copy of leaf 1 EDX vme (APM E.4.2): " + VME_REASON},
    {"word": "FEAT_XSAVE_XCR0_HI", "mask": 0xFFFFFFFF, "models": None, "side": "qemu",
     "when": _no_xsave_and_empty_leaf_d,
     "reason": "as FEAT_XSAVE_XCR0_LO: a component word of a guest without XSAVE"},
]

# Not a feature word, so not in DIVERGENCES: under KVM, QEMU replaces every named
# model's vendor with the host's (x86_cpu_load_model), and the vendor decides other
# bits (on AMD the CPUID[1].EDX aliases are copied into CPUID[0x80000001].EDX).
# kvmcpu keeps the model's vendor, so a guest's CPUID does not depend on the host
# brand. QEMU is therefore given vendor=<the model's vendor> explicitly.
VENDOR_NOTE = ("QEMU under KVM gives every named model the host's vendor; kvmcpu keeps the "
               "model's. QEMU ran with vendor=<model's vendor> so that words compare like "
               "for like")

# A host limitation that stops QEMU from starting a model at all: QEMU asserts
# when KVM_SET_MSRS refuses a value. When it is this MSR, the model is compared
# a second time with the feature that creates the MSR value removed on both
# sides, and the run says so.
MSR_RETRY_FEATURE = {
    0x10a: "arch-capabilities",   # IA32_ARCH_CAPABILITIES
    0xcf: "core-capability",      # IA32_CORE_CAPABILITIES
    0x345: "pdcm",                # IA32_PERF_CAPABILITIES
}


def msr_refusal(err):
    """(MSR, value, feature) when QEMU stopped because KVM_SET_MSRS refused the value of
    an MSR of MSR_RETRY_FEATURE; otherwise None."""
    m = re.search(r"failed to set MSR (0x[0-9a-f]+) to (0x[0-9a-f]+)", str(err))
    feat = MSR_RETRY_FEATURE.get(int(m.group(1), 16)) if m else None
    return (m.group(1), m.group(2), feat) if feat else None


def log(msg):
    print(msg, flush=True)


def skip(msg):
    print("\n*** SKIP: %s ***\n" % msg, flush=True)
    sys.exit(77)


class QmpError(Exception):
    pass


class Qemu:
    """One QEMU process driven over QMP on its stdin/stdout."""

    def __init__(self, qemu_cmd, args, timeout):
        self.timeout = timeout
        self.errfile = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            qemu_cmd + args + ["-qmp", "stdio"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errfile,
            universal_newlines=True, bufsize=1)
        greeting = self._read()
        if greeting is None or "QMP" not in greeting:
            raise QmpError(self._failure("no QMP greeting"))
        self.version = greeting["QMP"]["version"]["qemu"]
        self.cmd("qmp_capabilities")

    def _read(self):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                return None
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def _failure(self, what):
        try:
            self.proc.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.errfile.seek(0)
        err = [l for l in self.errfile.read().splitlines() if "warning:" not in l]
        return "%s (QEMU exit %s): %s" % (what, self.proc.returncode, " | ".join(err[-3:]))

    def cmd(self, name, **arguments):
        req = {"execute": name}
        if arguments:
            req["arguments"] = arguments
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise QmpError(self._failure("QEMU exited before %s" % name))
        reply = self._read()
        if reply is None:
            raise QmpError(self._failure("QEMU exited during %s" % name))
        if "error" in reply:
            raise QmpError("%s: %s" % (name, reply["error"].get("desc")))
        return reply["return"]

    def close(self):
        try:
            self.cmd("quit")
        except QmpError:
            pass
        try:
            self.proc.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.errfile.close()


def load_msr_features():
    """MSR feature property name -> (MSR index, mask), from the reference data."""
    out = {}
    for fname in ("x86-cpuid-features.json", "x86-cpuid-features-newer.json"):
        with open(os.path.join(SRCDIR, "data", fname)) as f:
            data = json.load(f)
        for name, info in data["features"].items():
            if info["type"] == "msr":
                out[name] = (info["msr_index"], int(info["mask_hex"], 16))
    return out


def load_cpuid_features():
    """CPUID word key -> [(mask, feature name)], from the reference data."""
    out = {}
    for fname in ("x86-cpuid-features.json", "x86-cpuid-features-newer.json"):
        with open(os.path.join(SRCDIR, "data", fname)) as f:
            data = json.load(f)
        for name, info in data["features"].items():
            if info["type"] == "cpuid":
                key = word_key(info["leaf"], info["subleaf"], info["register"])
                out.setdefault(key, []).append((int(info["mask_hex"], 16), name))
    return out


def word_key(leaf, subleaf, reg):
    return ("cpuid", leaf, subleaf or 0, reg.lower())


def qemu_model_names(qemu_cmd, timeout):
    q = Qemu(qemu_cmd, ["-machine", "none", "-accel", "kvm", "-nodefaults", "-display", "none"],
             timeout)
    try:
        defs = q.cmd("query-cpu-definitions")
        version = q.version
    finally:
        q.close()
    names = sorted(d["name"] for d in defs if d["name"] not in ("base", "host", "max"))
    return names, "%d.%d.%d" % (version["major"], version["minor"], version["micro"])


def qemu_words(qemu_cmd, cpu, msr_features, timeout):
    """The guest feature words QEMU realizes for -cpu @cpu, and its filtered words."""
    q = Qemu(qemu_cmd, ["-accel", "kvm", "-cpu", cpu, "-S", "-nodefaults", "-display", "none",
                        "-machine", "pc"], timeout)
    try:
        cpus = q.cmd("query-cpus-fast")
        path = cpus[0]["qom-path"]
        words, filtered = {}, {}
        for dest, prop in ((words, "feature-words"), (filtered, "filtered-features")):
            for w in q.cmd("qom-get", path=path, property=prop):
                key = word_key(w["cpuid-input-eax"], w.get("cpuid-input-ecx"), w["cpuid-register"])
                dest[key] = w["features"]
        known = {}
        for name, (msr, mask) in msr_features.items():
            try:
                on = q.cmd("qom-get", path=path, property=name)
            except QmpError:
                continue  # this QEMU does not have the property
            key = ("msr", msr)
            known[key] = known.get(key, 0) | mask
            if on:
                words[key] = words.get(key, 0) | mask
            else:
                words.setdefault(key, 0)
        return words, filtered, known
    finally:
        q.close()


def kvmcpu_words(cli, cpu, timeout):
    p = subprocess.run([cli, "cpuid", "--cpu", cpu, "--json"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("kvmcpu cpuid --cpu %s exited %d: %s"
                           % (cpu, p.returncode, p.stderr.strip()))
    doc = json.loads(p.stdout)
    words, names = {}, {}
    for w in doc["words"]:
        if w["msr"]:
            key = ("msr", w["msr_index"])
        else:
            key = word_key(w["leaf"], w.get("subleaf"), w["reg"])
        words[key] = w["value"]
        names[key] = w["name"]
    return words, names, doc


def explain(model, wname, bits, side, qw, doc):
    """The divergences covering @bits; returns (unexplained bits, reasons)."""
    reasons = []
    for d in DIVERGENCES:
        if d["word"] != wname or d["side"] != side:
            continue
        if d["models"] is not None and not re.fullmatch(d["models"], model):
            continue
        if d.get("when") and not d["when"](qw, doc):
            continue
        hit = bits & d["mask"]
        if hit:
            reasons.append((wname, d["side"], d["reason"], hit, d.get("gap", False)))
            bits &= ~d["mask"]
    return bits, reasons


def fmt_key(key):
    if key[0] == "msr":
        return "MSR %#x" % key[1]
    return "CPUID %#x.%d %s" % (key[1], key[2], key[3])


def load_vendors():
    """Model name -> vendor string, from the reference data."""
    out = {}
    for fname in ("x86-cpu-models.json", "x86-cpu-models-newer.json"):
        with open(os.path.join(SRCDIR, "data", fname)) as f:
            for entry in json.load(f):
                out[entry["name"]] = entry["vendor"]
    return out


def compare_model(args, model, msr_features, vendors):
    """Returns a dict: model, status, diffs (unexplained), divergences, note."""
    res = {"model": model, "diffs": [], "divergences": [], "note": ""}
    if model not in vendors:
        res["status"] = "error"
        res["error"] = "no vendor for %s in data/x86-cpu-models*.json" % model
        return res
    cpu_q, cpu_k = "%s,vendor=%s" % (model, vendors[model]), model
    try:
        try:
            qw, qf, known = qemu_words(args.qemu, cpu_q, msr_features, args.timeout)
        except QmpError as e:
            refused = msr_refusal(e)
            if not refused:
                raise
            msr, value, feat = refused
            res["note"] = ("QEMU cannot start it here: KVM_SET_MSRS refuses MSR %s = %s; "
                           "compared with %s off on both sides" % (msr, value, feat))
            res["retry"] = (msr, feat)
            cpu_q, cpu_k = "%s,%s=off" % (cpu_q, feat), "%s+no_%s" % (model, feat)
            qw, qf, known = qemu_words(args.qemu, cpu_q, msr_features, args.timeout)
        kw, names, doc = kvmcpu_words(args.cli, cpu_k, args.timeout)
    except (QmpError, RuntimeError, subprocess.TimeoutExpired, ValueError, KeyError) as e:
        res["status"] = "error"
        res["error"] = str(e)
        return res
    for key in sorted(qw, key=str):
        if key not in kw:
            if qw[key]:
                res["diffs"].append("%s: kvmcpu has no such word; QEMU %#x" % (fmt_key(key), qw[key]))
            continue
        ours = kw[key] & known.get(key, ~0)
        theirs = qw[key]
        wname = names[key]
        extra_q, why_q = explain(model, wname, theirs & ~ours, "qemu", qw, doc)
        extra_k, why_k = explain(model, wname, ours & ~theirs, "kvmcpu", qw, doc)
        res["divergences"] += why_q + why_k
        if extra_q or extra_k:
            res["diffs"].append("%s (%s): kvmcpu %#x, QEMU %#x (QEMU only %#x, kvmcpu only %#x; "
                                "QEMU filtered %#x)"
                                % (wname, fmt_key(key), ours, theirs, extra_q, extra_k,
                                   qf.get(key, 0)))
    compare_dropped(model, qw, qf, kw, names, doc, res)
    res["status"] = "diff" if res["diffs"] else "ok"
    return res


def compare_dropped(model, qw, qf, kw, names, doc, res):
    """kvmcpu's "dropped" list against QEMU's filtered-features, over the named bits of
    the CPUID words (QEMU's filtered-features has no MSR words)."""
    by_name = {}
    qemu_names = set()
    for key, feats in CPUID_FEATURES.items():
        for mask, name in feats:
            by_name[name] = (key, mask)
            if qf.get(key, 0) & mask:
                qemu_names.add(name)
    ours = {n for n in doc["dropped"] if n in by_name}
    for name in sorted(qemu_names ^ ours):
        key, mask = by_name[name]
        # Dropped by kvmcpu only: QEMU's guest keeps the bit (a "qemu"-side divergence).
        side = "qemu" if name in ours else "kvmcpu"
        left, why = explain(model, names.get(key, "?"), mask, side, qw, doc)
        res["divergences"] += why
        if left:
            res["diffs"].append("dropped list: '%s' is dropped by %s only"
                                % (name, "kvmcpu" if name in ours else "QEMU"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default=os.environ.get("KVMCPU_CLI"), help="the kvmcpu binary")
    ap.add_argument("--qemu", default="qemu-system-x86_64",
                    help="QEMU command (may be a prefix such as 'chroot DIR qemu-system-x86_64')")
    ap.add_argument("--jobs", type=int, default=2, help="QEMUs run at once (default 2)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per QEMU or kvmcpu run")
    ap.add_argument("--models", help="comma-separated subset of model names")
    ap.add_argument("--expect-version", help="fail unless QEMU reports this version")
    ap.add_argument("--expect-models", type=int, help="fail unless QEMU lists this many models")
    args = ap.parse_args()
    args.qemu = shlex.split(args.qemu)

    if not args.cli or not os.access(args.cli, os.X_OK):
        print("qemu_conformance: no kvmcpu binary (--cli or KVMCPU_CLI)", file=sys.stderr)
        return 2
    exe = args.qemu[-1]
    if args.qemu[0] != "chroot" and not shutil.which(exe):
        skip("%s is not installed (Debian package qemu-system-x86; `make deps` installs it)" % exe)
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        skip("/dev/kvm is missing or not accessible: QEMU cannot use -accel kvm here")

    t0 = time.monotonic()
    try:
        names, version = qemu_model_names(args.qemu, args.timeout)
    except QmpError as e:
        skip("QEMU cannot start with -accel kvm on this host: %s" % e)
    log("QEMU %s lists %d CPU models (base, host and max left out)" % (version, len(names)))
    if args.expect_version and version != args.expect_version:
        log("FAIL: expected QEMU %s" % args.expect_version)
        return 1
    if args.expect_models is not None and len(names) != args.expect_models:
        log("FAIL: expected %d models" % args.expect_models)
        return 1
    if args.models:
        wanted = args.models.split(",")
        unknown = [m for m in wanted if m not in names]
        if unknown:
            print("qemu_conformance: QEMU %s does not know %s" % (version, ", ".join(unknown)),
                  file=sys.stderr)
            return 2
        names = wanted

    msr_features = load_msr_features()
    vendors = load_vendors()
    CPUID_FEATURES.update(load_cpuid_features())
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for res in pool.map(lambda m: compare_model(args, m, msr_features, vendors), names):
            results.append(res)
            tag = {"ok": "ok  ", "diff": "DIFF", "error": "ERR "}[res["status"]]
            if res["status"] == "ok" and any(d[4] for d in res["divergences"]):
                tag = "GAP "
            log("%s %s%s" % (tag, res["model"], " [%s]" % res["note"] if res["note"] else ""))
            for line in res["diffs"]:
                log("       %s" % line)
            if res["status"] == "error":
                log("       %s" % res["error"])

    ok = [r for r in results if r["status"] == "ok"]
    bad = [r for r in results if r["status"] != "ok"]
    noted = [r for r in results if r["note"]]
    div = {}
    for r in results:
        for wname, side, reason, hit, gap in r["divergences"]:
            entry = div.setdefault((gap, wname, side, reason), [set(), 0])
            entry[0].add(r["model"])
            entry[1] |= hit
    log("")
    gapped = [r for r in ok if any(d[4] for d in r["divergences"])]
    log("QEMU %s, %d models compared in %.1f s: %d identical (%d of them only through KNOWN "
        "GAPS), %d with differences, %d errors"
        % (version, len(results), time.monotonic() - t0, len(ok), len(gapped),
           sum(r["status"] == "diff" for r in results), sum(r["status"] == "error" for r in results)))
    log("vendor: %s" % VENDOR_NOTE)
    for (gap, wname, side, reason), (models, bits) in sorted(div.items()):
        log("%s in %d models: %s bits %#x only on the %s side: %s"
            % ("*** KNOWN GAP" if gap else "documented divergence", len(models), wname, bits,
               side, reason))
    retries = {}
    for r in noted:
        retries.setdefault(r["retry"], []).append(r["model"])
    for (msr, feat), models in sorted(retries.items()):
        log("host limitation: QEMU aborts on %d models because this host's KVM_SET_MSRS refuses "
            "their non-zero MSR %s (KVM reports the MSR and its bits as supported); compared "
            "with %s off on both sides: %s" % (len(models), msr, feat, ", ".join(models)))
    log("RESULT: %s" % ("PASS" if not bad else "FAIL"))
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
