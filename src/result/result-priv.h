/* SPDX-License-Identifier: MIT */
/* The result object and the builder calls the resolver and the Hyper-V module use. */
#ifndef KC_RESULT_PRIV_H
#define KC_RESULT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/topology.h"
#include "kvmcpu/result.h"
#include "model/model-priv.h"

#define KC_MAX_ENTRIES 256
#define KC_MAX_MSRS 64
#define KC_MAX_CAPS 16

struct kvmcpu_result {
	struct kvmcpu_cpuid_entry entries[KC_MAX_ENTRIES]; /* sorted by (function, index) */
	size_t nentries;
	struct kvmcpu_msr msrs[KC_MAX_MSRS];
	size_t nmsrs;
	struct kvmcpu_cap caps[KC_MAX_CAPS];
	size_t ncaps;
	struct kvmcpu_notice *notices;
	size_t nnotices, capnotices;
	struct kc_text_chunk *texts; /* formatted notice strings, freed with the result */
	const struct kvmcpu_model *model;
	uint64_t words[KC_NWORDS]; /* guest feature words */
	/*
	 * The table above is vCPU 0's. Another vCPU's differs only in the fields
	 * that carry its APIC ID and place in the topology; vcpu_patch (result.c)
	 * writes them into a copy.
	 */
	struct kc_topology topo;
};

/*
 * Sets (adds or replaces) the entry (function, index). Returns a pointer to it
 * or NULL when the table is full. Keeps the table sorted.
 */
struct kvmcpu_cpuid_entry *kc_result_set(struct kvmcpu_result *r, uint32_t function, uint32_t index,
					 uint32_t flags, uint32_t eax, uint32_t ebx, uint32_t ecx,
					 uint32_t edx);
/* The entry or NULL (mutable). */
struct kvmcpu_cpuid_entry *kc_result_get(struct kvmcpu_result *r, uint32_t function,
					 uint32_t index);
/* Removes the entry; no-op when absent. */
void kc_result_remove(struct kvmcpu_result *r, uint32_t function, uint32_t index);

/* Appends an MSR to the plan (replacing an earlier value of the same index). -ENOSPC when full. */
int kc_result_add_msr(struct kvmcpu_result *r, uint32_t index, uint64_t value, const char *name,
		      bool per_vcpu_index);
/* Appends a capability to the plan. -ENOSPC when full. */
int kc_result_add_cap(struct kvmcpu_result *r, const struct kvmcpu_cap *cap);
/*
 * Records an explained change whose @subject and @reason are static strings
 * (feature names, fixed texts): they are not copied. -ENOMEM on failure.
 */
int kc_result_notice_text(struct kvmcpu_result *r, enum kvmcpu_notice_kind kind, int word,
			  uint64_t mask, const char *subject, const char *reason);
/* A copy of @text that lives as long as @r, or NULL when out of memory. */
const char *kc_result_keep(struct kvmcpu_result *r, const char *text);
/* Allocates an empty result. */
struct kvmcpu_result *kc_result_new(void);
/* Records an explained change; @subject and the formatted reason are copied. */
int kc_result_notice(struct kvmcpu_result *r, enum kvmcpu_notice_kind kind, int word, uint64_t mask,
		     const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif
