/* SPDX-License-Identifier: MIT */
/*
 * Applying a resolved result to a vCPU. The order follows the KVM API
 * documentation (Documentation/virt/kvm/api.rst): capabilities that change
 * how KVM_SET_CPUID2 is checked (e.g. KVM_CAP_HYPERV_ENFORCE_CPUID) come
 * first, then KVM_SET_CPUID2, then the remaining vCPU capabilities, then the
 * MSR values, which KVM checks against the guest CPUID just set.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hv/hv.h"
#include "kvm/kvm-priv.h"
#include "result/result-priv.h"
#include "util/kvm-sys.h"
#include "util/util.h"

_Static_assert(sizeof(struct kvmcpu_cpuid_entry) == sizeof(struct kvm_cpuid_entry2),
	       "kvmcpu_cpuid_entry must match struct kvm_cpuid_entry2");

static const char *errno_hint(int e)
{
	if (e == EPERM)
		return "KVM refuses AMX tile state (XCR0 bit 18) unless the process asked for it "
		       "before creating vCPUs (kvmcpu_vm_new_for does), and some KVM "
		       "implementations refuse bits beyond KVM_GET_SUPPORTED_CPUID: resolve "
		       "against the live host";
	if (e == EINVAL)
		return "the kernel rejected the value; check 'kvmcpu host' for what it supports";
	return NULL;
}

int kc_set_cpuid(int vcpu_fd, const struct kvmcpu_cpuid_entry *entries, size_t n,
		 struct kvmcpu_error *err)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
	if (!c)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	c->nent = (uint32_t)n;
	memcpy(c->entries, entries, n * sizeof(c->entries[0]));
	int rc = kc_ioctl(vcpu_fd, KVM_SET_CPUID2, c);
	int e = errno;
	free(c);
	if (rc < 0)
		return kc_fail(err, -e, errno_hint(e),
			       "KVM_SET_CPUID2 (%zu entries, leaves "
			       "0x%x..0x%x) failed: %s",
			       n, n ? entries[0].function : 0, n ? entries[n - 1].function : 0,
			       strerror(e));
	return 0;
}

static int enable_cap(int vcpu_fd, const struct kvmcpu_cap *cap, struct kvmcpu_error *err)
{
	struct kvm_enable_cap ec = { .cap = cap->cap };
	uint16_t out_u16 = 0;
	memcpy(ec.args, cap->args, sizeof(ec.args));
	/* KVM_CAP_HYPERV_ENLIGHTENED_VMCS writes the supported eVMCS version here. */
	if (cap->args0_is_out_u16)
		ec.args[0] = (uintptr_t)&out_u16;
	if (kc_ioctl(vcpu_fd, KVM_ENABLE_CAP, &ec) < 0) {
		int e = errno;
		return kc_fail(err, -e,
			       e == EINVAL ? "the host does not offer this capability; "
					     "see 'kvmcpu hv' for what it supports"
					   : NULL,
			       "KVM_ENABLE_CAP %s (%u) failed: %s", cap->name ? cap->name : "?",
			       cap->cap, strerror(e));
	}
	/* Only the eVMCS enable writes back (its version range): it must hold version 1. */
	if (cap->args0_is_out_u16)
		return kc_hv_evmcs_range_check(out_u16,
					       "KVM_ENABLE_CAP "
					       "KVM_CAP_HYPERV_ENLIGHTENED_VMCS",
					       err);
	return 0;
}

static int enable_caps(const struct kvmcpu_result *r, int vcpu_fd, bool before_cpuid,
		       struct kvmcpu_error *err)
{
	for (size_t i = 0; i < r->ncaps; i++) {
		if (r->caps[i].before_cpuid != before_cpuid)
			continue;
		int rc = enable_cap(vcpu_fd, &r->caps[i], err);
		if (rc)
			return rc;
	}
	return 0;
}

/* One MSR at a time, so that a refusal names the MSR (KVM_SET_MSRS stops at the first). */
static int set_msr(int vcpu_fd, const struct kvmcpu_msr *m, uint64_t value,
		   struct kvmcpu_error *err)
{
	/* struct kvm_msrs ends in a flexible array: room for one entry after it. */
	union {
		struct kvm_msrs hdr;
		unsigned char bytes[sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)];
	} buf;
	memset(&buf, 0, sizeof(buf));
	buf.hdr.nmsrs = 1;
	buf.hdr.entries[0].index = m->index;
	buf.hdr.entries[0].data = value;
	int rc = kc_ioctl(vcpu_fd, KVM_SET_MSRS, &buf);
	if (rc == 1)
		return 0;
	int e = rc < 0 ? errno : EINVAL;
	return kc_fail(err, -e, "the host refuses this MSR or value for the guest CPUID set",
		       "KVM_SET_MSRS %s (0x%x) = 0x%llx failed: %s", m->name ? m->name : "MSR",
		       m->index, (unsigned long long)value,
		       rc < 0 ? strerror(e) : "the kernel set 0 of 1 MSRs");
}

int kc_apply_with_table(const struct kvmcpu_result *r, const struct kvmcpu_cpuid_entry *entries,
			size_t n, int vcpu_fd, unsigned vcpu_index, uint64_t *refused_msrs,
			struct kvmcpu_error *err)
{
	kvmcpu_error_clear(err);
	if (!r)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_result_apply: result is NULL");
	if (vcpu_fd < 0)
		return kc_fail(err, -EBADF, NULL, "kvmcpu_result_apply: vCPU fd %d is not valid",
			       vcpu_fd);
	int rc = enable_caps(r, vcpu_fd, true, err);
	if (!rc)
		rc = kc_set_cpuid(vcpu_fd, entries, n, err);
	if (!rc)
		rc = enable_caps(r, vcpu_fd, false, err);
	if (refused_msrs)
		*refused_msrs = 0;
	for (size_t i = 0; !rc && i < r->nmsrs; i++) {
		const struct kvmcpu_msr *m = &r->msrs[i];
		rc = set_msr(vcpu_fd, m, m->per_vcpu_index ? vcpu_index : m->value, err);
		if (rc && refused_msrs && i < 64) {
			*refused_msrs |= 1ull << i;
			kvmcpu_error_clear(err);
			rc = 0;
		}
	}
	return rc;
}

int kvmcpu_result_apply(const struct kvmcpu_result *r, int vcpu_fd, unsigned vcpu_index,
			struct kvmcpu_error *err)
{
	kvmcpu_error_clear(err);
	if (!r)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_result_apply: result is NULL");
	/* vCPU 0's table is the result's own; any other vCPU gets a patched copy. */
	struct kvmcpu_cpuid_entry *table = NULL;
	size_t n = r->nentries;
	if (vcpu_index) {
		table = malloc((n ? n : 1) * sizeof(*table));
		if (!table)
			return kc_fail(err, -ENOMEM, NULL, "out of memory");
	}
	int rc = table ? kvmcpu_result_cpuid_vcpu(r, vcpu_index, table, n, &n, err) : 0;
	if (!rc)
		rc = kc_apply_with_table(r, table ? table : r->entries, n, vcpu_fd, vcpu_index,
					 NULL, err);
	free(table);
	return rc;
}
