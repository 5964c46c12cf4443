/* SPDX-License-Identifier: MIT */
/*
 * The probe's expectation rules (probe/expect.c) without a guest: what a vCPU
 * reads for a leaf, per the SDM Vol. 2A CPUID instruction reference and the
 * APM Vol. 3 CPUID chapter, and which bits the comparison exempts.
 */
#include <string.h>

#include "check.h"
#include "probe/expect.h"

#define SIG KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX

/* Vendor strings as leaf 0 returns them: EBX, EDX, ECX (SDM Vol. 2A CPUID leaf 0). */
static const uint32_t intel[3] = { 0x756e6547, 0x49656e69, 0x6c65746e }; /* GenuineIntel */
static const uint32_t amd[3] = { 0x68747541, 0x69746e65, 0x444d4163 }; /* AuthenticAMD */
static const uint32_t hygon[3] = { 0x6f677948, 0x6e65476e, 0x656e6975 }; /* HygonGenuine */
static const uint32_t zhaoxin[3] = { 0x68532020, 0x68676e61, 0x20206961 }; /* "  Shanghai  " */

static size_t table(struct kvmcpu_cpuid_entry *t, const uint32_t vendor[3])
{
	const struct kvmcpu_cpuid_entry v[] = {
		{ .function = 0, .eax = 0xd, .ebx = vendor[0], .edx = vendor[1], .ecx = vendor[2] },
		{ .function = 1,
		  .eax = 0x000306c3,
		  .ebx = 0x00000800,
		  .ecx = 0x80000000,
		  .edx = 0x078bfbff },
		{ .function = 7, .index = 0, .flags = SIG, .ebx = 0x00000209 },
		{ .function = 0xb, .index = 0, .flags = SIG, .eax = 1, .ebx = 1, .ecx = 0x100 },
		{ .function = 0xb,
		  .index = 1,
		  .flags = SIG,
		  .eax = 4,
		  .ebx = 2,
		  .ecx = 0x201,
		  .edx = 0x2a },
		{ .function = 0xd, .index = 0, .flags = SIG, .eax = 0x7, .ebx = 0x340, .ecx = 0x340 },
		{ .function = 0x80000000, .eax = 0x80000008 },
		{ .function = 0x80000008, .eax = 0x3027 },
	};
	memcpy(t, v, sizeof(v));
	return sizeof(v) / sizeof(v[0]);
}

static void expect(const struct kvmcpu_cpuid_entry *t, size_t n, uint32_t leaf, uint32_t sub,
		   const uint32_t want[4], bool want_in_table, uint32_t want_src, const char *why)
{
	uint32_t out[4], src = 0;
	bool in = kc_probe_expected(t, n, leaf, sub, out, &src);
	for (int r = 0; r < 4; r++)
		CHECK_MSG(out[r] == want[r], "%s: leaf 0x%x.%u reg %d: 0x%x, want 0x%x", why, leaf,
			  sub, r, out[r], want[r]);
	CHECK_MSG(in == want_in_table, "%s: in_table %d", why, in);
	CHECK_MSG(src == want_src, "%s: answering leaf 0x%x, want 0x%x", why, src, want_src);
}

static const uint32_t zero[4];

static void test_in_range(void)
{
	struct kvmcpu_cpuid_entry t[16];
	size_t n = table(t, intel);
	const uint32_t leaf1[4] = { 0x000306c3, 0x00000800, 0x80000000, 0x078bfbff };
	expect(t, n, 1, 0, leaf1, true, 1, "a table entry reads as set");
	/* Leaf 1 ignores ECX: any subleaf reads the same (no significant index). */
	expect(t, n, 1, 7, leaf1, true, 1, "leaf 1 ignores the subleaf");
	/* A leaf at or below the limit with no entry reads as zero. */
	expect(t, n, 2, 0, zero, false, 2, "a gap below the basic limit");
	/* Leaf 7: an invalid subleaf index returns 0 in all registers (SDM leaf 07H). */
	expect(t, n, 7, 1, zero, false, 7, "an absent subleaf of leaf 7");
	/* Leaf 0xB: an invalid level keeps EAX=EBX=0, ECX[7:0] echoes it, EDX the x2APIC ID. */
	const uint32_t level5[4] = { 0, 0, 5, 0x2a };
	expect(t, n, 0xb, 5, level5, false, 0xb, "an invalid level of leaf 0xB");
}

static void test_out_of_range(void)
{
	struct kvmcpu_cpuid_entry t[16];
	size_t n = table(t, intel);
	const uint32_t leaf_d[4] = { 0x7, 0x340, 0x340, 0 };
	/* Intel: above the maximum input value, the highest basic leaf's data (SDM CPUID). */
	expect(t, n, 0xe, 0, leaf_d, false, 0xd, "Intel: above the basic limit");
	expect(t, n, 0x80000009, 0, leaf_d, false, 0xd, "Intel: above the extended limit");
	expect(t, n, 0x40000000, 0, leaf_d, false, 0xd, "Intel: an absent hypervisor range");
	/* Zhaoxin/Centaur follow Intel (KVM: every vendor but AMD and Hygon). */
	n = table(t, zhaoxin);
	expect(t, n, 0xe, 0, leaf_d, false, 0xd, "Zhaoxin: above the basic limit");
	/* AMD and Hygon: a function above the limit returns zero (APM Vol. 3 CPUID). */
	n = table(t, amd);
	expect(t, n, 0xe, 0, zero, false, 0xe, "AMD: above the basic limit");
	expect(t, n, 0x80000009, 0, zero, false, 0x80000009, "AMD: above the extended limit");
	n = table(t, hygon);
	expect(t, n, 0x80000009, 0, zero, false, 0x80000009, "Hygon: above the extended limit");
	/* A table without leaf 0 has no vendor and no basic leaf to redirect to. */
	expect(t + 1, n - 1, 0x20, 0, zero, false, 0x20, "no leaf 0");
}

static void test_rules(void)
{
	const struct kc_rule *r = kc_probe_rule(1, 0, KVMCPU_EBX);
	/* CPUID.01H:EBX[31:24] is the initial APIC ID of the executing processor. */
	CHECK(r && r->mask == 0xff000000u);
	/* CPUID.01H:ECX[27] OSXSAVE mirrors CR4.OSXSAVE. */
	r = kc_probe_rule(1, 3, KVMCPU_ECX);
	CHECK(r && r->mask == 1u << 27);
	/* CPUID.(EAX=0DH,ECX=0):EBX depends on XCR0; ECX=2's EBX is a fixed offset. */
	r = kc_probe_rule(0xd, 0, KVMCPU_EBX);
	CHECK(r && r->mask == 0xffffffffu);
	CHECK(kc_probe_rule(0xd, 2, KVMCPU_EBX) == NULL);
	/* OSPKE is CPUID.(EAX=07H,ECX=0):ECX[4] only. */
	CHECK(kc_probe_rule(7, 0, KVMCPU_ECX) != NULL);
	CHECK(kc_probe_rule(7, 1, KVMCPU_ECX) == NULL);
	CHECK(kc_probe_rule(2, 0, KVMCPU_EAX) == NULL);
	for (const struct kc_rule *x = kc_probe_rule(0xb, 9, KVMCPU_EDX); x; x = NULL)
		CHECK(x->reason && x->reason[0] && x->name[0]);
}

static void test_not_invertible(void)
{
	/* The range limits decide which leaves exist. */
	CHECK_EQ(kc_probe_not_invertible(0, 0, KVMCPU_EAX), 0xffffffffu);
	CHECK_EQ(kc_probe_not_invertible(0x80000000, 0, KVMCPU_EAX), 0xffffffffu);
	CHECK_EQ(kc_probe_not_invertible(0, 0, KVMCPU_EBX), 0);
	/* MAXPHYADDR (CPUID.80000008H:EAX[7:0]) is checked by KVM_SET_CPUID2. */
	CHECK_EQ(kc_probe_not_invertible(0x80000008, 0, KVMCPU_EAX), 0xffffffffu);
	/* XTILEDATA, XCR0 bit 18, needs the process's permission. */
	CHECK_EQ(kc_probe_not_invertible(0xd, 0, KVMCPU_EAX), 1u << 18);
	CHECK_EQ(kc_probe_not_invertible(0x40000003, 0, KVMCPU_EDX), 0xffffffffu);
	CHECK_EQ(kc_probe_not_invertible(1, 0, KVMCPU_ECX), 0);
}

int main(void)
{
	test_in_range();
	test_out_of_range();
	test_rules();
	test_not_invertible();
	return check_finish("test-probe-expect");
}
