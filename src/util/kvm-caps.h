/* SPDX-License-Identifier: MIT */
/*
 * The one table of the KVM capabilities the library uses, names and numbers
 * taken from <linux/kvm.h>: the ones a live host records (KVM_CHECK_EXTENSION
 * on /dev/kvm), and the ones the VM helper and the vCPU plan use.
 */
#ifndef KC_KVM_CAPS_H
#define KC_KVM_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kc_kvm_cap {
	const char *name; /* "KVM_CAP_HYPERV" */
	uint32_t number;
	bool recorded; /* a live host records its KVM_CHECK_EXTENSION answer */
};

extern const struct kc_kvm_cap kc_kvm_caps[];
extern const size_t kc_nkvm_caps;

/* The number of capability @name, or -1 when the library does not use it. */
long kc_kvm_cap_number(const char *name);
/* The name of capability @number, or NULL when the library does not use it. */
const char *kc_kvm_cap_name(uint32_t number);

#endif
