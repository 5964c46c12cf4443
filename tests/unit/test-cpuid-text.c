/* SPDX-License-Identifier: MIT */
/*
 * Text in CPUID registers (util.h): the expected register values are the ones
 * the Intel SDM (Vol. 2A, CPUID leaf 0: "GenuineIntel" is EBX 756E6547H,
 * EDX 49656E69H, ECX 6C65746EH) and the Hyper-V TLFS (leaf 0x40000000:
 * "Microsoft Hv" is EBX 0x7263694D, ECX 0x666F736F, EDX 0x76482074) give.
 */
#include "check.h"
#include "util/util.h"

/* Each text with its registers in the order the text fills them. */
static const struct {
	const char *text;
	bool vendor; /* EBX, EDX, ECX; otherwise EBX, ECX, EDX */
	uint32_t r[3];
} cases[] = {
	{ "GenuineIntel", true, { 0x756E6547, 0x49656E69, 0x6C65746E } },
	{ "Microsoft Hv", false, { 0x7263694D, 0x666F736F, 0x76482074 } },
	/* KVM's "KVMKVMKVM" leaves the last three bytes zero (Linux: virt/kvm/x86/cpuid.rst). */
	{ "KVMKVMKVM", false, { 0x4B4D564B, 0x564B4D56, 0x0000004D } },
};

static void test_cases(void)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(cases); i++) {
		uint32_t r[3] = { 1, 1, 1 };
		char out[13];
		if (cases[i].vendor) {
			kc_vendor_to_regs(cases[i].text, &r[0], &r[2], &r[1]);
			kc_vendor_from_regs(cases[i].r[0], cases[i].r[2], cases[i].r[1], out);
		} else {
			kc_text_to_regs(cases[i].text, &r[0], &r[1], &r[2]);
			kc_text_from_regs(cases[i].r[0], cases[i].r[1], cases[i].r[2], out);
		}
		for (size_t k = 0; k < 3; k++)
			CHECK_EQ(r[k], cases[i].r[k]);
		CHECK(!strcmp(out, cases[i].text));
	}
}

/* Longer text is cut at 12 characters, and the result always terminated. */
static void test_long_text(void)
{
	uint32_t ebx, ecx, edx;
	char out[13];
	kc_text_to_regs("AuthenticAMDxyz", &ebx, &ecx, &edx);
	kc_text_from_regs(ebx, ecx, edx, out);
	CHECK(!strcmp(out, "AuthenticAMD"));
}

int main(void)
{
	test_cases();
	test_long_text();
	return check_finish("test-cpuid-text");
}
