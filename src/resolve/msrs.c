/* SPDX-License-Identifier: MIT */
/*
 * Feature MSR values for the VMM to set with KVM_SET_MSRS, as QEMU 11.1 sets
 * them under KVM: the guest's feature words (host AND model for the bits QEMU
 * names), so that a migrated guest reads the same mitigation and VMX capability
 * bits on every host that runs the model, plus the fields QEMU always allows or
 * takes from the host.
 */
#include <errno.h>

#include "resolve/resolve-priv.h"
#include "util/util.h"

static bool guest_has(const struct kc_resolve *c, int f)
{
	return kc_words_have(c->r->words, f);
}

static int add(struct kc_resolve *c, uint32_t index, uint64_t value, const char *name)
{
	if (!kc_result_add_msr(c->r, index, value, name, false))
		return 0;
	return kc_fail(c->err, -ENOSPC, NULL, "MSR plan full at %s", name);
}

/*
 * The VMX capability MSRs QEMU writes for a guest with vmx (target/i386/kvm/kvm.c,
 * kvm_msr_entry_add_vmx), from the guest's VMX feature words. A control's guest
 * word holds the controls that may be 1 but need not be (the host's word is
 * allowed-1 and not allowed-0, src/host/words.c); the settings that must be 1
 * are QEMU's default1 bits for that MSR (SDM Vol. 3D, A.2: the bits of the
 * default1 class), unless a feature makes them optional.
 */
#define VMX_DEFAULT1_PINBASED 0x00000016u
#define VMX_DEFAULT1_PROCBASED 0x0401e172u
#define VMX_DEFAULT1_EXIT 0x00036dffu
#define VMX_DEFAULT1_ENTRY 0x000011ffu
#define VMX_DEFAULT1_SECONDARY 0u

/* VM-exit control 9, "host address-space size": QEMU allows it for every long-mode guest. */
#define VMX_EXIT_HOST_ADDR_SPACE_SIZE (1ull << 9)

/* IA32_VMX_BASIC (SDM A.1): VMCS revision 30:0, VMXON region size 44:32, memory type 53:50. */
#define VMX_BASIC_HOST_FIELDS (0x7fffffffull | 0x1fffull << 32 | 0xfull << 50)
/* IA32_VMX_MISC (SDM A.6): preemption timer rate 4:0, MSR list size 27:25. The CR3-target
 * count (24:16) and MSEG revision (63:32) are left out, as QEMU leaves them out. */
#define VMX_MISC_HOST_FIELDS (0x1full | 0x7ull << 25)
/* IA32_VMX_EPT_VPID_CAP (SDM A.10): uncacheable (8) and write-back (14) EPT memory types. */
#define VMX_EPT_MEMORY_TYPES (1ull << 8 | 1ull << 14)

/* CR0 PE, NE, PG and CR4 VMXE: what QEMU writes as the fixed-0 bits (KVM derives FIXED1). */
#define VMX_CR0_FIXED0 0x80000021ull
#define VMX_CR4_FIXED0 0x00002000ull

/* A control MSR: allowed-0 settings (must be one) in 31:0, allowed-1 in 63:32. */
static uint64_t vmx_ctls(uint32_t default1, uint64_t features)
{
	uint32_t f = (uint32_t)features;
	uint32_t can_be_one = f | default1;
	uint32_t must_be_one = default1 & ~f;
	return (uint64_t)can_be_one << 32 | must_be_one;
}

/*
 * IA32_VMX_VMCS_ENUM: the highest VMCS field index QEMU's guest can have, from the
 * newest field its features bring: FRED's injected-event data (0x2052), the
 * secondary VM-exit controls (0x2044), the TSC multiplier (0x2032), else the
 * preemption timer value (0x482E).
 */
static uint64_t vmx_vmcs_enum(const struct kc_resolve *c)
{
	if (guest_has(c, KC_F_FRED))
		return 0x52;
	if (guest_has(c, KC_F_VMX_EXIT_SECONDARY_CTLS))
		return 0x44;
	if (guest_has(c, KC_F_VMX_TSC_SCALING))
		return 0x32;
	return 0x2e;
}

static int add_vmx_msrs(struct kc_resolve *c)
{
	const uint64_t *g = c->r->words;
	uint64_t basic = 0, misc = 0, ept = 0;
	/* KVM without nested VMX reports no IA32_VMX_BASIC; QEMU then writes none of them. */
	if (kvmcpu_host_msr(c->host, 0x480, &basic) != 1)
		return 0;
	kvmcpu_host_msr(c->host, 0x485, &misc);
	kvmcpu_host_msr(c->host, 0x48c, &ept);
	uint64_t exit_fixed = guest_has(c, KC_F_LM) ? VMX_EXIT_HOST_ADDR_SPACE_SIZE << 32 : 0;
	uint64_t ept_fixed = guest_has(c, KC_F_VMX_EPT) ? ept & VMX_EPT_MEMORY_TYPES : 0;
	const struct {
		uint32_t index;
		const char *name;
		uint64_t value;
		bool write;
	} plan[] = {
		{ 0x480, "IA32_VMX_BASIC", g[KC_W_VMX_BASIC] | (basic & VMX_BASIC_HOST_FIELDS),
		  true },
		{ 0x485, "IA32_VMX_MISC", g[KC_W_VMX_MISC] | (misc & VMX_MISC_HOST_FIELDS), true },
		{ 0x486, "IA32_VMX_CR0_FIXED0", VMX_CR0_FIXED0, true },
		{ 0x488, "IA32_VMX_CR4_FIXED0", VMX_CR4_FIXED0, true },
		{ 0x48a, "IA32_VMX_VMCS_ENUM", vmx_vmcs_enum(c), true },
		{ 0x48b, "IA32_VMX_PROCBASED_CTLS2",
		  vmx_ctls(VMX_DEFAULT1_SECONDARY, g[KC_W_VMX_SECONDARY_CTLS]), true },
		{ 0x48c, "IA32_VMX_EPT_VPID_CAP", g[KC_W_VMX_EPT_VPID_CAPS] | ept_fixed, true },
		{ 0x48d, "IA32_VMX_TRUE_PINBASED_CTLS",
		  vmx_ctls(VMX_DEFAULT1_PINBASED, g[KC_W_VMX_PINBASED_CTLS]), true },
		{ 0x48e, "IA32_VMX_TRUE_PROCBASED_CTLS",
		  vmx_ctls(VMX_DEFAULT1_PROCBASED, g[KC_W_VMX_PROCBASED_CTLS]), true },
		{ 0x48f, "IA32_VMX_TRUE_EXIT_CTLS",
		  vmx_ctls(VMX_DEFAULT1_EXIT, g[KC_W_VMX_EXIT_CTLS]) | exit_fixed, true },
		{ 0x490, "IA32_VMX_TRUE_ENTRY_CTLS",
		  vmx_ctls(VMX_DEFAULT1_ENTRY, g[KC_W_VMX_ENTRY_CTLS]), true },
		/* Only where KVM knows the MSR (has_msr_vmx_vmfunc in QEMU). */
		{ 0x491, "IA32_VMX_VMFUNC", g[KC_W_VMX_VMFUNC], kc_host_has_msr(c->host, 0x491) },
	};
	for (size_t i = 0; i < KC_ARRAY_SIZE(plan); i++) {
		int r = plan[i].write ? add(c, plan[i].index, plan[i].value, plan[i].name) : 0;
		if (r)
			return r;
	}
	return 0;
}

/*
 * PMU: named models have none unless asked for (QEMU's pmu=off); host and max
 * have one (QEMU turns pmu on for them).
 */
static bool guest_has_pmu(const struct kc_resolve *c)
{
	return c->model == NULL;
}

/*
 * The feature MSRs QEMU writes at vCPU creation (kvm_init_msrs): ARCH_ and
 * CORE_CAPABILITIES whenever KVM has the MSR, with the guest's word (zero when
 * the guest lacks the feature); PERF_CAPABILITIES with a PMU; the VMX MSRs with vmx.
 */
int kc_msrs_build(struct kc_resolve *c)
{
	int r = 0;
	if (kc_host_has_msr(c->host, 0x10a))
		r = add(c, 0x10a, c->r->words[KC_W_ARCH_CAPABILITIES], "IA32_ARCH_CAPABILITIES");
	if (!r && kc_host_has_msr(c->host, 0xcf))
		r = add(c, 0xcf, c->r->words[KC_W_CORE_CAPABILITY], "IA32_CORE_CAPABILITIES");
	uint64_t perf = 0;
	if (!r && guest_has_pmu(c) && kvmcpu_host_msr(c->host, 0x345, &perf) == 1 && perf)
		r = add(c, 0x345, perf & c->r->words[KC_W_PERF_CAPABILITIES],
			"IA32_PERF_CAPABILITIES");
	if (!r && c->cfg->nested && guest_has(c, KC_F_VMX))
		r = add_vmx_msrs(c);
	return r;
}
