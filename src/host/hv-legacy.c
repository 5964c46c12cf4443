/* SPDX-License-Identifier: MIT */
/*
 * The Hyper-V CPUID answer of kernels without KVM_GET_SUPPORTED_HV_CPUID, built
 * as QEMU builds it: each capability or Hyper-V MSR stands for the bits below.
 * Bit positions are the TLFS ones ("Feature and Interface Discovery");
 * MSR numbers are those of the TLFS / Linux hyperv-tlfs.h.
 */
#include <string.h>

#include "host/hv-legacy.h"

#define B(n) (1u << (n))
#define F3 0x40000003u /* features and privileges */
#define R4 0x40000004u /* implementation recommendations */

struct legacy_rule {
	const char *cap; /* capability that must be > 0, or NULL */
	uint32_t msr; /* MSR that KVM_GET_MSR_INDEX_LIST must name, or 0 */
	uint32_t leaf;
	enum kvmcpu_reg reg;
	uint32_t bits;
	const char *evidence;
};

static const struct legacy_rule rules[] = {
	/* Hypercall page, APIC MSRs, CPU dynamic partitioning, relaxed timing, APIC hint. */
	{ "KVM_CAP_HYPERV", 0, F3, KVMCPU_EAX, B(5) | B(4), "KVM_CAP_HYPERV" },
	{ "KVM_CAP_HYPERV", 0, F3, KVMCPU_EDX, B(3), "KVM_CAP_HYPERV" },
	{ "KVM_CAP_HYPERV", 0, R4, KVMCPU_EAX, B(5) | B(3), "KVM_CAP_HYPERV" },
	/* Reference counter and reference TSC page. */
	{ "KVM_CAP_HYPERV_TIME", 0, F3, KVMCPU_EAX, B(1) | B(9), "KVM_CAP_HYPERV_TIME" },
	/* HV_X64_MSR_TSC_FREQUENCY: both frequency bits. */
	{ NULL, 0x40000022, F3, KVMCPU_EAX, B(11), "MSR 0x40000022 in KVM_GET_MSR_INDEX_LIST" },
	{ NULL, 0x40000022, F3, KVMCPU_EDX, B(8), "MSR 0x40000022 in KVM_GET_MSR_INDEX_LIST" },
	/* HV_X64_MSR_CRASH_CTL. */
	{ NULL, 0x40000105, F3, KVMCPU_EDX, B(10), "MSR 0x40000105 in KVM_GET_MSR_INDEX_LIST" },
	/* HV_X64_MSR_REENLIGHTENMENT_CONTROL. */
	{ NULL, 0x40000106, F3, KVMCPU_EAX, B(13), "MSR 0x40000106 in KVM_GET_MSR_INDEX_LIST" },
	/* HV_X64_MSR_RESET. */
	{ NULL, 0x40000003, F3, KVMCPU_EAX, B(7), "MSR 0x40000003 in KVM_GET_MSR_INDEX_LIST" },
	/* HV_X64_MSR_VP_INDEX. */
	{ NULL, 0x40000002, F3, KVMCPU_EAX, B(6), "MSR 0x40000002 in KVM_GET_MSR_INDEX_LIST" },
	/* HV_X64_MSR_VP_RUNTIME. */
	{ NULL, 0x40000010, F3, KVMCPU_EAX, B(0), "MSR 0x40000010 in KVM_GET_MSR_INDEX_LIST" },
	/* HV_X64_MSR_SCONTROL, and SynIC2 to enable it. */
	{ "KVM_CAP_HYPERV_SYNIC2", 0x40000080, F3, KVMCPU_EAX, B(2),
	  "KVM_CAP_HYPERV_SYNIC2 and MSR 0x40000080 in KVM_GET_MSR_INDEX_LIST" },
	/* HV_X64_MSR_STIMER0_CONFIG. */
	{ NULL, 0x400000B0, F3, KVMCPU_EAX, B(3), "MSR 0x400000B0 in KVM_GET_MSR_INDEX_LIST" },
	/* HV_X64_MSR_SYNDBG_OPTIONS: guest debugging, debug MSRs, the debugging privilege. */
	{ NULL, 0x400000FF, F3, KVMCPU_EDX, B(1) | B(11),
	  "MSR 0x400000FF in KVM_GET_MSR_INDEX_LIST" },
	{ NULL, 0x400000FF, F3, KVMCPU_EBX, B(11), "MSR 0x400000FF in KVM_GET_MSR_INDEX_LIST" },
	/* Remote TLB flush and IPI hypercalls (with the extended processor masks). */
	{ "KVM_CAP_HYPERV_TLBFLUSH", 0, R4, KVMCPU_EAX, B(2) | B(11), "KVM_CAP_HYPERV_TLBFLUSH" },
	{ "KVM_CAP_HYPERV_SEND_IPI", 0, R4, KVMCPU_EAX, B(10) | B(11), "KVM_CAP_HYPERV_SEND_IPI" },
	/* Enlightened VMCS recommended. */
	{ "KVM_CAP_HYPERV_ENLIGHTENED_VMCS", 0, R4, KVMCPU_EAX, B(14),
	  "KVM_CAP_HYPERV_ENLIGHTENED_VMCS" },
};

static bool cap_on(const struct kvmcpu_host *caps, const char *name)
{
	int64_t v = 0;
	return kvmcpu_host_cap(caps, name, &v) == 1 && v > 0;
}

static bool msr_listed(const uint32_t *msrs, size_t n, uint32_t index)
{
	for (size_t i = 0; i < n; i++)
		if (msrs[i] == index)
			return true;
	return false;
}

static uint32_t *reg_of(struct kvmcpu_cpuid_entry *e, enum kvmcpu_reg reg)
{
	switch (reg) {
	case KVMCPU_EAX:
		return &e->eax;
	case KVMCPU_EBX:
		return &e->ebx;
	case KVMCPU_ECX:
		return &e->ecx;
	default:
		return &e->edx;
	}
}

void kc_hv_legacy_answer(const struct kvmcpu_host *caps, const uint32_t *msrs, size_t nmsrs,
			 struct kvmcpu_cpuid_entry out[2])
{
	memset(out, 0, 2 * sizeof(out[0]));
	out[0].function = F3;
	out[1].function = R4;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct legacy_rule *r = &rules[i];
		if (r->cap && !cap_on(caps, r->cap))
			continue;
		if (r->msr && !msr_listed(msrs, nmsrs, r->msr))
			continue;
		*reg_of(&out[r->leaf == F3 ? 0 : 1], r->reg) |= r->bits;
	}
}

const char *kc_hv_legacy_evidence(uint32_t leaf, enum kvmcpu_reg reg, uint32_t bits)
{
	for (size_t i = 0; bits && i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].leaf == leaf && rules[i].reg == reg && (rules[i].bits & bits) == bits)
			return rules[i].evidence;
	return NULL;
}
