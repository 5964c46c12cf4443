/* SPDX-License-Identifier: MIT */
/*
 * The pure expectation rules of the probe: what a guest should see for each
 * leaf, and which register bits the comparison and calibration leave alone.
 *
 * Expected values follow KVM's CPUID lookup (arch/x86/kvm/cpuid.c behaviour,
 * which implements the SDM Vol. 2A CPUID rules for a vCPU):
 *  - an entry matches (leaf, subleaf) when its leaf matches and either it is
 *    not keyed by subleaf (no KVM_CPUID_FLAG_SIGNIFCANT_INDEX) or the subleaf
 *    matches;
 *  - a leaf inside its range's limit without an entry reads as zero;
 *  - for Intel-compatible vendors (KVM's guest_cpuid_is_intel_compatible: every
 *    vendor but AuthenticAMD and HygonGenuine), a leaf above its range's limit
 *    reads as the highest basic leaf (SDM
 *    Vol. 2A CPUID: "If a value entered for CPUID.EAX is higher than the
 *    maximum input value ... the data for the highest basic information leaf
 *    is returned"); for other vendors it reads as zero (APM Vol. 3 CPUID);
 *  - an absent subleaf of leaf 0xB or 0x1F still reports the subleaf number in
 *    ECX[7:0] and the x2APIC ID in EDX when subleaf 1 exists (SDM Vol. 2A
 *    CPUID leaf 0BH: "If ECX contains an invalid level number, EAX=EBX=0 and
 *    ECX[7:0] echoes the input").
 */
#include <string.h>

#include "probe/expect.h"
#include "util/util.h"

#define ANY_SUBLEAF UINT32_MAX

static const struct kc_rule rules[] = {
	{ 0x1, ANY_SUBLEAF, KVMCPU_EBX, 0xff000000u, "apic-id",
	  "initial APIC ID of the executing vCPU; a VMM writes each vCPU's own "
	  "(SDM Vol. 2A CPUID.01H:EBX[31:24])" },
	{ 0x1, ANY_SUBLEAF, KVMCPU_ECX, 1u << 27, "osxsave",
	  "OSXSAVE mirrors CR4.OSXSAVE, which the probe guest leaves clear; KVM "
	  "updates it at run time (SDM Vol. 2A CPUID.01H:ECX[27])" },
	{ 0x1, ANY_SUBLEAF, KVMCPU_EDX, 1u << 9, "apic",
	  "APIC mirrors IA32_APIC_BASE.EN, updated by KVM at run time "
	  "(SDM Vol. 3A 11.4.3)" },
	{ 0x7, 0, KVMCPU_ECX, 1u << 4, "ospke",
	  "OSPKE mirrors CR4.PKE, which the probe guest leaves clear "
	  "(SDM Vol. 2A CPUID.07H:ECX[4])" },
	{ 0xd, 0, KVMCPU_EBX, 0xffffffffu, "xsave-size",
	  "XSAVE area size for the features currently enabled in XCR0, which the "
	  "guest sets at run time (SDM Vol. 2A CPUID.(EAX=0DH,ECX=0):EBX)" },
	{ 0xd, 1, KVMCPU_EBX, 0xffffffffu, "xsaves-size",
	  "XSAVE area size for XCR0 | IA32_XSS as currently set "
	  "(SDM Vol. 2A CPUID.(EAX=0DH,ECX=1):EBX)" },
	{ 0xb, ANY_SUBLEAF, KVMCPU_EDX, 0xffffffffu, "x2apic-id",
	  "x2APIC ID of the executing vCPU (SDM Vol. 2A CPUID.0BH:EDX)" },
	{ 0x1f, ANY_SUBLEAF, KVMCPU_EDX, 0xffffffffu, "x2apic-id",
	  "x2APIC ID of the executing vCPU (SDM Vol. 2A CPUID.1FH:EDX)" },
	{ 0x8000001e, ANY_SUBLEAF, KVMCPU_EAX, 0xffffffffu, "ext-apic-id",
	  "extended APIC ID of the executing vCPU (APM Vol. 3, CPUID Fn8000_001E_EAX)" },
};

const struct kc_rule *kc_probe_rule(uint32_t leaf, uint32_t subleaf, enum kvmcpu_reg reg)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(rules); i++)
		if (rules[i].leaf == leaf && rules[i].reg == reg &&
		    (rules[i].subleaf == ANY_SUBLEAF || rules[i].subleaf == subleaf))
			return &rules[i];
	return NULL;
}

/*
 * Bits calibration must not invert, because KVM_SET_CPUID2 validates them or
 * the vCPU depends on them to run the probe at all.
 */
uint32_t kc_probe_not_invertible(uint32_t leaf, uint32_t subleaf, enum kvmcpu_reg reg)
{
	if (leaf >= 0x40000000 && leaf <= 0x4fffffff)
		return 0xffffffffu; /* hypervisor signature and Hyper-V plan (vCPU caps depend on it) */
	if ((leaf == 0 || leaf == 0x80000000 || leaf == 0xc0000000) && reg == KVMCPU_EAX)
		return 0xffffffffu; /* range limits: they decide which leaves exist */
	if (leaf == 0x80000008 && reg == KVMCPU_EAX)
		return 0xffffffffu; /* MAXPHYADDR, checked by KVM_SET_CPUID2 */
	/*
	 * XTILEDATA (XCR0 bit 18) is a dynamic XSAVE feature: KVM_SET_CPUID2
	 * refuses it unless the process asked for it with
	 * arch_prctl(ARCH_REQ_XCOMP_GUEST_PERM) (KVM API doc, KVM_SET_CPUID2).
	 */
	if (leaf == 0xd && subleaf == 0 && reg == KVMCPU_EAX)
		return 1u << 18;
	return 0;
}

const struct kvmcpu_cpuid_entry *kc_probe_find(const struct kvmcpu_cpuid_entry *t, size_t n,
					       uint32_t leaf, uint32_t subleaf)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].function == leaf &&
		    (!(t[i].flags & KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX) || t[i].index == subleaf))
			return &t[i];
	return NULL;
}

static bool intel_compatible(const struct kvmcpu_cpuid_entry *t, size_t n)
{
	const struct kvmcpu_cpuid_entry *e = kc_probe_find(t, n, 0, 0);
	if (!e)
		return false;
	char v[13];
	kc_vendor_from_regs(e->ebx, e->ecx, e->edx, v);
	return kc_vendor_is_intel_compatible(v);
}

static uint32_t range_base(uint32_t leaf)
{
	if (leaf >= 0x40000000 && leaf <= 0x4fffffff)
		return leaf & 0xffffff00u;
	if (leaf >= 0xc0000000)
		return 0xc0000000;
	return leaf & 0x80000000u;
}

bool kc_probe_expected(const struct kvmcpu_cpuid_entry *t, size_t n, uint32_t leaf,
		       uint32_t subleaf, uint32_t out[4], uint32_t *src_leaf)
{
	const struct kvmcpu_cpuid_entry *e = kc_probe_find(t, n, leaf, subleaf);
	bool in_table = e != NULL;
	if (!e && intel_compatible(t, n)) {
		const struct kvmcpu_cpuid_entry *cls = kc_probe_find(t, n, range_base(leaf), 0);
		const struct kvmcpu_cpuid_entry *basic = kc_probe_find(t, n, 0, 0);
		if (basic && !(cls && leaf <= cls->eax)) {
			leaf = basic->eax;
			e = kc_probe_find(t, n, leaf, subleaf);
		}
	}
	*src_leaf = leaf;
	memset(out, 0, 4 * sizeof(uint32_t));
	if (e) {
		for (int r = 0; r < 4; r++)
			out[r] = kc_probe_reg(e, r);
		return in_table;
	}
	const struct kvmcpu_cpuid_entry *one = NULL;
	if (leaf == 0xb || leaf == 0x1f)
		one = kc_probe_find(t, n, leaf, 1);
	if (one) {
		out[KVMCPU_ECX] = subleaf & 0xff;
		out[KVMCPU_EDX] = one->edx;
	}
	return in_table;
}
