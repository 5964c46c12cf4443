#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The feature MSRs kvmcpu plans, against what QEMU 11.1 writes with KVM_SET_MSRS.

The expected values are computed here, by hand, from QEMU's rules in
target/i386/kvm/kvm.c and the model facts in data/ (extracted from QEMU):

* kvm_arch_get_supported_msr_feature: the host's word of a VMX control MSR is
  allowed-1 AND NOT allowed-0; of ARCH_CAPABILITIES, the value plus FB_CLEAR when
  MDS_NO, TAA_NO, SBDR_SSDP_NO, FBSDP_NO and PSDP_NO are all set.
* the guest's word: model AND host, with feature_dependencies[] before and after.
* kvm_msr_entry_add_vmx / make_vmx_msr_value: every VMX MSR from the guest's
  words, default1 bits, host address-space size for long-mode guests, the host's
  VMCS revision / VMXON size / memory type, timer rate / MSR list size, EPT UC/WB,
  CR0/CR4 fixed-0 constants and the VMCS_ENUM highest index.
* kvm_init_msrs: ARCH_ and CORE_CAPABILITIES whenever KVM has the MSR,
  PERF_CAPABILITIES only with a PMU (named models have none), VMX with vmx.

No kvmcpu code is used to compute them: only the CLI's output is compared.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
import reference  # noqa: E402
from kvmcpu_test import HOSTS, Checker, load_data, run_json  # noqa: E402

M32 = 0xFFFFFFFF

# make_vmx_msr_value: default1 per control MSR.
DEFAULT1 = {0x48D: 0x00000016, 0x48E: 0x0401E172, 0x490: 0x000011FF, 0x48F: 0x00036DFF, 0x48B: 0}
CTL_WORD = {0x48D: "FEAT_VMX_PINBASED_CTLS", 0x48E: "FEAT_VMX_PROCBASED_CTLS",
            0x48F: "FEAT_VMX_EXIT_CTLS", 0x490: "FEAT_VMX_ENTRY_CTLS", 0x48B: "FEAT_VMX_SECONDARY_CTLS"}
VMX_EXIT_HOST_ADDR_SPACE_SIZE = 1 << 9
BASIC_HOST_FIELDS = 0x7FFFFFFF | 0x1FFF << 32 | 0xF << 50
MISC_HOST_FIELDS = 0x1F | 0x7 << 25
EPT_UC_WB = 1 << 8 | 1 << 14
FB_CLEAR_IMPLIED_BY = (1 << 5) | (1 << 8) | (1 << 13) | (1 << 14) | (1 << 15)
FB_CLEAR = 1 << 17
VMX_MSRS = [0x480, 0x485, 0x486, 0x488, 0x48A, 0x48B, 0x48C, 0x48D, 0x48E, 0x48F, 0x490, 0x491]


def read_host(path):
    """CPUID entries and MSRs of a text recording (the kvmcpu text format)."""
    cpuid, msrs = {}, {}
    with open(path) as f:
        for line in f:
            v = line.split("#")[0].split()
            if v and v[0] == "msr":
                msrs[int(v[1], 16)] = int(v[2], 16)
            elif v and v[0] == "cpuid":
                n = [int(x, 16) for x in v[1:]]
                cpuid[(n[0], n[1])] = dict(zip(("eax", "ebx", "ecx", "edx"), n[2:]))
    return cpuid, msrs


def host_words(cpuid, msrs):
    """QEMU's host feature words (kvm_arch_get_supported_cpuid / _msr_feature)."""
    out = {}
    for w, info in reference.WORDS.items():
        if info["type"] == "cpuid":
            e = cpuid.get((info["leaf"], info["subleaf"] or 0))
            out[w] = e[info["register"]] if e else 0
            continue
        v = msrs.get(info["msr_index"], 0)
        if info["msr_index"] in CTL_WORD:
            v = (v >> 32) & ~(v & M32)
        if info["msr_index"] == 0x10A and v & FB_CLEAR_IMPLIED_BY == FB_CLEAR_IMPLIED_BY:
            v |= FB_CLEAR
        out[w] = v
    out["FEAT_1_ECX"] |= 1 << 31  # the hypervisor bit QEMU may always set
    return out


def dependencies():
    deps = load_data("x86-feature-dependencies.json")["dependencies"]
    newer = load_data("x86-cpuid-features-newer.json").get("feature_dependencies_changes", {})
    removed = {(d["from_word"], tuple(d["from_features"]), tuple(d["to_features"]))
               for d in newer.get("removed", [])}
    out = [d for d in deps
           if (d["from_word"], tuple(d["from_features"]), tuple(d["to_features"])) not in removed]
    return out + newer.get("added_in_order", [])


DEPS = dependencies()


def apply_deps(words):
    for d in DEPS:
        if not words.get(d["from_word"], 0) & int(d["from_mask_hex"], 16):
            words[d["to_word"]] = words.get(d["to_word"], 0) & ~int(d["to_mask_hex"], 16)


def guest_words(model, host, nested):
    want = dict(reference.expected_words(model))
    # The "effective" words of data/ assume no vmx; the model's VMX words are its own.
    for w, v in reference.MODELS.get(model, {}).get("feature_words_hex", {}).items():
        if w.startswith("FEAT_VMX_"):
            want[w] = int(v, 16)
    want["FEAT_1_ECX"] = want.get("FEAT_1_ECX", 0) & ~(1 << 5) | ((1 << 5) if nested else 0)
    apply_deps(want)
    g = {w: want.get(w, 0) & host.get(w, 0) for w in set(want) | set(host)}
    apply_deps(g)
    return g


def has(words, feature):
    w, m = reference.mask(feature)
    return words.get(w, 0) & m == m


def qemu_vmx(g, msrs):
    """kvm_msr_entry_add_vmx, by hand."""
    if not msrs.get(0x480):
        return {}
    out = {}
    for index, default1 in DEFAULT1.items():
        f = g.get(CTL_WORD[index], 0) & M32
        can_be_one, must_be_one = f | default1, default1 & ~f & M32
        out[index] = can_be_one << 32 | must_be_one
    if has(g, "lm"):
        out[0x48F] |= VMX_EXIT_HOST_ADDR_SPACE_SIZE << 32
    ept_fixed = msrs.get(0x48C, 0) & EPT_UC_WB if has(g, "vmx-ept") else 0
    out[0x48C] = g.get("FEAT_VMX_EPT_VPID_CAPS", 0) | ept_fixed
    out[0x480] = g.get("FEAT_VMX_BASIC", 0) | msrs[0x480] & BASIC_HOST_FIELDS
    out[0x485] = g.get("FEAT_VMX_MISC", 0) | msrs.get(0x485, 0) & MISC_HOST_FIELDS
    if 0x491 in msrs:
        out[0x491] = g.get("FEAT_VMX_VMFUNC", 0)
    out[0x486] = 0x80000021  # CR0.PE | CR0.NE | CR0.PG
    out[0x488] = 0x2000  # CR4.VMXE
    if has(g, "fred"):
        out[0x48A] = 0x52
    elif has(g, "vmx-exit-secondary-ctls"):
        out[0x48A] = 0x44
    elif has(g, "vmx-tsc-scaling"):
        out[0x48A] = 0x32
    else:
        out[0x48A] = 0x2E
    return out


def qemu_feature_msrs(g, msrs, nested):
    out = {}
    if 0x10A in msrs:
        out[0x10A] = g.get("FEAT_ARCH_CAPABILITIES", 0)
    if 0xCF in msrs:
        out[0xCF] = g.get("FEAT_CORE_CAPABILITY", 0)
    if nested and has(g, "vmx"):
        out.update(qemu_vmx(g, msrs))
    return out


# Synthetic recordings, written here from the SDM's MSR layouts: what a host reports is
# all the test needs, and these exercise rules the recorded host does not (no
# must-be-one controls; ARCH_CAPABILITIES whose immunity bits imply FB_CLEAR).
SYNTHETIC = {
    # Every control may be 0 or 1 (allowed-0 = 0, allowed-1 = all): the guest gets the
    # model's controls exactly. BASIC: revision 4, 4 KiB VMXON region, write-back,
    # ins-outs and true-ctls; MISC: rate 5, activity states, MSR list size 2.
    "synthetic-vmx-everything.txt": (
        "hv-intel-evmcs.txt",
        {0x480: 0x00D8100000000004, 0x485: 0x000000006401FFE5, 0x48B: 0xFFFFFFFF00000000,
         0x48C: 0x00000F0F0FFFFFFF, 0x48D: 0xFFFFFFFF00000000, 0x48E: 0xFFFFFFFF00000000,
         0x48F: 0xFFFFFFFF00000000, 0x490: 0xFFFFFFFF00000000, 0x491: 0x1,
         0x10A: 0x000000000000E1EB, 0x345: 0x0000000000002005}),
    # Half the controls forced on (allowed-0 = allowed-1 = 0x5555...): QEMU counts a
    # control the host requires as no feature at all, so the guest has none of those.
    "synthetic-vmx-required.txt": (
        "hv-intel-evmcs.txt",
        {0x480: 0x00D8100000000004, 0x485: 0x0000000000000065, 0x48B: 0xFFFFFFFF55555555,
         0x48C: 0x0000000000004141, 0x48D: 0xFFFFFFFF55555555, 0x48E: 0xFFFFFFFF55555555,
         0x48F: 0xFFFFFFFF55555555, 0x490: 0xFFFFFFFF55555555}),
}


# Leaf 7 EDX of the synthetic hosts: the Skylake-SP dump's, plus arch-capabilities (bit 29).
LEAF7_WITH_ARCH_CAPS = "cpuid 00000007 00 00000000 d39ffffb 00000008 bc002400\n"


def synthetic_host(tmpdir, name, base, msrs):
    path = os.path.join(tmpdir, name)
    with open(os.path.join(HOSTS, base)) as src, open(path, "w") as dst:
        for line in src:
            if line.startswith("cpuid 00000007 00 "):
                dst.write(LEAF7_WITH_ARCH_CAPS)
            elif not line.startswith("msr "):
                dst.write(line)
        for index, value in sorted(msrs.items()):
            dst.write("msr %x %016x\n" % (index, value))
    return path


def intel_compatible(name):
    vendor = reference.identity(name)[0]
    return vendor in ("GenuineIntel", "CentaurHauls", "  Shanghai  ")


def check_host(c, path, models, nesting=(False, True)):
    cpuid, msrs = read_host(path)
    host = host_words(cpuid, msrs)
    for name in models:
        for nested in nesting:
            args = ["cpuid", "--cpu", name, "--host", path] + (["--nested"] if nested else [])
            got = {m["index"]: m["value"] for m in run_json(*args)["msrs"] if m["index"] < 0x40000000}
            g = guest_words(name, host, nested and intel_compatible(name))
            want = qemu_feature_msrs(g, msrs, nested)
            where = "%s%s on %s" % (name, " (nested)" if nested else "", os.path.basename(path))
            for index in sorted(set(want) | set(got)):
                c.eq(got.get(index), want.get(index), "%s: MSR %#x" % (where, index))


def main():
    import tempfile

    c = Checker("feature-msrs")
    intel = [n for n in reference.model_names() if n in reference.MODELS and intel_compatible(n)]
    amd = [n for n in reference.model_names() if n not in intel]
    vmx_hosts = [os.path.join(HOSTS, "hv-intel-evmcs.txt")]
    with tempfile.TemporaryDirectory() as tmp:
        for name, (base, msrs) in SYNTHETIC.items():
            vmx_hosts.append(synthetic_host(tmp, name, base, msrs))
        for path in vmx_hosts:
            check_host(c, path, intel)
        # A live AMD recording with ARCH_CAPABILITIES: every model gets the MSR.
        check_host(c, os.path.join(HOSTS, "hv-none-pvm.txt"), intel[:20] + amd, (False,))
        # PERF_CAPABILITIES: QEMU writes it only with a PMU (kvm_msr_entry_add_perf), which
        # "host" has and named models do not: KVM's value AND the guest's word, here all of it.
        everything = os.path.join(tmp, "synthetic-vmx-everything.txt")
        host_msrs = {m["index"]: m["value"] for m in run_json("cpuid", "--cpu", "host", "--host",
                                                             everything)["msrs"]}
        c.eq(host_msrs.get(0x345), 0x2005, "host model: IA32_PERF_CAPABILITIES")
        named = {m["index"] for m in run_json("cpuid", "--cpu", "Skylake-Server-v4", "--host",
                                              everything)["msrs"]}
        c.check(0x345 not in named, "named model: no IA32_PERF_CAPABILITIES (no PMU)")
    # The rule the issue names, said once more in plain numbers: a long-mode guest may
    # set "host address-space size" (exit control 9) in the allowed-1 half.
    j = run_json("cpuid", "--cpu", "Skylake-Server-v4", "--nested", "--host",
                 os.path.join(HOSTS, "hv-intel-evmcs.txt"))
    exit_ctls = {m["index"]: m["value"] for m in j["msrs"]}.get(0x48F, 0)
    c.check(exit_ctls >> 32 & VMX_EXIT_HOST_ADDR_SPACE_SIZE, "host address-space size allowed")
    c.finish()


if __name__ == "__main__":
    main()
