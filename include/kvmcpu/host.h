/* SPDX-License-Identifier: MIT */
#ifndef KVMCPU_HOST_H
#define KVMCPU_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A host: what a KVM host can give a guest. It is either read live from
 * /dev/kvm or loaded from a recording (JSON written by kvmcpu_host_save, or
 * the line-based text format). Both produce the same normalized object.
 */
struct kvmcpu_host;

/** One CPUID entry, binary-identical to struct kvm_cpuid_entry2. */
struct kvmcpu_cpuid_entry {
	uint32_t function;
	uint32_t index;
	uint32_t flags;
	uint32_t eax;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;
	uint32_t padding[3];
};

/* KVM_CPUID_FLAG_SIGNIFCANT_INDEX: the entry is keyed by (function, index). */
#define KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX 1u

/**
 * Reads the host from @dev_path (NULL means "/dev/kvm"): KVM_GET_SUPPORTED_CPUID,
 * the feature MSRs, the Hyper-V capabilities and KVM_GET_SUPPORTED_HV_CPUID when
 * the kernel has it, the kernel release and the KVM vendor module. On a kernel
 * that offers AMX tile data it first asks for the calling process's guest
 * permission for it (arch_prctl ARCH_REQ_XCOMP_GUEST_PERM, as QEMU does), without
 * which KVM leaves AMX out of its table; a VMM needs that permission anyway to
 * give AMX to a guest.
 */
KVMCPU_API int kvmcpu_host_open_live(const char *dev_path, struct kvmcpu_host **out,
				     struct kvmcpu_error *err);
/** Loads a recorded host, JSON or text (detected from the content). */
KVMCPU_API int kvmcpu_host_load(const char *path, struct kvmcpu_host **out,
				struct kvmcpu_error *err);
/** The same from memory; @origin names the input in messages. */
KVMCPU_API int kvmcpu_host_load_mem(const char *data, size_t len, const char *origin,
				    struct kvmcpu_host **out, struct kvmcpu_error *err);

enum kvmcpu_host_format { KVMCPU_HOST_JSON = 0, KVMCPU_HOST_TEXT = 1 };
/** Writes the host in @format; the JSON schema is documented in docs/host-format.md. */
KVMCPU_API int kvmcpu_host_save(const struct kvmcpu_host *h, FILE *out,
				enum kvmcpu_host_format format, struct kvmcpu_error *err);
/** An empty host; fill it with the kvmcpu_host_add_* calls (used by tools and tests). */
KVMCPU_API struct kvmcpu_host *kvmcpu_host_new(void);
KVMCPU_API void kvmcpu_host_free(struct kvmcpu_host *h);

KVMCPU_API int kvmcpu_host_add_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e);
KVMCPU_API int kvmcpu_host_add_hv_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e);
KVMCPU_API int kvmcpu_host_add_cap(struct kvmcpu_host *h, const char *name, int64_t value);
KVMCPU_API int kvmcpu_host_add_msr(struct kvmcpu_host *h, uint32_t index, uint64_t value);

/** Supported CPUID entries, in leaf order. */
KVMCPU_API size_t kvmcpu_host_cpuid_count(const struct kvmcpu_host *h);
KVMCPU_API const struct kvmcpu_cpuid_entry *kvmcpu_host_cpuid_at(const struct kvmcpu_host *h,
								size_t i);
/** The entry for (function, index), or NULL when the host does not supply it. */
KVMCPU_API const struct kvmcpu_cpuid_entry *kvmcpu_host_cpuid_find(const struct kvmcpu_host *h,
								  uint32_t function, uint32_t index);
/** Supported Hyper-V CPUID (KVM_GET_SUPPORTED_HV_CPUID); empty when unknown. */
KVMCPU_API size_t kvmcpu_host_hv_cpuid_count(const struct kvmcpu_host *h);
KVMCPU_API const struct kvmcpu_cpuid_entry *kvmcpu_host_hv_cpuid_at(const struct kvmcpu_host *h,
								   size_t i);
KVMCPU_API const struct kvmcpu_cpuid_entry *
kvmcpu_host_hv_cpuid_find(const struct kvmcpu_host *h, uint32_t function, uint32_t index);
/** True when the host recorded whether KVM_GET_SUPPORTED_HV_CPUID exists (live hosts). */
KVMCPU_API bool kvmcpu_host_has_hv_cpuid(const struct kvmcpu_host *h);

/** A KVM capability by name ("KVM_CAP_HYPERV"); 1 and *value when known, 0 when not recorded. */
KVMCPU_API int kvmcpu_host_cap(const struct kvmcpu_host *h, const char *name, int64_t *value);
KVMCPU_API size_t kvmcpu_host_cap_count(const struct kvmcpu_host *h);
KVMCPU_API const char *kvmcpu_host_cap_at(const struct kvmcpu_host *h, size_t i, int64_t *value);
/** A feature MSR value; 1 and *value when the host reported it, 0 otherwise. */
KVMCPU_API int kvmcpu_host_msr(const struct kvmcpu_host *h, uint32_t index, uint64_t *value);
KVMCPU_API size_t kvmcpu_host_msr_count(const struct kvmcpu_host *h);
KVMCPU_API uint32_t kvmcpu_host_msr_at(const struct kvmcpu_host *h, size_t i, uint64_t *value);

/** Where the host came from: "live:/dev/kvm" or the file name. */
KVMCPU_API const char *kvmcpu_host_origin(const struct kvmcpu_host *h);
/** Kernel release and KVM vendor module ("kvm_intel", "kvm_amd", "kvm_pvm", ""). */
KVMCPU_API const char *kvmcpu_host_kernel(const struct kvmcpu_host *h);
KVMCPU_API const char *kvmcpu_host_module(const struct kvmcpu_host *h);
KVMCPU_API int kvmcpu_host_set_info(struct kvmcpu_host *h, const char *origin,
				    const char *kernel, const char *module);
/** Vendor string of leaf 0 ("GenuineIntel"), "" when leaf 0 is absent. */
KVMCPU_API const char *kvmcpu_host_vendor(const struct kvmcpu_host *h);

/**
 * What a host's CPUID describes (docs/host-format.md, "Kinds of recording").
 * KVMCPU_HOST_KVM: what KVM_GET_SUPPORTED_CPUID reported (live hosts, and every
 * recording that does not say otherwise). KVMCPU_HOST_RAW_CPUID: a processor's own
 * CPUID dump taken on bare metal; kvmcpu adds the bits KVM itself sets or
 * synthesizes on such a processor before a guest is resolved against it.
 */
enum kvmcpu_host_kind { KVMCPU_HOST_KVM = 0, KVMCPU_HOST_RAW_CPUID = 1 };
KVMCPU_API enum kvmcpu_host_kind kvmcpu_host_kind(const struct kvmcpu_host *h);
/** Marks what a host built with kvmcpu_host_add_* describes; -EINVAL for an unknown kind. */
KVMCPU_API int kvmcpu_host_set_kind(struct kvmcpu_host *h, enum kvmcpu_host_kind kind);
/** The kind's name in recordings: "kvm" or "raw-cpuid" (NULL for an unknown kind). */
KVMCPU_API const char *kvmcpu_host_kind_name(enum kvmcpu_host_kind kind);

#ifdef __cplusplus
}
#endif
#endif
