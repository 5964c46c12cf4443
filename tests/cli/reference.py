# SPDX-License-Identifier: MIT
"""What a model should give a guest on KVM, computed from the reference data alone.

QEMU's expanded definition (features_effective in data/) plus the rules that
kvmcpu applies on KVM, each written out here by hand:
  - QEMU's KVM defaults: kvmclock, kvm-nopiodelay, kvm-asyncpf, kvm-steal-time,
    kvm-pv-eoi, kvmclock-stable-bit and x2apic on; kvm-msi-ext-dest-id, acpi,
    monitor and svm off (svm takes the SVM word with it);
  - vme on every model (a baseline bit of every x86-64 CPU);
  - on AuthenticAMD the alias bits of 0x80000001.EDX copy leaf 1 EDX.
"""
from kvmcpu_test import load_data

FEATS = load_data("x86-cpuid-features.json")
NEWER = load_data("x86-cpuid-features-newer.json")
WORDS = dict(FEATS["words"], **NEWER["words"])
FEATURES = dict(FEATS["features"], **NEWER["features"])
MODELS = {m["name"]: m for m in load_data("x86-cpu-models.json") + load_data("x86-cpu-models-newer.json")}

AMD_ALIAS_BITS = 0x0183F3FF
KVM_ON = ["kvmclock", "kvm-nopiodelay", "kvm-asyncpf", "kvm-steal-time", "kvm-pv-eoi",
          "kvmclock-stable-bit", "x2apic", "vme"]
KVM_OFF = ["kvm-msi-ext-dest-id", "acpi", "monitor", "svm",
           # No PMU by default (pmu=off): QEMU's cpu_x86_cpuid hides pdcm and empties 0x80000022.
           "pdcm", "perfmon-v2"]
# Words whose value the resolver derives (XSAVE components), not compared as features.
DERIVED = {"FEAT_XSAVE_XCR0_LO", "FEAT_XSAVE_XCR0_HI", "FEAT_XSAVE_XSS_LO", "FEAT_XSAVE_XSS_HI"}

PSABI = {
    "x86-64-v1": ("fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 "
                  "clflush mmx fxsr sse sse2 syscall nx lm").split(),
}
PSABI["x86-64-v2"] = PSABI["x86-64-v1"] + "cx16 lahf-lm popcnt pni sse4.1 sse4.2 ssse3".split()
PSABI["x86-64-v2-AES"] = PSABI["x86-64-v2"] + ["aes"]
PSABI["x86-64-v3"] = PSABI["x86-64-v2"] + "avx avx2 bmi1 bmi2 f16c fma abm movbe xsave".split()
PSABI["x86-64-v4"] = PSABI["x86-64-v3"] + "avx512f avx512bw avx512cd avx512dq avx512vl".split()


def mask(feature):
    f = FEATURES[feature]
    bits = f.get("bits", [f.get("bit")])
    return f["word"], sum(1 << b for b in bits)


def words_of(features):
    out = {}
    for name in features:
        w, m = mask(name)
        out[w] = out.get(w, 0) | m
    return out


def expected_words(name):
    """Feature word name -> value the guest should get on a host that has everything."""
    if name in PSABI:
        words = words_of(PSABI[name] + ["hypervisor"])
        vendor = "AuthenticAMD"
    else:
        m = MODELS[name]
        words = {w: int(v, 16) for w, v in m["feature_words_effective_hex"].items()}
        vendor = m["vendor"]
    for f in KVM_ON:
        w, b = mask(f)
        words[w] = words.get(w, 0) | b
    for f in KVM_OFF:
        w, b = mask(f)
        words[w] = words.get(w, 0) & ~b
    words["FEAT_SVM"] = 0
    if vendor == "AuthenticAMD":
        e = words.get("FEAT_8000_0001_EDX", 0) & ~AMD_ALIAS_BITS
        words["FEAT_8000_0001_EDX"] = e | (words.get("FEAT_1_EDX", 0) & AMD_ALIAS_BITS)
    return {w: v for w, v in words.items() if w not in DERIVED}


def identity(name):
    if name in PSABI:
        return "AuthenticAMD", 15, 107, 1, "kvmcpu %s (x86-64 psABI level)" % name
    m = MODELS[name]
    return m["vendor"], m["family"], m["model"], m["stepping"], m["model_id"]


def model_names():
    return sorted(MODELS) + sorted(PSABI)


def all_ones_host_text():
    """A recorded host with every leaf a model may use and every bit set."""
    lines = ["# every leaf, every bit: a host that supports everything"]
    ones = "ffffffff"
    for fn in range(0, 0x2A):
        for idx in range(3):
            lines.append("%08x %02x %s %s %s %s" % (fn, idx, ones, ones, ones, ones))
    for idx in range(3, 20):
        lines.append("0000000d %02x 00000040 %08x 00000000 00000000" % (idx, 0x240 + 64 * idx))
    for fn in list(range(0x80000000, 0x80000027)) + [0x40000000, 0x40000001, 0xC0000000, 0xC0000001]:
        lines.append("%08x 00 %s %s %s %s" % (fn, ones, ones, ones, ones))
    for msr in (0x10A, 0xCF, 0x345):
        lines.append("msr %x ffffffffffffffff" % msr)
    return "\n".join(lines) + "\n"


def words_from_entries(doc):
    """Feature word values read back from the CPUID entries of a `cpuid --json`
    document (what the guest will see), and from `words` for the MSR words."""
    entries = {(e["function"], e["index"]): e for e in doc["entries"]}
    out = {}
    for w in doc["words"]:
        info = WORDS[w["name"]]
        if info["type"] != "cpuid":
            out[w["name"]] = w["value"]
            continue
        e = entries.get((info["leaf"], info["subleaf"] or 0))
        v = e[info["register"]] if e else 0
        if w["name"] == "FEAT_24_0_EBX":
            v &= ~0xFF  # bits 7:0 are the AVX10 version, not features
        out[w["name"]] = v
    return out
