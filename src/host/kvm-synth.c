/* SPDX-License-Identifier: MIT */
/*
 * What KVM itself sets or synthesizes in KVM_GET_SUPPORTED_CPUID (and in the
 * feature MSRs) on a processor, whatever the processor's own CPUID says. A raw
 * CPUID dump (KVMCPU_HOST_RAW_CPUID) lacks these bits; adding them makes the
 * dump stand for what KVM on that processor would report, so that a model is
 * judged against it as it would be on a live host.
 *
 * One row per rule, each with the vendors it applies to and where Linux
 * (v6.18, arch/x86/kvm and arch/x86/kernel/cpu) implements it. Only additions
 * are listed: what KVM hides is hidden by the resolver's own rules or, for a
 * named model, never asked for.
 */
#include <string.h>

#include "host/host-priv.h"
#include "model/model-priv.h"
#include "util/util.h"

enum synth_vendor {
	V_INTEL = 1 << 0, /* GenuineIntel */
	V_AMD = 1 << 1, /* AuthenticAMD */
	V_HYGON = 1 << 2, /* HygonGenuine */
	V_CENTAUR = 1 << 3, /* CentaurHauls, "  Shanghai  " (Zhaoxin) */
	V_ANY = V_INTEL | V_AMD | V_HYGON | V_CENTAUR,
};

static enum synth_vendor vendor_of(const struct kvmcpu_host *h)
{
	const char *v = kvmcpu_host_vendor(h);
	if (!strcmp(v, "GenuineIntel"))
		return V_INTEL;
	if (!strcmp(v, "AuthenticAMD"))
		return V_AMD;
	if (!strcmp(v, "HygonGenuine"))
		return V_HYGON;
	if (!strcmp(v, "CentaurHauls") || !strcmp(v, "  Shanghai  "))
		return V_CENTAUR;
	return 0;
}

/* Feature @f as the processor's CPUID reports it (before any synthesis). */
static bool cpu_has(const struct kvmcpu_host *h, int f)
{
	const struct kvmcpu_feature_info *fi = &kc_features[f];
	const struct kvmcpu_word_info *wi = &kc_words[fi->word];
	uint32_t v = kc_host_cpuid_reg(h, wi->leaf, wi->has_subleaf ? wi->subleaf : 0,
				       (int)wi->reg);
	return (v & fi->mask) == fi->mask;
}

/* Display family (SDM Vol. 2A, CPUID.01H:EAX; APM: the same rule). */
static unsigned family(const struct kvmcpu_host *h)
{
	uint32_t eax = kc_host_cpuid_reg(h, 1, 0, KVMCPU_EAX);
	unsigned base = (eax >> 8) & 0xf;
	return base == 0xf ? base + ((eax >> 20) & 0xff) : base;
}

/* 0x80000008 EBX bit 30: AMD IBPB also flushes return predictions (IBPB_RET). */
static bool amd_ibpb_ret(const struct kvmcpu_host *h)
{
	return kc_host_cpuid_reg(h, 0x80000008, 0, KVMCPU_EBX) & (1u << 30);
}

static bool when_amd_spec_ctrl(const struct kvmcpu_host *h)
{
	return amd_ibpb_ret(h) && cpu_has(h, KC_F_IBPB) && cpu_has(h, KC_F_IBRS);
}

static bool when_amd_stibp(const struct kvmcpu_host *h)
{
	return cpu_has(h, KC_F_AMD_STIBP);
}

static bool when_amd_ssbd(const struct kvmcpu_host *h)
{
	return cpu_has(h, KC_F_AMD_SSBD);
}

static bool when_spec_ctrl(const struct kvmcpu_host *h)
{
	return cpu_has(h, KC_F_SPEC_CTRL);
}

static bool when_stibp(const struct kvmcpu_host *h)
{
	return cpu_has(h, KC_F_STIBP);
}

static bool when_ssbd(const struct kvmcpu_host *h)
{
	return cpu_has(h, KC_F_SSBD);
}

/* LS_CFG_SSBD: AMD families 0x15-0x17 and Hygon 0x18 without AMD_SSBD (bugs.c, amd.c, hygon.c). */
static bool when_virt_ssbd(const struct kvmcpu_host *h)
{
	unsigned fam = family(h);
	return cpu_has(h, KC_F_AMD_SSBD) || (fam >= 0x15 && fam <= 0x18);
}

/* cpu_vuln_whitelist: NO_SSB for AMD families 0x0f-0x12, or the CPU says AMD_SSB_NO. */
static bool when_no_ssb(const struct kvmcpu_host *h)
{
	unsigned fam = family(h);
	return cpu_has(h, KC_F_AMD_NO_SSB) || (fam >= 0x0f && fam <= 0x12);
}

struct synth_row {
	unsigned vendors;
	int feature; /* KC_F_*, or -1 for @word/@mask */
	int word;
	uint64_t mask;
	bool (*when)(const struct kvmcpu_host *h); /* NULL: always */
	const char *linux_source;
};

#define ROW(v, f, when, src)                                                                       \
	{                                                                                          \
		v, f, -1, 0, when, src                                                             \
	}

static const struct synth_row rows[] = {
	/* CPUID.1 ECX */
	ROW(V_ANY, KC_F_X2APIC, NULL,
	    "kvm/cpuid.c kvm_set_cpu_caps: EMULATED_F(X2APIC), the in-kernel LAPIC emulates x2APIC"),
	ROW(V_ANY, KC_F_TSC_DEADLINE, NULL,
	    "kvm/cpuid.c kvm_set_cpu_caps: EMULATED_F(TSC_DEADLINE_TIMER); older kernels: KVM_CAP_TSC_DEADLINE_TIMER (kvm/x86.c), which QEMU turns into the bit"),
	ROW(V_ANY, KC_F_HYPERVISOR, NULL, "kvm/cpuid.c kvm_set_cpu_caps: EMULATED_F(HYPERVISOR)"),
	/* CPUID.6 EAX */
	ROW(V_ANY, KC_F_ARAT, NULL,
	    "kvm/cpuid.c __do_cpuid_func case 6: EAX = 0x4, ARAT: the emulated APIC timer always runs"),
	/* CPUID.7.0 EBX / EDX */
	ROW(V_ANY, KC_F_TSC_ADJUST, NULL, "kvm/cpuid.c kvm_set_cpu_caps: EMULATED_F(TSC_ADJUST)"),
	ROW(V_ANY, KC_F_ARCH_CAPABILITIES, NULL,
	    "kvm/cpuid.c kvm_set_cpu_caps: EMULATED_F(ARCH_CAPABILITIES), the MSR is emulated"),
	ROW(V_AMD | V_HYGON, KC_F_SPEC_CTRL, when_amd_spec_ctrl,
	    "kvm/cpuid.c kvm_set_cpu_caps: SPEC_CTRL when AMD_IBPB_RET, AMD_IBPB and AMD_IBRS"),
	ROW(V_AMD | V_HYGON, KC_F_STIBP, when_amd_stibp,
	    "kvm/cpuid.c kvm_set_cpu_caps: INTEL_STIBP when STIBP (cpu/bugs.c: from AMD_STIBP)"),
	ROW(V_AMD | V_HYGON, KC_F_SSBD, when_amd_ssbd,
	    "kvm/cpuid.c kvm_set_cpu_caps: SPEC_CTRL_SSBD when AMD_SSBD"),
	/* CPUID.80000008 EBX: the AMD names of Intel's speculation controls */
	ROW(V_INTEL | V_CENTAUR, KC_F_IBPB, when_spec_ctrl,
	    "kvm/cpuid.c kvm_set_cpu_caps: AMD_IBPB when IBPB (cpu/common.c init_speculation_control: from SPEC_CTRL)"),
	ROW(V_INTEL | V_CENTAUR, KC_F_IBRS, when_spec_ctrl,
	    "kvm/cpuid.c kvm_set_cpu_caps: AMD_IBRS when IBRS (cpu/common.c init_speculation_control: from SPEC_CTRL)"),
	ROW(V_INTEL | V_CENTAUR, KC_F_AMD_STIBP, when_stibp,
	    "kvm/cpuid.c kvm_set_cpu_caps: AMD_STIBP when STIBP (cpu/common.c: from INTEL_STIBP)"),
	ROW(V_INTEL | V_CENTAUR, KC_F_AMD_SSBD, when_ssbd,
	    "kvm/cpuid.c kvm_set_cpu_caps: AMD_SSBD when SPEC_CTRL_SSBD"),
	ROW(V_AMD | V_HYGON, KC_F_VIRT_SSBD, when_virt_ssbd,
	    "kvm/svm/svm.c svm_set_cpu_caps: VIRT_SSBD when LS_CFG_SSBD or AMD_SSBD"),
	ROW(V_AMD | V_HYGON, KC_F_AMD_NO_SSB, when_no_ssb,
	    "kvm/cpuid.c kvm_set_cpu_caps: AMD_SSB_NO without X86_BUG_SPEC_STORE_BYPASS (cpu/common.c cpu_vuln_whitelist)"),
	/* KVM's paravirtual leaf 0x40000001 EAX */
	{ V_ANY, -1, KC_W_KVM, 0x01007efbull, NULL,
	  "kvm/cpuid.c __do_cpuid_func KVM_CPUID_FEATURES: clocksource, nop-io-delay, clocksource2, "
	  "async-pf, steal-time, pv-eoi, pv-unhalt, pv-tlb-flush, async-pf-vmexit, pv-send-ipi, "
	  "poll-control, pv-sched-yield, async-pf-int, clocksource-stable-bit" },
	/* IA32_ARCH_CAPABILITIES, which KVM emulates on every processor */
	ROW(V_ANY, KC_F_PSCHANGE_MC_NO, NULL,
	    "kvm/x86.c kvm_get_arch_capabilities: always PSCHANGE_MC_NO"),
	ROW(V_ANY, KC_F_SKIP_L1DFL_VMENTRY, NULL,
	    "kvm/x86.c kvm_get_arch_capabilities: SKIP_VMENTRY_L1DFLUSH unless kvm_intel.vmentry_l1d_flush=never"),
	ROW(V_AMD | V_HYGON, KC_F_RDCTL_NO, NULL,
	    "kvm/x86.c kvm_get_arch_capabilities: RDCL_NO without X86_BUG_CPU_MELTDOWN (cpu/common.c: NO_MELTDOWN)"),
	ROW(V_AMD | V_HYGON, KC_F_MDS_NO, NULL,
	    "kvm/x86.c kvm_get_arch_capabilities: MDS_NO without X86_BUG_MDS (cpu/common.c: NO_MDS)"),
	ROW(V_AMD | V_HYGON, KC_F_GDS_NO, NULL,
	    "kvm/x86.c kvm_get_arch_capabilities: GDS_NO without X86_BUG_GDS (Intel only)"),
	ROW(V_AMD | V_HYGON, KC_F_RFDS_NO, NULL,
	    "kvm/x86.c kvm_get_arch_capabilities: RFDS_NO without X86_BUG_RFDS (Intel only)"),
	ROW(V_AMD | V_HYGON, KC_F_ITS_NO, NULL,
	    "kvm/x86.c kvm_get_arch_capabilities: ITS_NO without X86_BUG_ITS (Intel only; Linux 6.15+)"),
	ROW(V_AMD | V_HYGON, KC_F_SSB_NO, when_no_ssb,
	    "kvm/x86.c kvm_get_arch_capabilities: SSB_NO without X86_BUG_SPEC_STORE_BYPASS"),
};

static bool row_applies(const struct synth_row *row, const struct kvmcpu_host *h, unsigned vendor)
{
	return (row->vendors & vendor) && (!row->when || row->when(h));
}

static unsigned row_word(const struct synth_row *row)
{
	return row->feature >= 0 ? kc_features[row->feature].word : (unsigned)row->word;
}

void kc_kvm_synth_words(const struct kvmcpu_host *h, uint64_t words[KC_NWORDS])
{
	unsigned vendor = vendor_of(h);
	for (size_t i = 0; i < KC_ARRAY_SIZE(rows); i++) {
		const struct synth_row *row = &rows[i];
		if (row_applies(row, h, vendor))
			words[row_word(row)] |= row->feature >= 0 ? kc_features[row->feature].mask
								  : row->mask;
	}
}

/* KVM emulates a feature MSR of the table everywhere it sets one of the MSR's bits. */
/* Whether KVM on the dumped processor offers feature MSR @index (it emulates some everywhere). */
static bool synth_has_msr(const struct kvmcpu_host *h, uint32_t index)
{
	unsigned vendor = vendor_of(h);
	for (size_t i = 0; i < KC_ARRAY_SIZE(rows); i++) {
		const struct kvmcpu_word_info *wi = &kc_words[row_word(&rows[i])];
		if (wi->is_msr && wi->msr == index && row_applies(&rows[i], h, vendor))
			return true;
	}
	return false;
}

bool kc_host_has_msr(const struct kvmcpu_host *h, uint32_t index)
{
	return kvmcpu_host_msr(h, index, NULL) == 1 ||
	       (h->kind == KVMCPU_HOST_RAW_CPUID && synth_has_msr(h, index));
}
