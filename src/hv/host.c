/* SPDX-License-Identifier: MIT */
/*
 * Host evidence for Hyper-V flags. A modern kernel answers
 * KVM_GET_SUPPORTED_HV_CPUID (KVM API doc 4.118): a flag is supported when
 * every bit it needs is in that answer and its capability is non-zero, as
 * QEMU checks. Kernels older than 5.0 lack the ioctl; there a capability per
 * flag stands in (KVM_CHECK_EXTENSION), and flags with no such capability are
 * treated as unsupported rather than guessed.
 */
#include <stdio.h>
#include <string.h>

#include "hv/hv-priv.h"

/* The capability's value, or -1 when the host did not record it. */
static int64_t host_cap(const struct kvmcpu_host *host, const char *name)
{
	int64_t v = 0;
	return kvmcpu_host_cap(host, name, &v) == 1 ? v : -1;
}

static uint32_t hv_reg(const struct kvmcpu_host *host, uint32_t leaf, enum kvmcpu_reg reg)
{
	const struct kvmcpu_cpuid_entry *e = kvmcpu_host_hv_cpuid_find(host, leaf, 0);
	if (!e)
		return 0;
	switch (reg) {
	case KVMCPU_EAX:
		return e->eax;
	case KVMCPU_EBX:
		return e->ebx;
	case KVMCPU_ECX:
		return e->ecx;
	default:
		return e->edx;
	}
}

bool kc_hv_host_has_hyperv(const struct kvmcpu_host *host, char *why, size_t len)
{
	int64_t v = host_cap(host, "KVM_CAP_HYPERV");
	if (v > 0)
		return true;
	if (v == 0) {
		snprintf(why, len, "the host's KVM has no Hyper-V emulation (KVM_CAP_HYPERV is 0; "
				   "a kernel built without CONFIG_KVM_HYPERV)");
		return false;
	}
	if (kvmcpu_host_hv_cpuid_count(host) > 0)
		return true;
	snprintf(why, len, "the host recording shows no Hyper-V emulation (no KVM_CAP_HYPERV and "
			   "no KVM_GET_SUPPORTED_HV_CPUID answer)");
	return false;
}

/* Lowest bit of @mask as a number. */
static int bit_of(uint32_t mask)
{
	return mask ? __builtin_ctz(mask) : -1;
}

static bool check_bits(const struct kvmcpu_hv_flag *f, const struct kvmcpu_host *host, char *why,
		       size_t len)
{
	for (int r = 0; r < KC_HV_NREGS; r++) {
		uint32_t need = f->host_bits[r];
		uint32_t missing = need & ~hv_reg(host, kc_hv_reg_leaf(r), kc_hv_reg_reg(r));
		if (missing) {
			snprintf(why, len, "KVM_GET_SUPPORTED_HV_CPUID lacks %s bit %d",
				 kc_hv_reg_name(r), bit_of(missing));
			return false;
		}
	}
	if (f->id == KC_HV_EVMCS) {
		/* 0x4000000A EAX[7:0] is the lowest and [15:8] the highest eVMCS version KVM
		 * implements; the guest is offered version 1 (TLFS "Enlightened VMCS"). */
		uint32_t a = hv_reg(host, 0x4000000A, KVMCPU_EAX);
		unsigned lo = a & 0xff, hi = (a >> 8) & 0xff;
		if (lo > 1 || hi < 1) {
			snprintf(why, len, "the host's eVMCS version range %u..%u (0x4000000A EAX) "
					   "does not hold version 1", lo, hi);
			return false;
		}
	}
	return true;
}

bool kc_hv_host_supports(const struct kvmcpu_hv_flag *f, const struct kvmcpu_host *host,
			 bool intel, char *why, size_t len)
{
	if (f->intel_only && !intel) {
		snprintf(why, len, "%s exists only for Intel VMX; AMD-compatible guests nest with "
				   "SVM (try emsr_bitmap, tlbflush_direct)", f->name);
		return false;
	}
	if (kvmcpu_host_hv_cpuid_count(host) > 0) {
		if (!check_bits(f, host, why, len))
			return false;
	} else if (!f->legacy_cap) {
		snprintf(why, len, "the host has no KVM_GET_SUPPORTED_HV_CPUID answer, which %s "
				   "needs as evidence (kernel older than 5.0?)", f->name);
		return false;
	} else if (host_cap(host, f->legacy_cap) <= 0) {
		snprintf(why, len, "%s is %s (and the host has no KVM_GET_SUPPORTED_HV_CPUID answer)",
			 f->legacy_cap, host_cap(host, f->legacy_cap) == 0 ? "0" : "not recorded");
		return false;
	}
	if (f->host_cap && host_cap(host, f->host_cap) <= 0) {
		snprintf(why, len, "%s is %s", f->host_cap,
			 host_cap(host, f->host_cap) == 0 ? "0" : "not recorded");
		return false;
	}
	return true;
}
