/* SPDX-License-Identifier: MIT */
/*
 * The cluster layer (kvmcpu/cluster.h): questions about many hosts, answered
 * above kvmcpu_resolve() from recordings alone.
 */
#ifndef KC_CLUSTER_PRIV_H
#define KC_CLUSTER_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kvmcpu/cluster.h"
#include "kvmcpu/hv.h"
#include "kvmcpu/result.h"
#include "model/model-priv.h"

/* A growing list of differences; every string is a copy it owns. */
struct kvmcpu_diff_list {
	struct kvmcpu_diff *items;
	size_t n, cap;
	size_t nblocking;
};

/* Appends a difference (the strings are copied; NULL reads as ""). 0 or -ENOMEM. */
int kc_diff_add(struct kvmcpu_diff_list *l, enum kvmcpu_diff_kind kind, bool blocking,
		const char *subject, const char *a, const char *b, const char *reason,
		const char *fix);
/* The same with a printf-formatted subject. */
int kc_diff_addf(struct kvmcpu_diff_list *l, enum kvmcpu_diff_kind kind, bool blocking,
		 const char *a, const char *b, const char *reason, const char *fix,
		 const char *subject_fmt, ...) __attribute__((format(printf, 8, 9)));
/* Frees the items, not the list itself. */
void kc_diff_clear(struct kvmcpu_diff_list *l);

/*
 * The feature words a config asks every host for (the model's own features and
 * the +feature modifiers, after KVM's rules and the dependencies): the bits whose
 * absence means the host does not run the config. All zero for host/max.
 */
int kc_cluster_required(const struct kvmcpu_config *cfg, uint64_t req[KC_NWORDS]);

/*
 * CPUID fields that describe the machine rather than the CPU a model defines:
 * cache and TLB descriptors, topology, frequencies, APIC IDs and core counts.
 * A guest reads them at boot; they may differ between hosts of one cluster.
 * Returns the reason, or NULL when (@fn, @reg) is a model's field.
 */
const char *kc_cluster_machine_field(uint32_t fn, enum kvmcpu_reg reg);

/* The physical address width a host gives (0x80000008 EAX[7:0], 36 without the leaf). */
unsigned kc_cluster_phys_bits(const struct kvmcpu_host *h);

/*
 * The Hyper-V flags a resolved guest has, one bit per kvmcpu_hv_flag_at() index
 * (the first 32): each of the flag's guest bits is set, apart from those another
 * flag it has takes away (avic clears vapic's hint). 0 without Hyper-V leaves.
 */
uint32_t kc_cluster_hv_flags(const struct kvmcpu_result *r);

/* A loaded host to and from the baseline's temporary file (src/cluster/spill.c). */
int kc_spill_write(FILE *f, const struct kvmcpu_host *h);
int kc_spill_read(FILE *f, struct kvmcpu_host **out);

/* Orders models newest first (kvmcpu_model_generation, then version, then name). */
int kc_cluster_model_cmp_newest(const struct kvmcpu_model *a, const struct kvmcpu_model *b);

#endif
