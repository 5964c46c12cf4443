/* SPDX-License-Identifier: MIT */
/*
 * Host evidence for Hyper-V flags. A flag is supported when every bit it needs
 * is in the host's Hyper-V CPUID answer and its capability is non-zero, as
 * QEMU checks (target/i386/kvm/kvm.c, hyperv_feature_supported). The answer
 * comes from one of three sources, told apart by the recorded capabilities:
 *
 *  - KVM_CAP_SYS_HYPERV_CPUID > 0 (5.11+): KVM_GET_SUPPORTED_HV_CPUID on the
 *    system fd, everything KVM can do;
 *  - KVM_CAP_HYPERV_CPUID > 0 (5.0-5.10): the same ioctl on a vCPU fd. It leaves
 *    out the eVMCS recommendation and version range until eVMCS is enabled on
 *    that vCPU, so, as QEMU does, KVM_CAP_HYPERV_ENLIGHTENED_VMCS > 0 stands for
 *    the recommendation and the version range is checked when the vCPU enables
 *    eVMCS (kvmcpu_result_apply);
 *  - neither (before 5.0): the stand-in QEMU builds from capabilities and
 *    KVM_GET_MSR_INDEX_LIST (src/host/hv-legacy.c); no version range either.
 *
 * A recording without capabilities but with an answer is read as the system
 * ioctl's answer (hand-written hosts).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "host/hv-legacy.h"
#include "hv/hv-priv.h"
#include "util/util.h"

enum hv_source { SRC_NONE, SRC_SYSTEM, SRC_VCPU, SRC_LEGACY };

/* The capability's value, or -1 when the host did not record it. */
static int64_t host_cap(const struct kvmcpu_host *host, const char *name)
{
	int64_t v = 0;
	return kvmcpu_host_cap(host, name, &v) == 1 ? v : -1;
}

static enum hv_source hv_source(const struct kvmcpu_host *host)
{
	if (kvmcpu_host_hv_cpuid_count(host) == 0)
		return SRC_NONE;
	if (host_cap(host, "KVM_CAP_SYS_HYPERV_CPUID") > 0)
		return SRC_SYSTEM;
	if (host_cap(host, "KVM_CAP_HYPERV_CPUID") > 0)
		return SRC_VCPU;
	if (host_cap(host, "KVM_CAP_HYPERV_CPUID") == 0)
		return SRC_LEGACY;
	return SRC_SYSTEM;
}

static uint32_t hv_reg(const struct kvmcpu_host *host, uint32_t leaf, enum kvmcpu_reg reg)
{
	const struct kvmcpu_cpuid_entry *e = kvmcpu_host_hv_cpuid_find(host, leaf, 0);
	uint32_t v = 0;
	if (e)
		v = reg == KVMCPU_EAX	? e->eax
		    : reg == KVMCPU_EBX ? e->ebx
		    : reg == KVMCPU_ECX ? e->ecx
					: e->edx;
	/* The vCPU ioctl shows the eVMCS recommendation only after eVMCS is enabled. */
	if (leaf == 0x40000004 && reg == KVMCPU_EAX && hv_source(host) == SRC_VCPU &&
	    host_cap(host, "KVM_CAP_HYPERV_ENLIGHTENED_VMCS") > 0)
		v |= kc_hv_flags[KC_HV_EVMCS].host_bits[KC_HV_4EAX];
	return v;
}

int kc_hv_host_has_hyperv(const struct kvmcpu_host *host, struct kvmcpu_error *err)
{
	int64_t v = host_cap(host, "KVM_CAP_HYPERV");
	if (v > 0)
		return 0;
	if (v == 0)
		return kc_fail(err, -EOPNOTSUPP, NULL,
			       "the host's KVM has no Hyper-V emulation (KVM_CAP_HYPERV is 0; a "
			       "kernel built without CONFIG_KVM_HYPERV)");
	if (kvmcpu_host_hv_cpuid_count(host) > 0)
		return 0;
	return kc_fail(err, -EOPNOTSUPP, NULL,
		       "the host recording shows no Hyper-V emulation (no KVM_CAP_HYPERV and no "
		       "KVM_GET_SUPPORTED_HV_CPUID answer)");
}

int kc_hv_evmcs_range_check(uint16_t range, const char *where, struct kvmcpu_error *err)
{
	unsigned lo = range & 0xff, hi = range >> 8;
	/* The guest is offered 1..1; KVM must cover it (QEMU: evmcs_version_supported). */
	if (lo <= 1 && hi >= 1)
		return 0;
	return kc_fail(err, -EOPNOTSUPP, "leave evmcs out (hv=...+no_evmcs)",
		       "%s: the eVMCS version range %u..%u (0x%04x) does not hold version 1, "
		       "the only one a guest is offered",
		       where, lo, hi, range);
}

/* Lowest bit of @mask as a number. */
static int bit_of(uint32_t mask)
{
	return mask ? __builtin_ctz(mask) : -1;
}

static const char *source_name(enum hv_source src)
{
	return src == SRC_LEGACY ? "the legacy Hyper-V evidence (capabilities and "
				   "KVM_GET_MSR_INDEX_LIST; kernel before 5.0)"
				 : "KVM_GET_SUPPORTED_HV_CPUID";
}

static int check_bits(const struct kvmcpu_hv_flag *f, const struct kvmcpu_host *host,
		      struct kvmcpu_error *err)
{
	enum hv_source src = hv_source(host);
	for (int r = 0; r < KC_HV_NREGS; r++) {
		uint32_t need = f->host_bits[r];
		uint32_t missing = need & ~hv_reg(host, kc_hv_reg_leaf(r), kc_hv_reg_reg(r));
		if (missing)
			return kc_fail(err, -EOPNOTSUPP, NULL, "%s lacks %s bit %d",
				       source_name(src), kc_hv_reg_name(r), bit_of(missing));
	}
	/* 0x4000000A EAX[15:0] is the eVMCS version range (TLFS "Enlightened VMCS"). Only the
	 * system ioctl reports it before eVMCS is enabled; otherwise the enable checks it. */
	if (f->id == KC_HV_EVMCS && src == SRC_SYSTEM)
		return kc_hv_evmcs_range_check((uint16_t)hv_reg(host, 0x4000000A, KVMCPU_EAX),
					       "0x4000000A EAX of the host", err);
	return 0;
}

int kc_hv_host_supports(const struct kvmcpu_hv_flag *f, const struct kvmcpu_host *host, bool intel,
			struct kvmcpu_error *err)
{
	if (f->intel_only && !intel)
		return kc_fail(err, -EOPNOTSUPP, NULL,
			       "%s exists only for Intel VMX; AMD-compatible guests nest with SVM "
			       "(try emsr_bitmap, tlbflush_direct)",
			       f->name);
	if (hv_source(host) == SRC_NONE)
		return kc_fail(
			err, -EOPNOTSUPP, NULL,
			"the host has no Hyper-V CPUID answer (KVM_GET_SUPPORTED_HV_CPUID, "
			"or on kernels before 5.0 the capabilities and KVM_GET_MSR_INDEX_LIST); "
			"record the host again with 'kvmcpu host --json'");
	int rc = check_bits(f, host, err);
	if (rc)
		return rc;
	if (f->host_cap && host_cap(host, f->host_cap) <= 0)
		return kc_fail(err, -EOPNOTSUPP, NULL, "%s is %s", f->host_cap,
			       host_cap(host, f->host_cap) == 0 ? "0" : "not recorded");
	return 0;
}

int kvmcpu_hv_flag_host_support(const struct kvmcpu_hv_flag *f, const struct kvmcpu_host *host,
				struct kvmcpu_error *err)
{
	kvmcpu_error_clear(err);
	if (!f || !host)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_hv_flag_host_support: %s is NULL",
			       !f ? "the flag" : "the host");
	int rc = kc_hv_host_has_hyperv(host, err);
	if (!rc)
		rc = kc_hv_host_supports(
			f, host, kc_vendor_is_intel_compatible(kvmcpu_host_vendor(host)), err);
	return rc ? rc : 1;
}

int kvmcpu_hv_host_available(const struct kvmcpu_host *host, struct kvmcpu_error *err)
{
	kvmcpu_error_clear(err);
	if (!host)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_hv_host_available: the host is NULL");
	int rc = kc_hv_host_has_hyperv(host, err);
	return rc ? rc : 1;
}

const char *kvmcpu_hv_flag_legacy_cap(const struct kvmcpu_hv_flag *f)
{
	const char *evidence = NULL;
	if (!f)
		return NULL;
	for (int r = 0; r < KC_HV_NREGS; r++) {
		if (!f->host_bits[r])
			continue;
		const char *e = kc_hv_legacy_evidence(kc_hv_reg_leaf(r), kc_hv_reg_reg(r),
						      f->host_bits[r]);
		if (!e || (evidence && strcmp(e, evidence)))
			return NULL;
		evidence = e;
	}
	/* Flags that need no bit (spinlocks, enforce_cpuid) need only Hyper-V itself. */
	return evidence ? evidence : f->host_cap ? f->host_cap : "KVM_CAP_HYPERV";
}
