/* SPDX-License-Identifier: MIT */
/*
 * The probe's pure expectation rules (probe/expect.c): no VM, no ioctl, only
 * a CPUID table in and what a guest should read out.
 */
#ifndef KC_PROBE_EXPECT_H
#define KC_PROBE_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvmcpu/cpuid.h"

/*
 * Registers KVM (or the CPU) changes at run time by design. Each rule says
 * why; the bits are left out of the comparison and of calibration.
 */
struct kc_rule {
	uint32_t leaf;
	uint32_t subleaf;
	enum kvmcpu_reg reg;
	uint32_t mask;
	const char *name;
	const char *reason;
};

/* The rule for (leaf, subleaf, reg), or NULL when the register is compared whole. */
const struct kc_rule *kc_probe_rule(uint32_t leaf, uint32_t subleaf, enum kvmcpu_reg reg);

/*
 * Bits calibration must not invert, because KVM_SET_CPUID2 validates them or
 * the vCPU depends on them to run the probe at all.
 */
uint32_t kc_probe_not_invertible(uint32_t leaf, uint32_t subleaf, enum kvmcpu_reg reg);

/* The entry of @t a guest query (leaf, subleaf) matches, as KVM looks it up; NULL when none. */
const struct kvmcpu_cpuid_entry *kc_probe_find(const struct kvmcpu_cpuid_entry *t, size_t n,
					       uint32_t leaf, uint32_t subleaf);

/*
 * What a guest should read for (leaf, subleaf) given table @t (rules in
 * expect.c's file comment): @out gets EAX..EDX, *src_leaf the leaf whose entry
 * answers (the highest basic leaf when the query is redirected there).
 * Returns whether (leaf, subleaf) itself is in the table.
 */
bool kc_probe_expected(const struct kvmcpu_cpuid_entry *t, size_t n, uint32_t leaf,
		       uint32_t subleaf, uint32_t out[4], uint32_t *src_leaf);

/* Register @reg (enum kvmcpu_reg) of an entry. */
static inline uint32_t kc_probe_reg(const struct kvmcpu_cpuid_entry *e, int reg)
{
	const uint32_t v[4] = { e->eax, e->ebx, e->ecx, e->edx };
	return v[reg];
}

static inline uint32_t *kc_probe_reg_ptr(struct kvmcpu_cpuid_entry *e, int reg)
{
	uint32_t *v[4] = { &e->eax, &e->ebx, &e->ecx, &e->edx };
	return v[reg];
}

#endif
