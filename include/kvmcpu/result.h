/* SPDX-License-Identifier: MIT */
#ifndef KVMCPU_RESULT_H
#define KVMCPU_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "host.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The resolved guest CPU: the CPUID table for KVM_SET_CPUID2, the MSR values a
 * VMM writes, the vCPU capabilities to enable, and a record of every bit that
 * was dropped, forced or added, with the reason.
 */
struct kvmcpu_result;

/**
 * Resolves @cfg against @host. On success *out holds a result the caller frees
 * with kvmcpu_result_free().
 */
KVMCPU_API int kvmcpu_resolve(const struct kvmcpu_config *cfg, const struct kvmcpu_host *host,
			      struct kvmcpu_result **out, struct kvmcpu_error *err);
KVMCPU_API void kvmcpu_result_free(struct kvmcpu_result *r);

/**
 * The CPUID entries (struct kvm_cpuid_entry2 layout), sorted by (function,
 * index): vCPU 0's table. Other vCPUs differ in their APIC and topology IDs:
 * use kvmcpu_result_cpuid_vcpu() for them.
 */
KVMCPU_API const struct kvmcpu_cpuid_entry *kvmcpu_result_cpuid(const struct kvmcpu_result *r,
								size_t *count);
/** The entry for (function, index) or NULL. */
KVMCPU_API const struct kvmcpu_cpuid_entry *
kvmcpu_result_cpuid_find(const struct kvmcpu_result *r, uint32_t function, uint32_t index);
/**
 * The number of vCPUs of the topology the result was resolved for (the
 * config's smp; 1 by default). vCPU indexes run from 0 to this count - 1.
 * Thread safety: any number of threads may read a result nobody frees.
 */
KVMCPU_API unsigned kvmcpu_result_vcpu_count(const struct kvmcpu_result *r);
/**
 * The APIC ID of vCPU @vcpu in QEMU's layout (each topology level takes the
 * fewest bits that count its members: threads, then cores, modules, dies,
 * sockets). It is also the vcpu_id QEMU gives KVM_CREATE_VCPU.
 * Returns UINT32_MAX when @vcpu is not below kvmcpu_result_vcpu_count().
 * Pure arithmetic on @r; safe from any thread while @r is alive.
 */
KVMCPU_API uint32_t kvmcpu_result_vcpu_apic_id(const struct kvmcpu_result *r, unsigned vcpu);
/**
 * vCPU @vcpu's CPUID table: the entries of kvmcpu_result_cpuid() with that
 * vCPU's APIC ID and topology IDs (leaf 1 EBX[31:24], 0xB and 0x1F EDX,
 * 0x8000001E EAX, EBX[7:0] and ECX[7:0]).
 * @r: the result (read only; it must outlive the call, not the copy).
 * @vcpu: the vCPU index, 0 .. kvmcpu_result_vcpu_count() - 1.
 * @out: caller-owned room for @cap entries; kvmcpu_result_cpuid()'s count is
 *       always enough. Nothing in it refers to @r afterwards.
 * @cap: the number of entries @out has room for.
 * @count: set to the number of entries written.
 * Returns 0; -EINVAL when @vcpu is outside the topology (the message names
 * the index and the vCPU count) or an argument is NULL; -ENOSPC when @cap is
 * too small. Costs one copy of the table; @r is not changed, so threads may
 * build different vCPUs' tables from one result at once.
 */
KVMCPU_API int kvmcpu_result_cpuid_vcpu(const struct kvmcpu_result *r, unsigned vcpu,
					struct kvmcpu_cpuid_entry *out, size_t cap, size_t *count,
					struct kvmcpu_error *err);
/** The model the result was built from (NULL for host/max). */
KVMCPU_API const struct kvmcpu_model *kvmcpu_result_model(const struct kvmcpu_result *r);
/**
 * The highest x86-64 psABI level ("x86-64-v1" .. "x86-64-v4") the guest's
 * features meet, or "" when not even x86-64-v1: what this model gives software
 * on this host (a model's own level is kvmcpu_model_psabi()).
 */
KVMCPU_API const char *kvmcpu_result_psabi(const struct kvmcpu_result *r);
/** The guest value of feature word @word (index into kvmcpu_word_at). */
KVMCPU_API uint64_t kvmcpu_result_word(const struct kvmcpu_result *r, size_t word);

/** An MSR value the VMM sets with KVM_SET_MSRS. */
struct kvmcpu_msr {
	uint32_t index;
	uint64_t value;
	const char *name;      /* "IA32_ARCH_CAPABILITIES" */
	bool per_vcpu_index;   /* value is the vCPU index (HV_X64_MSR_VP_INDEX) */
};
KVMCPU_API size_t kvmcpu_result_msr_count(const struct kvmcpu_result *r);
KVMCPU_API const struct kvmcpu_msr *kvmcpu_result_msr_at(const struct kvmcpu_result *r, size_t i);

/** A vCPU capability to enable with KVM_ENABLE_CAP, in plan order. */
struct kvmcpu_cap {
	uint32_t cap;          /* KVM_CAP_* number */
	const char *name;      /* "KVM_CAP_HYPERV_ENLIGHTENED_VMCS" */
	uint64_t args[4];
	bool before_cpuid;     /* must be enabled before KVM_SET_CPUID2 */
	bool args0_is_out_u16; /* args[0] is a pointer to a uint16_t the kernel writes */
};
KVMCPU_API size_t kvmcpu_result_cap_count(const struct kvmcpu_result *r);
KVMCPU_API const struct kvmcpu_cap *kvmcpu_result_cap_at(const struct kvmcpu_result *r, size_t i);

enum kvmcpu_notice_kind {
	KVMCPU_NOTICE_DROPPED = 0,   /* the model has it, the host lacks it */
	KVMCPU_NOTICE_DEPENDENCY,    /* cleared because what it needs is absent */
	KVMCPU_NOTICE_FORCED,        /* set or cleared by a rule, whatever model and host say */
	KVMCPU_NOTICE_USER,          /* changed by a +feature / -feature modifier */
	KVMCPU_NOTICE_HV_DROPPED,    /* a Hyper-V flag of a preset the host cannot provide */
	KVMCPU_NOTICE_WARNING,       /* anything the user should read (not migration-safe, ...) */
};

/** One explained change. The strings live as long as the result. */
struct kvmcpu_notice {
	enum kvmcpu_notice_kind kind;
	const char *subject; /* a feature or flag name, or "FEAT_... bit N" */
	const char *reason;
	int word;            /* feature word index, or -1 */
	uint64_t mask;       /* bits in that word */
};
KVMCPU_API size_t kvmcpu_result_notice_count(const struct kvmcpu_result *r);
KVMCPU_API const struct kvmcpu_notice *kvmcpu_result_notice_at(const struct kvmcpu_result *r,
							       size_t i);
KVMCPU_API const char *kvmcpu_notice_kind_name(enum kvmcpu_notice_kind kind);

/**
 * Applies the result to vCPU @vcpu_index of the topology: capabilities marked
 * before_cpuid, then KVM_SET_CPUID2 with that vCPU's table
 * (kvmcpu_result_cpuid_vcpu()), then the remaining capabilities, then
 * KVM_SET_MSRS. Returns 0 or a negative errno: -EINVAL when @vcpu_index is not
 * below kvmcpu_result_vcpu_count(); each ioctl failure names the ioctl, the
 * leaf/capability/MSR and the errno text. @r is only read: several threads may
 * apply one result to different vCPUs at once.
 */
KVMCPU_API int kvmcpu_result_apply(const struct kvmcpu_result *r, int vcpu_fd,
				   unsigned vcpu_index, struct kvmcpu_error *err);

#ifdef __cplusplus
}
#endif
#endif
