/* SPDX-License-Identifier: MIT */
/*
 * The resolved guest CPU: the CPUID table for KVM_SET_CPUID2, the MSR values a
 * VMM writes, the vCPU capabilities to enable, and a record of every bit that
 * was dropped, forced or added, with the reason.
 *
 * A result is immutable once kvmcpu_resolve() returns it: any number of
 * threads may read it and apply it to their own vCPUs at once. Everything a
 * result hands out (entries, MSRs, capabilities, notices and their strings)
 * lives until kvmcpu_result_free(); it does not point into the host or the
 * config it was resolved from.
 */
#ifndef KVMCPU_RESULT_H
#define KVMCPU_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "config.h"
#include "cpuid.h"
#include "host.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An opaque result, owned by the caller from kvmcpu_resolve() to kvmcpu_result_free(). */
struct kvmcpu_result;

/**
 * kvmcpu_resolve() - resolve a config against a host
 * @cfg: what the user asked for
 * @host: what the host can give
 * @out: receives the new result, or is left alone on failure
 * @err: error record, or NULL
 *
 * Follows QEMU's rules for the named model (docs/resolution.md): features the
 * host lacks are dropped, dependencies cleared, Hyper-V flags resolved, and
 * every change recorded as a notice.
 *
 * Return: 0 on success; -EINVAL when @cfg, @host or @out is NULL;
 * -EOPNOTSUPP (= -ENOTSUP) when the config cannot be met on this host (a
 * feature or Hyper-V flag asked by name that the host lacks, nested_virt on a
 * host without nested virtualization); -E2BIG or -ENOSPC when a table limit
 * is exceeded; -ENOMEM. The caller frees *@out with kvmcpu_result_free().
 * Thread safety: reads @cfg and @host; any thread, also concurrently with
 * other resolves of the same @cfg and @host.
 */
KVMCPU_API int kvmcpu_resolve(const struct kvmcpu_config *cfg, const struct kvmcpu_host *host,
			      struct kvmcpu_result **out, struct kvmcpu_error *err);

/**
 * kvmcpu_result_free() - free a result
 * @r: the result; NULL does nothing
 *
 * Every pointer obtained from @r becomes invalid.
 * Thread safety: no other thread may use @r during or after the call.
 */
KVMCPU_API void kvmcpu_result_free(struct kvmcpu_result *r);

/**
 * kvmcpu_result_cpuid() - the guest CPUID table
 * @r: the result
 * @count: receives the number of entries (may be NULL); 0 when @r is NULL
 *
 * The entries are sorted by (function, index) and laid out as struct
 * kvm_cpuid_entry2: copy them into struct kvm_cpuid2 for KVM_SET_CPUID2.
 *
 * This is vCPU 0's table; other vCPUs differ in their APIC and topology IDs:
 * use kvmcpu_result_cpuid_vcpu() for them.
 *
 * Return: the first entry, valid until kvmcpu_result_free(); NULL when @r is NULL.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API const struct kvmcpu_cpuid_entry *kvmcpu_result_cpuid(const struct kvmcpu_result *r,
								size_t *count);

/**
 * kvmcpu_result_cpuid_find() - one entry of the guest table
 * @r: the result
 * @function: the leaf
 * @index: the subleaf (0 for leaves not keyed by subleaf)
 *
 * Return: the entry with exactly this (function, index), valid until
 * kvmcpu_result_free(); NULL when there is none or @r is NULL.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API const struct kvmcpu_cpuid_entry *kvmcpu_result_cpuid_find(const struct kvmcpu_result *r,
								     uint32_t function,
								     uint32_t index);

/**
 * kvmcpu_result_vcpu_count() - the number of vCPUs of the result's topology
 * @r: the result
 *
 * The config's smp (1 by default); vCPU indexes run from 0 to this count - 1.
 *
 * Return: the count; 0 when @r is NULL.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API unsigned kvmcpu_result_vcpu_count(const struct kvmcpu_result *r);

/**
 * kvmcpu_result_vcpu_apic_id() - the APIC ID of one vCPU
 * @r: the result
 * @vcpu: the vCPU index
 *
 * QEMU's layout: each topology level takes the fewest bits that count its
 * members (threads, then cores, modules, dies, sockets). It is also the vcpu_id
 * to give KVM_CREATE_VCPU, as QEMU does, so that the in-kernel APIC agrees.
 *
 * Return: the APIC ID; UINT32_MAX when @vcpu is not below
 * kvmcpu_result_vcpu_count() or @r is NULL.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API uint32_t kvmcpu_result_vcpu_apic_id(const struct kvmcpu_result *r, unsigned vcpu);

/**
 * kvmcpu_result_cpuid_vcpu() - one vCPU's CPUID table
 * @r: the result (it must outlive the call, not the copy)
 * @vcpu: the vCPU index, 0 .. kvmcpu_result_vcpu_count() - 1
 * @out: caller-owned room for @cap entries; kvmcpu_result_cpuid()'s count is
 *       always enough. Nothing in it refers to @r afterwards.
 * @cap: the number of entries @out has room for
 * @count: receives the number of entries written
 * @err: error record, or NULL
 *
 * The entries of kvmcpu_result_cpuid() with that vCPU's APIC ID and topology
 * IDs (leaf 1 EBX[31:24], 0xB and 0x1F EDX, 0x8000001E EAX, EBX[7:0], ECX[7:0]).
 *
 * Return: 0 on success; -EINVAL when @vcpu is outside the topology (the
 * message names the index and the vCPU count) or an argument is NULL; -ENOSPC
 * when @cap is too small.
 * Thread safety: reads @r; threads may build different vCPUs' tables from one
 * result at once.
 */
KVMCPU_API int kvmcpu_result_cpuid_vcpu(const struct kvmcpu_result *r, unsigned vcpu,
					struct kvmcpu_cpuid_entry *out, size_t cap, size_t *count,
					struct kvmcpu_error *err);

/**
 * kvmcpu_result_model() - the model the result was built from
 * @r: the result
 *
 * Return: the model (const table, never freed); NULL for cpu=host and
 * cpu=max, and when @r is NULL.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API const struct kvmcpu_model *kvmcpu_result_model(const struct kvmcpu_result *r);

/**
 * kvmcpu_result_psabi() - the x86-64 psABI level the guest's features meet
 * @r: the result
 *
 * What this model gives software on this host (a model's own level is
 * kvmcpu_model_psabi()).
 *
 * Return: a static "x86-64-v1" .. "x86-64-v4", "" when not even x86-64-v1;
 * NULL when @r is NULL.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API const char *kvmcpu_result_psabi(const struct kvmcpu_result *r);

/**
 * kvmcpu_result_word() - the guest value of one feature word
 * @r: the result
 * @word: a word index (kvmcpu_word_at())
 *
 * Return: the bits; 0 when @r is NULL or @word is out of range.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API uint64_t kvmcpu_result_word(const struct kvmcpu_result *r, size_t word);

/**
 * struct kvmcpu_msr - an MSR value the VMM sets with KVM_SET_MSRS
 * @index: the MSR
 * @value: the value (for @per_vcpu_index MSRs, write the vCPU index instead)
 * @name: its name ("IA32_ARCH_CAPABILITIES"), static
 * @per_vcpu_index: the value is the vCPU index (HV_X64_MSR_VP_INDEX)
 */
struct kvmcpu_msr {
	uint32_t index;
	uint64_t value;
	const char *name;
	bool per_vcpu_index;
};

/**
 * kvmcpu_result_msr_count() - the number of MSRs in the plan
 * @r: the result
 *
 * Return: the count, 0 when @r is NULL.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API size_t kvmcpu_result_msr_count(const struct kvmcpu_result *r);

/**
 * kvmcpu_result_msr_at() - one MSR of the plan, in the order they are written
 * @r: the result
 * @i: 0 <= @i < kvmcpu_result_msr_count()
 *
 * Return: the MSR, valid until kvmcpu_result_free(); NULL when @r is NULL or
 * @i is out of range.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API const struct kvmcpu_msr *kvmcpu_result_msr_at(const struct kvmcpu_result *r, size_t i);

/**
 * struct kvmcpu_cap - a vCPU capability to enable with KVM_ENABLE_CAP
 * @cap: the KVM_CAP_* number
 * @name: its name in <linux/kvm.h> ("KVM_CAP_HYPERV_ENLIGHTENED_VMCS"), static
 * @args: struct kvm_enable_cap's args
 * @before_cpuid: must be enabled before KVM_SET_CPUID2
 * @args0_is_out_u16: args[0] must be a pointer to a uint16_t the kernel writes
 */
struct kvmcpu_cap {
	uint32_t cap;
	const char *name;
	uint64_t args[4];
	bool before_cpuid;
	bool args0_is_out_u16;
};

/**
 * kvmcpu_result_cap_count() - the number of vCPU capabilities in the plan
 * @r: the result
 *
 * Return: the count, 0 when @r is NULL.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API size_t kvmcpu_result_cap_count(const struct kvmcpu_result *r);

/**
 * kvmcpu_result_cap_at() - one capability of the plan, in plan order
 * @r: the result
 * @i: 0 <= @i < kvmcpu_result_cap_count()
 *
 * Return: the capability, valid until kvmcpu_result_free(); NULL when @r is
 * NULL or @i is out of range.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API const struct kvmcpu_cap *kvmcpu_result_cap_at(const struct kvmcpu_result *r, size_t i);

/**
 * enum kvmcpu_notice_kind - why a bit of the guest differs from the model
 * @KVMCPU_NOTICE_DROPPED: the model has it, the host lacks it
 * @KVMCPU_NOTICE_DEPENDENCY: cleared because what it needs is absent
 * @KVMCPU_NOTICE_FORCED: set or cleared by a rule, whatever model and host say
 * @KVMCPU_NOTICE_USER: changed by a +feature / -feature modifier
 * @KVMCPU_NOTICE_HV_DROPPED: a Hyper-V flag of a preset the host cannot provide
 * @KVMCPU_NOTICE_WARNING: anything the user should read (not migration-safe, ...)
 */
enum kvmcpu_notice_kind {
	KVMCPU_NOTICE_DROPPED = 0,
	KVMCPU_NOTICE_DEPENDENCY,
	KVMCPU_NOTICE_FORCED,
	KVMCPU_NOTICE_USER,
	KVMCPU_NOTICE_HV_DROPPED,
	KVMCPU_NOTICE_WARNING,
};

/**
 * struct kvmcpu_notice - one explained change
 * @kind: why
 * @subject: a feature or flag name, or "FEAT_... bit N"
 * @reason: one sentence
 * @word: the feature word index, or -1
 * @mask: the bits in that word
 *
 * The strings live as long as the result.
 */
struct kvmcpu_notice {
	enum kvmcpu_notice_kind kind;
	const char *subject;
	const char *reason;
	int word;
	uint64_t mask;
};

/**
 * kvmcpu_result_notice_count() - the number of notices
 * @r: the result
 *
 * Return: the count, 0 when @r is NULL.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API size_t kvmcpu_result_notice_count(const struct kvmcpu_result *r);

/**
 * kvmcpu_result_notice_at() - one notice, in the order the resolver made them
 * @r: the result
 * @i: 0 <= @i < kvmcpu_result_notice_count()
 *
 * Return: the notice, valid until kvmcpu_result_free(); NULL when @r is NULL
 * or @i is out of range.
 * Thread safety: reads @r; any thread.
 */
KVMCPU_API const struct kvmcpu_notice *kvmcpu_result_notice_at(const struct kvmcpu_result *r,
							       size_t i);

/**
 * kvmcpu_notice_kind_name() - the short name of a notice kind
 * @kind: the kind
 *
 * Return: a static "dropped", "dependency", "forced", "user", "hv-dropped",
 * "warning", or "unknown" for a value outside the enum; never NULL.
 * Thread safety: any thread.
 */
KVMCPU_API const char *kvmcpu_notice_kind_name(enum kvmcpu_notice_kind kind);

/**
 * kvmcpu_result_apply() - apply the result to one vCPU
 * @r: the result
 * @vcpu_fd: the vCPU's file descriptor (KVM_CREATE_VCPU), owned by the caller
 * @vcpu_index: the vCPU's index in the topology: its table is
 *              kvmcpu_result_cpuid_vcpu()'s, and per-vCPU MSRs
 *              (HV_X64_MSR_VP_INDEX) get it
 * @err: error record, or NULL; the message names the ioctl, the leaf,
 *       capability or MSR, and the errno text
 *
 * In the order the KVM API requires: capabilities marked before_cpuid,
 * KVM_SET_CPUID2, the remaining capabilities, then KVM_SET_MSRS one MSR at a
 * time. Stops at the first failure; the vCPU is then partly configured and
 * should be discarded. Call it before the vCPU first runs (KVM refuses
 * KVM_SET_CPUID2 changes after KVM_RUN), once per vCPU.
 *
 * Return: 0 on success; -EINVAL when @r is NULL or @vcpu_index is outside the
 * topology; -EBADF when @vcpu_fd is negative; -ENOMEM; or the negated errno of the failing ioctl (-EINVAL for a
 * value KVM rejects, -EPERM for AMX state the process may not use, ...).
 * Thread safety: reads @r; any thread, concurrently for different vCPUs.
 */
KVMCPU_API int kvmcpu_result_apply(const struct kvmcpu_result *r, int vcpu_fd, unsigned vcpu_index,
				   struct kvmcpu_error *err);

#ifdef __cplusplus
}
#endif
#endif
