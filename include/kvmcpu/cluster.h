/* SPDX-License-Identifier: MIT */
#ifndef KVMCPU_CLUSTER_H
#define KVMCPU_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "host.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Cluster questions answered from host recordings alone (docs/cluster.md):
 *
 *   kvmcpu_host_set_*    which recordings: files and directories of them
 *   kvmcpu_fit_check     does one host run a config, and if not, what is missing
 *   kvmcpu_baseline_*    the richest CPU every host of a set can give, proven
 *   kvmcpu_migration_check  would a guest see the same CPU on two hosts
 *   kvmcpu_host_diff     every difference between two recordings
 *
 * The baseline is streamed: hosts are added one at a time and may be freed
 * right after, so memory does not grow with the number of hosts (a host set
 * keeps only the paths).
 *
 * Ownership: every handle here is created by the call that names it, owned by
 * the caller and released by its *_free() (which accepts NULL). A string or
 * struct returned by an accessor lives as long as the handle it came from.
 *
 * Thread safety: a handle is not locked. Different handles may be used from
 * different threads at the same time; one handle only from one thread at a
 * time. The hosts and configs passed in are only read.
 */

/* ---- host sets: the recordings a cluster command reads ---- */

struct kvmcpu_host_set;

/**
 * kvmcpu_host_set_new() - An empty set of host recordings.
 * @out: receives the set.
 * @err: error record, may be NULL.
 *
 * Return: 0, or -ENOMEM.
 */
KVMCPU_API int kvmcpu_host_set_new(struct kvmcpu_host_set **out, struct kvmcpu_error *err);

/**
 * kvmcpu_host_set_add() - Adds a recording, or every recording in a directory.
 * @set: the set.
 * @path: a host file (JSON or text), or a directory: then every regular file
 *        whose name ends in ".json" or ".txt" inside it (not below), in name order.
 * @err: error record, may be NULL.
 *
 * Nothing is loaded yet; the file is only checked to be readable.
 *
 * Return: 0; -ENOENT/-EACCES when @path cannot be read, -ENOENT when a directory
 * holds no recording, -EEXIST when the same file (device and inode) is already
 * in the set, -ENOMEM.
 */
KVMCPU_API int kvmcpu_host_set_add(struct kvmcpu_host_set *set, const char *path,
				   struct kvmcpu_error *err);

/** kvmcpu_host_set_count() - Number of recordings in the set (0 for NULL). */
KVMCPU_API size_t kvmcpu_host_set_count(const struct kvmcpu_host_set *set);

/**
 * kvmcpu_host_set_path() - The path of recording @i, or NULL when out of range.
 * The string is valid until the next kvmcpu_host_set_add() or the set's release.
 */
KVMCPU_API const char *kvmcpu_host_set_path(const struct kvmcpu_host_set *set, size_t i);

/**
 * kvmcpu_host_set_load() - Loads recording @i (kvmcpu_host_load()).
 * @set: the set.
 * @i: 0 .. kvmcpu_host_set_count() - 1.
 * @out: receives the host; the caller frees it with kvmcpu_host_free().
 * @err: error record, may be NULL.
 *
 * Return: 0, or what kvmcpu_host_load() returns; -ERANGE for a bad @i.
 */
KVMCPU_API int kvmcpu_host_set_load(const struct kvmcpu_host_set *set, size_t i,
				    struct kvmcpu_host **out, struct kvmcpu_error *err);

/** kvmcpu_host_set_free() - Releases the set. Accepts NULL. */
KVMCPU_API void kvmcpu_host_set_free(struct kvmcpu_host_set *set);

/* ---- differences: what a check found ---- */

/** What a difference or a missing item is about. */
enum kvmcpu_diff_kind {
	KVMCPU_DIFF_FEATURE = 0, /* a named CPUID or MSR feature */
	KVMCPU_DIFF_CPUID,       /* another CPUID field (a whole register) */
	KVMCPU_DIFF_HYPERV,      /* a Hyper-V flag or leaf */
	KVMCPU_DIFF_CAP,         /* a KVM capability or the vCPU capability plan */
	KVMCPU_DIFF_MSR,         /* a feature MSR value or the MSR plan */
	KVMCPU_DIFF_TIME,        /* the TSC frequency and what depends on it */
	KVMCPU_DIFF_ADDRESS,     /* physical/virtual address sizes */
	KVMCPU_DIFF_HOST,        /* kernel, module, vendor: the recording itself */
	KVMCPU_DIFF_ERROR,       /* the config does not resolve at all on a host */
};

/** One difference. Every string is owned by the list it came from. */
struct kvmcpu_diff {
	enum kvmcpu_diff_kind kind;
	/* true: a guest would notice (a missing feature, a changed bit); false: informative. */
	bool blocking;
	const char *subject; /* "avx512vnni", "stimer_direct", "0x00000004.1.EAX", "KVM_CAP_HYPERV" */
	const char *a;       /* the value on the first host ("yes", "0x1f", ...); "" when none */
	const char *b;       /* the value on the second host; "" when none */
	const char *reason;  /* why it matters */
	const char *fix;     /* what to configure instead; "" when nothing */
};

/** kvmcpu_diff_kind_name() - "feature", "cpuid", "hyperv", "cap", "msr", "time", "address", "host", "error". */
KVMCPU_API const char *kvmcpu_diff_kind_name(enum kvmcpu_diff_kind kind);

/* ---- fit: does one host run a config ---- */

struct kvmcpu_fit;

/**
 * kvmcpu_fit_check() - Whether @host runs @cfg unchanged.
 * @cfg: the config (CPU spec, Hyper-V spec, nested_virt).
 * @host: the host.
 * @out: receives the verdict, freed with kvmcpu_fit_free().
 * @err: error record, may be NULL.
 *
 * A host runs a config when resolving it there drops nothing: none of the
 * features the model, KVM's rules or a +feature modifier ask for (the DROPPED
 * notices, as `kvmcpu models` counts them) and none of the spec's Hyper-V flags. Each missing item is a blocking kvmcpu_diff with its reason; a config
 * that does not resolve at all on the host is one KVMCPU_DIFF_ERROR item.
 *
 * Return: 0 whatever the verdict; -EINVAL, -ENOMEM.
 */
KVMCPU_API int kvmcpu_fit_check(const struct kvmcpu_config *cfg, const struct kvmcpu_host *host,
				struct kvmcpu_fit **out, struct kvmcpu_error *err);
/** kvmcpu_fit_ok() - True when the host runs the config (no missing item). */
KVMCPU_API bool kvmcpu_fit_ok(const struct kvmcpu_fit *fit);
/** kvmcpu_fit_count() - Number of missing items. */
KVMCPU_API size_t kvmcpu_fit_count(const struct kvmcpu_fit *fit);
/** kvmcpu_fit_at() - Missing item @i, or NULL when out of range. */
KVMCPU_API const struct kvmcpu_diff *kvmcpu_fit_at(const struct kvmcpu_fit *fit, size_t i);
/** kvmcpu_fit_free() - Releases the verdict. Accepts NULL. */
KVMCPU_API void kvmcpu_fit_free(struct kvmcpu_fit *fit);

/* ---- differences between two hosts ---- */

struct kvmcpu_diff_list;

/**
 * kvmcpu_migration_check() - Would a guest started on @from see the same CPU on @to.
 * @cfg: the guest's config.
 * @from: the source host.
 * @to: the target host.
 * @out: receives the differences, freed with kvmcpu_diff_list_free().
 * @err: error record, may be NULL.
 *
 * Resolves @cfg on both hosts and compares the complete guest CPUID tables
 * (feature bits by name, other fields by register), the Hyper-V leaves (by
 * flag), the MSR plans and the vCPU capability plans. Timekeeping: an invariant
 * TSC or the Hyper-V frequency MSRs between hosts of different TSC rates, when
 * the target cannot scale (KVM_CAP_TSC_CONTROL), are blocking differences.
 * Fields that describe the machine rather than the CPU model (cache and TLB
 * descriptors, topology, frequencies) are reported as non-blocking.
 *
 * Return: 0 whatever was found; the config's resolve error when it does not
 * resolve on @from (on @to that is a blocking KVMCPU_DIFF_ERROR); -EINVAL, -ENOMEM.
 */
KVMCPU_API int kvmcpu_migration_check(const struct kvmcpu_config *cfg,
				      const struct kvmcpu_host *from,
				      const struct kvmcpu_host *to,
				      struct kvmcpu_diff_list **out, struct kvmcpu_error *err);

/**
 * kvmcpu_host_diff() - Every difference between two recordings.
 * @a: the first host.
 * @b: the second host.
 * @out: receives the differences, freed with kvmcpu_diff_list_free().
 * @err: error record, may be NULL.
 *
 * In this order: CPUID features by name, other CPUID registers, Hyper-V CPUID,
 * capabilities, feature MSRs, TSC frequency, vendor/kernel/module. Every item
 * is blocking.
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
KVMCPU_API int kvmcpu_host_diff(const struct kvmcpu_host *a, const struct kvmcpu_host *b,
				struct kvmcpu_diff_list **out, struct kvmcpu_error *err);

/** kvmcpu_diff_list_count() - Number of differences (0 for NULL). */
KVMCPU_API size_t kvmcpu_diff_list_count(const struct kvmcpu_diff_list *l);
/** kvmcpu_diff_list_blocking() - Number of blocking differences. */
KVMCPU_API size_t kvmcpu_diff_list_blocking(const struct kvmcpu_diff_list *l);
/** kvmcpu_diff_list_at() - Difference @i, or NULL when out of range. */
KVMCPU_API const struct kvmcpu_diff *kvmcpu_diff_list_at(const struct kvmcpu_diff_list *l,
							 size_t i);
/** kvmcpu_diff_list_free() - Releases the list. Accepts NULL. */
KVMCPU_API void kvmcpu_diff_list_free(struct kvmcpu_diff_list *l);

/* ---- baseline: what a whole cluster should configure ---- */

struct kvmcpu_baseline;

/**
 * kvmcpu_baseline_new() - Starts a baseline.
 * @cfg: the Hyper-V spec and nested_virt of the guests (its CPU spec is
 *       ignored); NULL for no Hyper-V and no nesting. Copied: the config may be
 *       freed after this call.
 * @out: receives the baseline, freed with kvmcpu_baseline_free().
 * @err: error record, may be NULL.
 *
 * Then: kvmcpu_baseline_add() for every host, kvmcpu_baseline_solve() once,
 * kvmcpu_baseline_prove_all() (or kvmcpu_baseline_prove() for every host again,
 * in any order), and kvmcpu_baseline_proven() to read the verdict.
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
KVMCPU_API int kvmcpu_baseline_new(const struct kvmcpu_config *cfg, struct kvmcpu_baseline **out,
				   struct kvmcpu_error *err);

/**
 * kvmcpu_baseline_add() - Folds one host into the baseline.
 * @b: the baseline, before kvmcpu_baseline_solve().
 * @host: the host; only read during the call.
 * @err: error record, may be NULL.
 *
 * Return: 0; -EINVAL after solve; with a Hyper-V spec, the error of a host on
 * which it does not resolve (-EOPNOTSUPP ...); -ENOMEM.
 */
KVMCPU_API int kvmcpu_baseline_add(struct kvmcpu_baseline *b, const struct kvmcpu_host *host,
				   struct kvmcpu_error *err);

/**
 * kvmcpu_baseline_solve() - Computes the answers from the hosts added.
 * @b: the baseline, with at least one host.
 * @err: error record, may be NULL.
 *
 * Return: 0; -ENODATA when no host was added; -ENOENT when no model at all
 * runs on every host (the ladder says why); -ENOMEM.
 */
KVMCPU_API int kvmcpu_baseline_solve(struct kvmcpu_baseline *b, struct kvmcpu_error *err);

/**
 * kvmcpu_baseline_prove() - Checks the answers on one host.
 * @b: the solved baseline.
 * @host: one of the hosts added (all of them must be proven).
 * @err: error record, may be NULL.
 *
 * Resolves each answer (model, spec, psABI level, with the pinned Hyper-V spec)
 * on @host: it must drop nothing, and its guest table must equal that of the
 * first host proven, except the fields that describe the machine (cache and
 * topology leaves, frequencies, address sizes: the VMM pins those). A failure
 * is kept for kvmcpu_baseline_proven(), not returned.
 *
 * Return: 0; -EINVAL before solve; -ENOMEM.
 */
KVMCPU_API int kvmcpu_baseline_prove(struct kvmcpu_baseline *b, const struct kvmcpu_host *host,
				     struct kvmcpu_error *err);

/**
 * kvmcpu_baseline_prove_all() - Proves the answers on every host added, again.
 * @b: the solved baseline.
 * @err: error record, may be NULL.
 *
 * kvmcpu_baseline_add() keeps a copy of each host, as loaded, in an unlinked
 * temporary file (about 5 KiB a host, never in memory); this call reads them
 * back one at a time and proves each (kvmcpu_baseline_prove()), so that the
 * recordings need not be parsed twice. Call it once.
 *
 * Return: 0 (the verdict is kvmcpu_baseline_proven()'s); -ENODATA when the
 * copies could not be kept or read back: then prove every host with
 * kvmcpu_baseline_prove(); -EINVAL before solve; -ENOMEM.
 */
KVMCPU_API int kvmcpu_baseline_prove_all(struct kvmcpu_baseline *b, struct kvmcpu_error *err);

/**
 * kvmcpu_baseline_proven() - The proof's verdict.
 * @b: the baseline, after every host was proven.
 * @err: receives the first failure (host, answer, field), may be NULL.
 *
 * Return: 0 when every answer held on every host and as many hosts were proven
 * as were added; -EPROTO with the failure otherwise.
 */
KVMCPU_API int kvmcpu_baseline_proven(const struct kvmcpu_baseline *b, struct kvmcpu_error *err);

/** kvmcpu_baseline_host_count() - Number of hosts added. */
KVMCPU_API size_t kvmcpu_baseline_host_count(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_vendor() - The hosts' common CPUID vendor ("GenuineIntel"),
 * or "" when they differ (the answers are then vendor-neutral).
 */
KVMCPU_API const char *kvmcpu_baseline_vendor(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_model() - The newest named model that runs unchanged on
 * every host, "" when none. "Newest" is the order of kvmcpu_model_generation().
 * Vendor-neutral answers name an x86-64 psABI level model.
 */
KVMCPU_API const char *kvmcpu_baseline_model(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_spec() - The richest CPU every host gives: a base model and
 * the fewest +feature/+no_feature modifiers that expose every feature all hosts
 * share and the vendor's models know.
 */
KVMCPU_API const char *kvmcpu_baseline_spec(const struct kvmcpu_baseline *b);

/** kvmcpu_baseline_psabi() - The highest x86-64 psABI level every host runs, "" when none. */
KVMCPU_API const char *kvmcpu_baseline_psabi(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_phys_bits() - The smallest physical address width of the
 * hosts (CPUID 0x80000008 EAX[7:0]; 36 for a host without that leaf).
 */
KVMCPU_API unsigned kvmcpu_baseline_phys_bits(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_hv() - The Hyper-V flag set every host supports as an
 * explicit spec ("none+hypercall+vpindex+..."), or NULL without a Hyper-V spec.
 */
KVMCPU_API const char *kvmcpu_baseline_hv(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_note_count() - Messages to show with the answer: why it is
 * vendor-neutral, which auto-detected Hyper-V flags differ, which machine
 * fields the VMM must pin.
 */
KVMCPU_API size_t kvmcpu_baseline_note_count(const struct kvmcpu_baseline *b);
/** kvmcpu_baseline_note_at() - Message @i, or NULL when out of range. */
KVMCPU_API const char *kvmcpu_baseline_note_at(const struct kvmcpu_baseline *b, size_t i);

/** One rejected newer model: who rules it out, and with what. */
struct kvmcpu_rung {
	const char *model;    /* "Cascadelake-Server-v5" */
	size_t nhosts;        /* how many hosts lack something it needs */
	const char *hosts;    /* up to three of them, one per line ('\n' between) */
	const char *features; /* what they lack, space-separated */
};

/**
 * kvmcpu_baseline_rung_count() - Number of rejected models newer than the
 * model answer, of the cluster's vendor (the ladder an operator climbs by
 * retiring hosts).
 */
KVMCPU_API size_t kvmcpu_baseline_rung_count(const struct kvmcpu_baseline *b);
/** kvmcpu_baseline_rung_at() - Rung @i, the next newer model first; NULL when out of range. */
KVMCPU_API const struct kvmcpu_rung *kvmcpu_baseline_rung_at(const struct kvmcpu_baseline *b,
							     size_t i);

/** kvmcpu_baseline_free() - Releases the baseline. Accepts NULL. */
KVMCPU_API void kvmcpu_baseline_free(struct kvmcpu_baseline *b);

/**
 * kvmcpu_model_generation() - The order "newest" means: the year (times 100,
 * plus a month) the model's processor generation came out, or 0 for
 * generic models (qemu64, kvm64, the psABI levels). Versions of one model share
 * its generation and rank by version.
 * @m: a model, or NULL (0).
 */
KVMCPU_API unsigned kvmcpu_model_generation(const struct kvmcpu_model *m);

#ifdef __cplusplus
}
#endif
#endif
