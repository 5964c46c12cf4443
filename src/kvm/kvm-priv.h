/* SPDX-License-Identifier: MIT */
/* Internal pieces of the KVM layer shared with the probe. */
#ifndef KC_KVM_PRIV_H
#define KC_KVM_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "kvmcpu/host.h"
#include "kvmcpu/result.h"
#include "kvmcpu/vm.h"

/* KVM_SET_CPUID2 with @n entries; the error names the ioctl and the errno text. */
int kc_set_cpuid(int vcpu_fd, const struct kvmcpu_cpuid_entry *entries, size_t n,
		 struct kvmcpu_error *err);

/*
 * kvmcpu_result_apply() with the CPUID table replaced by @entries (the probe
 * applies calibration and deliberately altered tables this way). With
 * @refused_msrs, an MSR the kernel refuses does not stop the apply: bit i is
 * set for plan entry i instead (the probe reports such MSRs as host-forced).
 */
int kc_apply_with_table(const struct kvmcpu_result *r, const struct kvmcpu_cpuid_entry *entries,
			size_t n, int vcpu_fd, unsigned vcpu_index, uint64_t *refused_msrs,
			struct kvmcpu_error *err);

#endif
