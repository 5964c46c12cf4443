#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every model on every recorded host: guest within host AND model in every word,
identity exact, leaf 0xD consistent with the components kept."""
import os

import reference
from kvmcpu_test import FIXTURES, HOSTS, Checker, run_json

HYPERVISOR = 1 << 31


def read_host(path):
    host = {}
    with open(path) as f:
        for line in f:
            line = line.split("#")[0].split()
            if line == ["kind", "raw-cpuid"]:
                host["raw"] = True
            if len(line) == 6:
                v = [int(x, 16) for x in line]
                host[(v[0], v[1])] = dict(zip(("eax", "ebx", "ecx", "edx"), v[2:]))
    return host


def reg(host, leaf, sub, r):
    e = host.get((leaf, sub))
    return e[r] if e else 0


def kvm_synthesized(host):
    """Feature names KVM (Linux 6.18) sets on the processor of a raw dump, whatever its
    CPUID says: arch/x86/kvm/cpuid.c kvm_set_cpu_caps and __do_cpuid_func,
    kvm/svm/svm.c svm_set_cpu_caps, kvm/x86.c kvm_get_arch_capabilities."""
    vendor = b"".join(reg(host, 0, 0, r).to_bytes(4, "little") for r in ("ebx", "edx", "ecx")).decode()
    amd = vendor in ("AuthenticAMD", "HygonGenuine")
    eax1 = reg(host, 1, 0, "eax")
    family = (eax1 >> 8) & 0xF
    family += (eax1 >> 20) & 0xFF if family == 0xF else 0
    e7 = reg(host, 7, 0, "edx")
    e8 = reg(host, 0x80000008, 0, "ebx")
    out = ["x2apic", "tsc-deadline", "hypervisor", "arat", "tsc-adjust", "arch-capabilities",
           "kvmclock", "kvm-nopiodelay", "kvm-asyncpf", "kvm-steal-time", "kvm-pv-eoi",
           "kvm-pv-unhalt", "kvm-pv-tlb-flush", "kvm-asyncpf-vmexit", "kvm-pv-ipi",
           "kvm-poll-control", "kvm-pv-sched-yield", "kvm-asyncpf-int", "kvmclock-stable-bit",
           "pschange-mc-no", "skip-l1dfl-vmentry"]
    if amd:
        out += ["rdctl-no", "mds-no", "gds-no", "rfds-no", "its-no"]
        if e8 >> 30 & 1 and e8 >> 12 & 1 and e8 >> 14 & 1:  # IBPB_RET, IBPB, IBRS
            out.append("spec-ctrl")
        if e8 >> 15 & 1:
            out.append("stibp")
        if e8 >> 24 & 1:
            out.append("ssbd")
        if e8 >> 24 & 1 or 0x15 <= family <= 0x18:  # AMD_SSBD or LS_CFG_SSBD
            out.append("virt-ssbd")
        if e8 >> 26 & 1 or 0x0F <= family <= 0x12:  # AMD_SSB_NO or NO_SSB
            out += ["amd-no-ssb", "ssb-no"]
    else:
        if e7 >> 26 & 1:
            out += ["ibpb", "ibrs"]
        if e7 >> 27 & 1:
            out.append("amd-stibp")
        if e7 >> 31 & 1:
            out.append("amd-ssbd")
    return reference.words_of(out)


def host_word(host, w):
    info = reference.WORDS[w]
    synth = kvm_synthesized(host).get(w, 0) if host.get("raw") else 0
    if info["type"] != "cpuid":
        return synth  # recorded dumps carry no MSRs: only what KVM emulates
    e = host.get((info["leaf"], info["subleaf"] or 0))
    v = (e[info["register"]] if e else 0) | synth
    if w == "FEAT_1_ECX":
        v |= HYPERVISOR  # KVM reports it; bare-metal dumps lack it
    if w == "FEAT_8000_0007_EBX":
        v |= 0x3  # overflow-recov, succor: KVM's emulated MCA banks, on every KVM host
    if w == "FEAT_8000_0001_ECX":
        v |= 1 << 22  # topoext: QEMU's kvm_arch_get_supported_cpuid always offers it
    if w == "FEAT_8000_0001_EDX":
        # An AMD-vendor guest mirrors leaf 1 EDX there (APM E.4.2); the bits are only
        # a second copy, so any host that has them in leaf 1 can give them.
        leaf1 = host.get((1, 0))
        v |= (leaf1["edx"] if leaf1 else 0) & reference.AMD_ALIAS_BITS
    return v


def xsave_components():
    comps = {c["component"]: [c["enabled_by"]] for c in reference.FEATS["xsave_components"]}
    for c in reference.NEWER["xsave_components"]:
        comps[c["component"]] = c["enabled_by_any_of"]
    return comps


COMPS = xsave_components()


def check_leaf_d(c, where, host, entries, words):
    d0 = entries.get((0xD, 0))
    if not d0:
        return
    xcr0 = d0["eax"] | d0["edx"] << 32
    h0 = host.get((0xD, 0), {"eax": 0, "edx": 0})
    c.eq(xcr0 & ~(h0["eax"] | h0["edx"] << 32), 0, "%s: XCR0 bits the host lacks" % where)
    end = 576 if xcr0 else 0
    for i in range(64):
        if not xcr0 & (1 << i):
            continue
        feats = COMPS.get(i, [])
        on = any(words.get(reference.mask(f)[0], 0) & reference.mask(f)[1] for f in feats)
        c.check(on, "%s: XCR0 component %d without any of %s" % (where, i, feats))
        if i >= 2:
            sub = entries.get((0xD, i))
            hs = host.get((0xD, i))
            if c.check(sub is not None and hs is not None, "%s: no subleaf %d" % (where, i)):
                c.eq((sub["eax"], sub["ebx"]), (hs["eax"], hs["ebx"]), "%s: 0xD.%d size/offset" % (where, i))
                end = max(end, hs["eax"] + hs["ebx"])
    c.eq(d0["ecx"], end, "%s: 0xD.0 ECX (largest area)" % where)


def main():
    c = Checker("model-properties")
    for fixture in FIXTURES:
        path = os.path.join(HOSTS, fixture)
        host = read_host(path)
        for name in reference.model_names():
            where = "%s on %s" % (name, fixture)
            got = run_json("cpuid", "--cpu", name, "--host", path)
            model = reference.expected_words(name)
            words = reference.words_from_entries(got)
            for w, v in words.items():
                if w in reference.DERIVED:
                    continue
                hw = host_word(host, w)
                allowed = model.get(w, 0) & hw
                c.eq(v & ~allowed, 0, "%s: %s has bits outside host AND model" % (where, w))
            entries = {(e["function"], e["index"]): e for e in got["entries"]}
            vendor, family, model_no, stepping, _ = reference.identity(name)
            leaf0 = entries[(0, 0)]
            regs = b"".join(leaf0[r].to_bytes(4, "little") for r in ("ebx", "edx", "ecx"))
            c.eq(regs.decode(), vendor, "%s vendor" % where)
            eax = entries[(1, 0)]["eax"]
            fam = (eax >> 8) & 0xF
            fam += (eax >> 20) & 0xFF if fam == 0xF else 0
            c.eq((fam, ((eax >> 16) & 0xF) << 4 | (eax >> 4) & 0xF, eax & 0xF),
                 (family, model_no, stepping), "%s FMS" % where)
            c.eq(entries[(1, 0)]["ecx"] & HYPERVISOR, HYPERVISOR, "%s hypervisor bit" % where)
            check_leaf_d(c, where, host, entries, words)
    c.finish()


if __name__ == "__main__":
    main()
