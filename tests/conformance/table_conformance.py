#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compares kvmcpu's complete guest table with the one QEMU hands KVM, vCPU by vCPU.

How it works:

  QEMU:   every model the QEMU binary lists, at -smp 1, and a representative set
          (REPRESENTATIVE: Intel server and client, AMD EPYC with its own cache
          description, legacy-cache models, Hygon, Zhaoxin) at every topology of
          TOPOLOGIES. Each run is qemu_table.qemu_table(): -machine pc -accel kvm,
          vendor=<the model's vendor>, kvm_record.c preloaded; it yields each vCPU's
          last KVM_SET_CPUID2 table and the feature MSRs QEMU first writes.
  kvmcpu: kvmcpu cpuid --cpu MODEL --json [--smp SPEC --vcpu I]; a kvmcpu without
          --smp is compared, for every vCPU, with its single table (the run says so).

Every register of every leaf (a missing leaf reads as zero; the flags where both
sides have the entry), the feature MSRs (IA32_ARCH_CAPABILITIES,
IA32_CORE_CAPABILITIES, IA32_PERF_CAPABILITIES, the VMX MSRs; "not written" is a
value) and the vCPU KVM_ENABLE_CAP list are compared. Each differing bit must be
covered by an entry of DIVERGENCES, or the run fails. An entry is either

  - a deliberate divergence: kvmcpu differs from this QEMU on purpose (the reason
    says why; most are QEMU 7.2's older rules, marked qemu="7.2"), or
  - a KNOWN GAP (gap=True, reason "not yet built: issue 7 ..."): kvmcpu does not
    build the value yet. Gaps are listed loudly on every run and counted apart;
    the list shrinks as issue 7 lands, and an entry that covers nothing is
    reported as stale.

The feature-word divergences of qemu_conformance.py (the same host effects, seen
in the words) apply here too, through their word names.

The summary gives the tables compared, how many are identical, and the number of
vCPU tables differing per (leaf, subleaf, register) and feature MSR.

Exit codes: 0 no unexplained difference, 1 differences or errors, 2 bad usage,
77 skipped (no QEMU or no usable /dev/kvm; the reason is printed).
"""

import argparse
import concurrent.futures
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_conformance as qc  # noqa: E402
import qemu_table as qt  # noqa: E402

GAP = qc.GAP_TEXT
ORACLE_MAJOR = "11"  # QEMU 11.1.3: the version whose tables kvmcpu builds
ALL = (1 << 64) - 1

# Models compared at every topology, those this QEMU lists; why each is here.
REPRESENTATIVE = [
    ("Skylake-Server", "Intel server, own cache-less model: legacy Intel caches"),
    ("SapphireRapids", "Intel server with AMX and leaf 0x1F-era features"),
    ("GraniteRapids", "newest Intel server (QEMU 11)"),
    ("Skylake-Client", "Intel client"),
    ("EPYC-Rome", "AMD EPYC with its own cache description"),
    ("EPYC-Genoa", "AMD EPYC with its own cache description, perfmon-v2 (QEMU 11)"),
    ("Opteron_G5", "AMD legacy caches"),
    ("Westmere", "Intel legacy caches, pre-x2apic-era model"),
    ("qemu64", "QEMU's default model (AMD vendor)"),
    ("Dhyana", "Hygon"),
    ("YongFeng", "Zhaoxin (QEMU 11)"),
]

# (QEMU -smp spec, oldest QEMU that accepts it, what it exercises).
TOPOLOGIES = [
    ("2,threads=2", (2, 0), "SMT siblings"),
    ("4,cores=4", (2, 0), "several cores"),
    ("8,sockets=2,cores=2,threads=2", (2, 0), "sockets, cores and threads"),
    ("6,sockets=2,cores=3", (2, 0), "a core count that is no power of two: APIC ID gaps"),
    ("4,sockets=1,dies=2,cores=2", (5, 0), "dies (leaf 0x1F)"),
    ("4,sockets=1,modules=2,cores=2", (9, 0), "modules (QEMU 7.2 has no modules= in -smp)"),
]


def D(reason, leaf=None, subleaf=None, reg=None, msr=None, caps=False, word=None,
      mask=None, models=None, vendor=None, qemu=None, topo=None, side=None, gap=False,
      when=None):
    """One divergence. leaf/subleaf/reg (reg: a name or a tuple, None: all four and
    flags), msr, caps or word (a kvmcpu word name) say where; mask which bits (all by
    default); models a regular expression over model names; vendor the model's vendor;
    qemu a QEMU version prefix ("7.2"); topo "smp1" or "multi"; side which side has the
    bits ("qemu" or "kvmcpu"; None: either); when(ctx) a further condition."""
    if gap != (GAP in reason):
        raise ValueError("a gap entry, and only a gap entry, says '%s': %s" % (GAP, reason))
    if isinstance(reg, str):
        reg = (reg,)
    return {"reason": reason, "leaf": leaf, "subleaf": subleaf, "reg": reg, "msr": msr,
            "caps": caps, "word": word, "mask": ALL if mask is None else mask,
            "models": models, "vendor": vendor, "qemu": qemu, "topo": topo, "side": side,
            "gap": gap, "when": when}


def from_word_divergences():
    """qemu_conformance.py's feature-word divergences as table entries."""
    out = []
    for d in qc.DIVERGENCES:
        cond = d.get("when")
        when = (lambda ctx, c=cond: c(ctx.qw, ctx.doc)) if cond else None
        out.append(D(d["reason"], word=d["word"], mask=d["mask"], models=d["models"],
                     side=d["side"], gap=d.get("gap", False), when=when))
    return out


INTEL_LIKE = "GenuineIntel|CentaurHauls"  # the vendors QEMU treats as Intel-compatible
AMD_LIKE = "AuthenticAMD|HygonGenuine"
ARCH_CAPABILITIES_CPUID = 1 << 29  # CPUID[7,0].EDX[29] (SDM Vol. 2A, Table 3-8)


def _arch_caps_unreadable(ctx):
    """QEMU wrote 0 to IA32_ARCH_CAPABILITIES, kvmcpu wrote nothing, and the guest has no
    CPUID[7,0].EDX[29], so a guest RDMSR of it faults (KVM checks that bit): the value
    cannot be seen."""
    leaf7 = [e for e in ctx.qv["cpuid"] if qt.entry_key(e) == (7, 0)]
    return (ctx.qv["msrs"].get(0x10a) == 0 and 0x10a not in ctx.kmsrs
            and not (leaf7 and leaf7[0]["edx"] & ARCH_CAPABILITIES_CPUID))


def _smp_counts(smp):
    parts = smp.split(",")
    return [int(parts[0])] + [int(p.split("=")[1]) for p in parts[1:]]


def _has_dies(ctx):
    return "dies=" in ctx.smp


def _irregular(ctx):
    """A topology with dies, or with a count that is no power of two: there QEMU 7.2's
    products and QEMU 11.1.3's power-of-two widths part."""
    return _has_dies(ctx) or any(n & (n - 1) for n in _smp_counts(ctx.smp))


V72 = ("QEMU 7.2's older rule; QEMU 11.1.3, the oracle kvmcpu follows, builds it otherwise "
       "(measured on this host, same model and topology): ")

DIVERGENCES = from_word_divergences() + [
    # ---- Deliberate divergences --------------------------------------------------------
    D("QEMU writes 0 to IA32_ARCH_CAPABILITIES whenever KVM has the MSR, also for a guest "
      "without CPUID[7,0].EDX[29] arch-capabilities; KVM faults such a guest's RDMSR, so the "
      "value is invisible (Linux kvm_get_msr_common) and kvmcpu does not write it",
      msr=0x10a, when=_arch_caps_unreadable),

    # ---- QEMU 7.2's older rules (version-specific) -------------------------------------
    D(V72 + "7.2 marks leaf 2 stateful (flags 6: KVM_CPUID_FLAG_STATEFUL_FUNC | "
      "KVM_CPUID_FLAG_STATE_READ_NEXT); 11.1.3 gives flags 0", leaf=2, reg="flags", mask=0x6,
      qemu="7.2"),
    D(V72 + "7.2 describes the caches in leaf 2 with one-byte descriptors; 11.1.3 gives "
      "descriptor 0xFF (see leaf 4)", leaf=2, reg=("ecx", "edx"),
      vendor=INTEL_LIKE + "|HygonGenuine", qemu="7.2"),
    D(V72 + "7.2 copies the vendor string into CPUID[0x80000000].EBX-EDX for Intel guests; "
      "11.1.3 leaves them zero (vendor-only leaves)", leaf=0x80000000,
      reg=("ebx", "ecx", "edx"), vendor=INTEL_LIKE, qemu="7.2"),
    D(V72 + "7.2 gives Intel guests AMD's L1 cache and TLB leaf 0x80000005; 11.1.3 leaves it "
      "zero (vendor-only leaves)", leaf=0x80000005, vendor=INTEL_LIKE, qemu="7.2"),
    D(V72 + "7.2 gives Intel guests AMD's L2/L3 TLB and cache fields of leaf 0x80000006; "
      "11.1.3 only the L2 line of ECX", leaf=0x80000006, vendor=INTEL_LIKE, qemu="7.2"),
    D(V72 + "7.2 gives 32-bit models without PAE-36 a 32-bit physical width; 11.1.3 36",
      leaf=0x80000008, reg="eax", mask=0xff, models=r"(coreduo|n270)(-v1)?", qemu="7.2"),
    D(V72 + "7.2 sets CmpLegacy (CPUID[0x80000001].ECX[1]) on AMD guests with several "
      "logical processors; 11.1.3 does not", leaf=0x80000001, reg="ecx", mask=0x2,
      vendor=AMD_LIKE, topo="multi", qemu="7.2"),
    D(V72 + "7.2 counts logical processors (leaf 1 EBX[23:16]) as the product of the "
      "topology; 11.1.3 rounds each level up to a power of two and counts dies",
      leaf=1, reg="ebx", mask=0x00ff0000, when=_irregular, qemu="7.2"),
    D(V72 + "with dies, 0xB level 1 counts every logical processor of the package in "
      "11.1.3, those of one die in 7.2", leaf=0xB, subleaf=1, reg="ebx", mask=0xffff,
      when=_has_dies, qemu="7.2"),
    D(V72 + "7.2 fills leaf 4 EAX[31:14] (cores per package, threads sharing) from the "
      "product of the topology; 11.1.3 from its power-of-two widths and dies",
      leaf=4, reg="eax", mask=0xffffc000, topo="multi", qemu="7.2"),
    D(V72 + "7.2 sets NC and ApicIdCoreIdSize of CPUID[0x80000008].ECX for Intel guests; "
      "11.1.3 leaves them zero (AMD-only)", leaf=0x80000008, reg="ecx", mask=0xf0ff,
      vendor=INTEL_LIKE, topo="multi", qemu="7.2"),
    D(V72 + "with dies, 7.2 counts the threads of one die in NC (CPUID[0x80000008].ECX[7:0]) "
      "for AMD guests; 11.1.3 those of the package", leaf=0x80000008, reg="ecx", mask=0xff,
      vendor=AMD_LIKE, when=_has_dies, qemu="7.2"),
    D(V72 + "7.2 counts the logical processors sharing the L3 (0x8000001D subleaf 3 "
      "EAX[25:14]) from the product of the topology; 11.1.3 from its widths",
      leaf=0x8000001D, subleaf=3, reg="eax", mask=0x03ffc000, when=_irregular, qemu="7.2"),
    D(V72 + "7.2 sets complex cache indexing (EDX[2]) in the L3 of 0x8000001D; 11.1.3 does "
      "not", leaf=0x8000001D, subleaf=3, reg="edx", mask=0x4, qemu="7.2"),
    D(V72 + "7.2 puts nodes per processor in CPUID[0x8000001E].ECX[10:8] when there are "
      "dies; 11.1.3 leaves it zero", leaf=0x8000001E, reg="ecx", mask=0x7ff, when=_has_dies,
      qemu="7.2"),

    # ---- KNOWN GAPS: not built yet (issue 7); removed as the items land -----------------
]


class Context:
    """What a divergence's condition may look at for one vCPU."""

    def __init__(self, model, vendor, version, smp, qv, doc):
        self.model, self.vendor, self.version, self.smp = model, vendor, version, smp
        self.qv, self.doc = qv, doc
        self.kmsrs = {m["index"] for m in doc["msrs"]}
        self.qw = {("cpuid", e["function"], qt.entry_key(e)[1], r): e[r]
                   for e in qv["cpuid"] for r in qt.REGS}
        self.words = {}
        for w in doc["words"]:
            self.words[w["name"]] = (("msr", w["msr_index"]) if w["msr"]
                                     else (w["leaf"], w.get("subleaf") or 0, w["reg"].lower()))


def entry_applies(e, d, ctx):
    if "msr" in d:
        if e["msr"] != d["msr"] and ctx.words.get(e["word"]) != ("msr", d["msr"]):
            return False
    elif "caps" in d:
        if not e["caps"]:
            return False
    elif e["word"]:
        if ctx.words.get(e["word"]) != (d["leaf"], d["subleaf"], d["reg"]):
            return False
    elif (e["leaf"] != d["leaf"] or (e["subleaf"] is not None and e["subleaf"] != d["subleaf"])
          or (e["reg"] is not None and d["reg"] not in e["reg"])):
        return False
    if e["models"] is not None and not re.fullmatch(e["models"], ctx.model):
        return False
    if e["vendor"] is not None and not re.fullmatch(e["vendor"], ctx.vendor):
        return False
    if e["qemu"] is not None and not (ctx.version + ".").startswith(e["qemu"] + "."):
        return False
    if e["topo"] is not None and e["topo"] != ("smp1" if ctx.smp == "1" else "multi"):
        return False
    return not e["when"] or e["when"](ctx)


def explain(d, ctx):
    """Splits one difference into the entries that cover it; returns (hits, leftover),
    hits as (entry index, bits)."""
    if d.get("xor") is None:  # an MSR one side does not write, or the caps list
        sides = {"qemu": ALL, "kvmcpu": ALL}
    else:
        sides = {"qemu": d["qemu"] & ~d["kvmcpu"], "kvmcpu": d["kvmcpu"] & ~d["qemu"]}
    hits = []
    for i, e in enumerate(DIVERGENCES):
        if not any(sides.values()) or not entry_applies(e, d, ctx):
            continue
        for side in sides:
            if e["side"] in (None, side) and sides[side] & e["mask"]:
                hits.append((i, sides[side] & e["mask"]))
                sides[side] &= ~e["mask"]
    return hits, sides["qemu"] | sides["kvmcpu"]


def diff_key(d):
    if "msr" in d:
        return "MSR %#x %s" % (d["msr"], qt.msr_name(d["msr"]))
    if "caps" in d:
        return "vCPU KVM_ENABLE_CAP"
    return "CPUID %#x.%d %s" % (d["leaf"], d["subleaf"], d["reg"])


def compare_run(args, target, model, smp, vendors):
    """One QEMU run and the kvmcpu tables of its vCPUs; a dict with per-vCPU results."""
    res = {"model": model, "smp": smp, "vcpus": [], "note": "", "error": None}
    if model not in vendors:
        res["error"] = "no vendor for %s in data/x86-cpu-models*.json" % model
        return res
    cpu_q, spec_k = qt.qemu_cpu_string(model, vendors), model
    try:
        try:
            table = qt.qemu_table(target, cpu_q, smp, args.timeout)
        except qt.OracleError as e:
            refused = qc.msr_refusal(e)
            if not refused:
                raise
            msr, value, feat = refused
            res["note"] = ("QEMU cannot start it here: KVM_SET_MSRS refuses MSR %s = %s; "
                           "compared with %s off on both sides" % (msr, value, feat))
            cpu_q, spec_k = "%s,%s=off" % (cpu_q, feat), "%s+no_%s" % (model, feat)
            table = qt.qemu_table(target, cpu_q, smp, args.timeout)
        ours, smp_note = qt.kvmcpu_tables(args.cli, spec_k, smp, len(table["vcpus"]),
                                          timeout=args.timeout)
    except (qt.OracleError, qc.QmpError, OSError, ValueError, KeyError) as e:
        res["error"] = str(e)
        return res
    res["version"] = table["qemu"]
    res["smp_note"] = smp_note
    for qv, kv in zip(table["vcpus"], ours):
        ctx = Context(model, vendors[model], table["qemu"], smp, qv, kv["doc"])
        out = {"index": qv["index"], "apic_id": qv["apic_id"], "diffs": []}
        for d in qt.table_diffs(qv, kv):
            d["hits"], d["left"] = explain(d, ctx)
            out["diffs"].append(d)
        res["vcpus"].append(out)
    return res


def classify(diffs):
    if any(d["left"] for d in diffs):
        return "unexplained"
    if any(DIVERGENCES[i]["gap"] for d in diffs for i, _ in d["hits"]):
        return "gap"
    return "divergence" if diffs else "identical"


def plan(names, version):
    """(model, smp) runs: every model at -smp 1, the representative ones at every
    topology this QEMU accepts."""
    runs = [(m, "1") for m in names]
    vt = tuple(int(x) for x in version.split(".")[:2])
    for model, _why in REPRESENTATIVE:
        if model in names:
            runs += [(model, spec) for spec, oldest, _ in TOPOLOGIES if vt >= oldest]
    return runs


def print_run(res, show_all):
    if res["error"]:
        qc.log("ERR  %s -smp %s: %s" % (res["model"], res["smp"], res["error"]))
        return
    kinds = [classify(v["diffs"]) for v in res["vcpus"]]
    worst = max(kinds, key=("identical", "divergence", "gap", "unexplained").index)
    tag = {"identical": "ok  ", "divergence": "ok  ", "gap": "GAP ", "unexplained": "DIFF"}[worst]
    ndiff = sum(len(v["diffs"]) for v in res["vcpus"])
    qc.log("%s %s -smp %s: %d vCPU(s), %d differing registers/MSRs%s"
           % (tag, res["model"], res["smp"], len(res["vcpus"]), ndiff,
              " [%s]" % res["note"] if res["note"] else ""))
    for v in res["vcpus"]:
        for d in v["diffs"]:
            if d["left"] or show_all:
                left = ("  UNEXPLAINED bits %#x" % d["left"]) if d["left"] else ""
                qc.log("       vCPU %d: %s%s" % (v["index"], qt.fmt_diff(d), left))


def summarize(results, version, elapsed, full_run):
    """Prints the summary table; returns the number of failures."""
    ok = [r for r in results if not r["error"]]
    tables = [(r, v) for r in ok for v in r["vcpus"]]
    kinds = {}
    for r, v in tables:
        kinds.setdefault(classify(v["diffs"]), []).append((r, v))
    smp1 = [r for r in ok if r["smp"] == "1"]
    smp1_same = sum(all(not v["diffs"] for v in r["vcpus"]) for r in smp1)
    qc.log("")
    qc.log("=" * 78)
    qc.log("QEMU %s whole-table comparison, %.1f s: %d runs (%d models at -smp 1, %d topology "
           "runs), %d vCPU tables, %d errors"
           % (version, elapsed, len(results), len(smp1), len(ok) - len(smp1), len(tables),
              len(results) - len(ok)))
    qc.log("  models identical at -smp 1: %d of %d" % (smp1_same, len(smp1)))
    for k, label in (("identical", "identical:"),
                     ("divergence", "differing by deliberate divergences:"),
                     ("gap", "with KNOWN GAPS (and no other):"),
                     ("unexplained", "with UNEXPLAINED differences:")):
        qc.log("  vCPU tables %-37s %d" % (label, len(kinds.get(k, []))))
    notes = {r["smp_note"] for r in ok if r.get("smp_note")}
    for n in sorted(notes):
        qc.log("  note: " + n)

    # Per (leaf, subleaf, register): vCPU tables differing, at -smp 1 and at topologies.
    rows = {}
    for r, v in tables:
        for d in v["diffs"]:
            row = rows.setdefault(diff_key(d), {"smp1": 0, "multi": 0, "models": set(),
                                                "gap": 0, "div": 0, "left": 0,
                                                "sort": sort_key(d)})
            row["smp1" if r["smp"] == "1" else "multi"] += 1
            row["models"].add(r["model"])
            row["left" if d["left"] else "gap" if any(DIVERGENCES[i]["gap"]
                                                      for i, _ in d["hits"]) else "div"] += 1
    qc.log("")
    qc.log("Differences per leaf (vCPU tables differing; a table counts once per register):")
    qc.log("  %-36s %6s %6s %7s %6s %6s %6s" % ("where", "smp1", "topo", "models", "unexpl",
                                               "gap", "divg"))
    for key, row in sorted(rows.items(), key=lambda kv: kv[1]["sort"]):
        qc.log("  %-36s %6d %6d %7d %6d %6d %6d" % (key, row["smp1"], row["multi"],
                                                   len(row["models"]), row["left"], row["gap"],
                                                   row["div"]))

    # Every entry's use, gaps apart and loud.
    used = {}  # entry -> [vCPU tables, models, bits]
    for n, (r, v) in enumerate(tables):
        for d in v["diffs"]:
            for i, bits in d["hits"]:
                u = used.setdefault(i, [set(), set(), 0])
                u[0].add(n)
                u[1].add(r["model"])
                u[2] |= bits
    qc.log("")
    qc.log("Deliberate divergences:")
    for i, e in enumerate(DIVERGENCES):
        if not e["gap"] and i in used:
            qc.log("  [%s] %d tables, %d models, bits %#x: %s"
                   % (where(e), len(used[i][0]), len(used[i][1]), used[i][2], e["reason"]))
    gaps = [i for i, e in enumerate(DIVERGENCES) if e["gap"]]
    gap_tables = len(kinds.get("gap", []))
    qc.log("")
    qc.log("!" * 78)
    qc.log("KNOWN GAPS (%s): %d entries; %d vCPU tables differ only by them"
           % (GAP, len(gaps), gap_tables))
    for i in gaps:
        e = DIVERGENCES[i]
        if i in used:
            qc.log("  GAP [%s] %d tables, %d models, bits %#x: %s"
                   % (where(e), len(used[i][0]), len(used[i][1]), used[i][2], e["reason"]))
    # Stale gaps are looked for against the oracle only: older QEMUs lack some models.
    stale = [i for i in gaps if i not in used and applies_to_version(DIVERGENCES[i], version)
             and full_run and version.split(".")[0] == ORACLE_MAJOR]
    for i in stale:
        qc.log("  STALE GAP (covered nothing in this run; remove it once no host needs it) "
               "[%s]: %s" % (where(DIVERGENCES[i]), DIVERGENCES[i]["reason"]))
    qc.log("!" * 78)
    failures = len(kinds.get("unexplained", [])) + len(results) - len(ok)
    qc.log("RESULT: %s" % ("PASS" if not failures else "FAIL"))
    return failures


def applies_to_version(e, version):
    return e["qemu"] is None or (version + ".").startswith(e["qemu"] + ".")


def sort_key(d):
    if "msr" in d:
        return (2, d["msr"], 0, "")
    if "caps" in d:
        return (3, 0, 0, "")
    return (1 if d["leaf"] >= 0x40000000 else 0, d["leaf"], d["subleaf"],
            (qt.REGS + ("flags",)).index(d["reg"]))


def where(e):
    if e["word"]:
        s = e["word"]
    elif e["msr"] is not None:
        s = "MSR %#x" % e["msr"]
    elif e["caps"]:
        s = "caps"
    else:
        s = "CPUID %#x%s %s" % (e["leaf"], "" if e["subleaf"] is None else ".%d" % e["subleaf"],
                                "/".join(e["reg"]) if e["reg"] else "all")
    if e["mask"] != ALL:
        s += " mask %#x" % e["mask"]
    for k in ("models", "vendor", "qemu", "topo", "side"):
        if e[k] is not None:
            s += " %s=%s" % (k, e[k])
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default=os.environ.get("KVMCPU_CLI"), help="the kvmcpu binary")
    ap.add_argument("--qemu", default="7.2", help="7.2 (system QEMU) or 11.1.3 (the chroot)")
    ap.add_argument("--interposer", help="kvm_record .so (default: compiled by qemu_table)")
    ap.add_argument("--jobs", type=int, default=2, help="QEMUs run at once (default 2)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per QEMU or kvmcpu run")
    ap.add_argument("--models", help="comma-separated subset of model names")
    ap.add_argument("--no-topologies", action="store_true", help="only -smp 1")
    ap.add_argument("--show-all", action="store_true",
                    help="print every difference, not only the unexplained ones")
    ap.add_argument("--dump", help="write every run's differences to this JSON file")
    ap.add_argument("--expect-version", help="fail unless QEMU reports this version")
    ap.add_argument("--expect-models", type=int, help="fail unless QEMU lists this many models")
    args = ap.parse_args()

    if not args.cli or not os.access(args.cli, os.X_OK):
        print("table_conformance: no kvmcpu binary (--cli or KVMCPU_CLI)", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    try:
        target = qt.Target(args.qemu, args.interposer or qt.build_recorder())
        names, version = qc.qemu_model_names(target.prefix + [qt.QEMU_EXE], args.timeout)
    except qt.OracleError as e:
        print("table_conformance: %s" % e, file=sys.stderr)
        return 2
    except qc.QmpError as e:
        qc.skip("QEMU cannot start with -accel kvm on this host: %s" % e)
    qc.log("QEMU %s lists %d CPU models (base, host and max left out)" % (version, len(names)))
    if args.expect_version and version != args.expect_version:
        qc.log("FAIL: expected QEMU %s" % args.expect_version)
        return 1
    if args.expect_models is not None and len(names) != args.expect_models:
        qc.log("FAIL: expected %d models" % args.expect_models)
        return 1
    if args.models:
        unknown = [m for m in args.models.split(",") if m not in names]
        if unknown:
            print("table_conformance: QEMU %s does not know %s" % (version, ", ".join(unknown)),
                  file=sys.stderr)
            return 2
        names = args.models.split(",")
    runs = plan(names, version)
    if args.no_topologies:
        runs = [r for r in runs if r[1] == "1"]
    vendors = qc.load_vendors()
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for res in pool.map(lambda r: compare_run(args, target, r[0], r[1], vendors), runs):
            results.append(res)
            print_run(res, args.show_all)
    if args.dump:
        with open(args.dump, "w") as f:
            json.dump({"qemu": version, "runs": results}, f, indent=1, default=sorted)
    full_run = not args.models and not args.no_topologies
    return 1 if summarize(results, version, time.monotonic() - t0, full_run) else 0


if __name__ == "__main__":
    sys.exit(main())
