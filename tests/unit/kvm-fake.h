/* SPDX-License-Identifier: MIT */
/*
 * A fake KVM behind the seam of util/kvm-sys.h: it answers the ioctls the
 * library makes as a cooperative kernel would, records every call, can fail
 * any one of them, and counts the file descriptors and mappings still open
 * so a test can prove that nothing leaks on any failure path.
 */
#ifndef KVMCPU_TEST_KVM_FAKE_H
#define KVMCPU_TEST_KVM_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvmcpu/cpuid.h"

#define FAKE_MAX_CALLS 4096

/* What fake_kvm_run does when the vCPU runs. */
enum fake_guest {
	FAKE_GUEST_ANSWER = 0, /* answers the probe mailbox from the CPUID table set, then reports */
	FAKE_GUEST_HLT, /* stops with KVM_EXIT_HLT */
	FAKE_GUEST_FAULT, /* reports exception vector 13 on the fault port */
	FAKE_GUEST_SPIN, /* runs until a signal is pending (the watchdog's), then EINTR */
};

struct fake_call {
	char what[8]; /* "open", "close", "ioctl", "mmap", "munmap" */
	unsigned long request; /* ioctl request */
	uint64_t arg; /* KVM_ENABLE_CAP: the capability; KVM_SET_MSRS: the MSR */
	uint64_t value; /* KVM_SET_MSRS: the value */
};

struct fake_kvm {
	struct fake_call calls[FAKE_MAX_CALLS];
	size_t ncalls;
	size_t fail_at; /* 1-based index of the call that fails; 0: none */
	int fail_errno;
	int open_fds; /* fds handed out and not closed */
	int live_maps; /* mappings handed out and not unmapped */
	enum fake_guest guest;
	struct kvmcpu_cpuid_entry table[256]; /* the last KVM_SET_CPUID2 */
	size_t ntable;
	long missing_cap; /* KVM_CHECK_EXTENSION answers 0 for this capability (-1: none) */
};

extern struct fake_kvm fake;

/* Installs the fake with a clean state (no failure planned). */
void fake_kvm_install(void);
/* Puts the real system calls back. */
void fake_kvm_remove(void);
/* The number of ioctl calls recorded with @request. */
size_t fake_count(unsigned long request);
/* The 1-based index of the first ioctl with @request after call @after, 0 when none. */
size_t fake_find(unsigned long request, size_t after);

#endif
