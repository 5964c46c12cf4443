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
 * kvmcpu_host_set_new() - an empty set of host recordings
 * @out: receives the new set; left alone on failure
 * @err: error record, or NULL
 *
 * Return: 0 on success; -EINVAL when @out is NULL; -ENOMEM. The caller frees
 * *@out with kvmcpu_host_set_free().
 * Thread safety: any thread; creates a new object.
 */
KVMCPU_API int kvmcpu_host_set_new(struct kvmcpu_host_set **out, struct kvmcpu_error *err);

/**
 * kvmcpu_host_set_add() - add a recording, or every recording in a directory
 * @set: the set
 * @path: a host file (JSON or text), or a directory: then every regular file
 *        whose name ends in ".json" or ".txt" inside it (not below, not hidden
 *        ones), in name order; the path is copied
 * @err: error record, or NULL; the message names the path at fault
 *
 * Nothing is loaded yet; the file is only checked to be readable.
 *
 * Return: 0 on success; -EINVAL when @set or @path is NULL or @path is empty;
 * -ENOENT/-EACCES (the negated errno of stat(), opendir() or access()) when
 * @path cannot be read; -ENOENT when a directory holds no recording; -EEXIST
 * when the same file (device and inode) is already in the set; -ENOMEM. A
 * directory's files before the failing one stay in the set.
 * Thread safety: writes @set; no other thread may use @set meanwhile.
 */
KVMCPU_API int kvmcpu_host_set_add(struct kvmcpu_host_set *set, const char *path,
				   struct kvmcpu_error *err);

/**
 * kvmcpu_host_set_count() - the number of recordings in the set
 * @set: the set
 *
 * Return: the count; 0 when @set is NULL.
 * Thread safety: reads @set; any thread, while no other thread writes it.
 */
KVMCPU_API size_t kvmcpu_host_set_count(const struct kvmcpu_host_set *set);

/**
 * kvmcpu_host_set_path() - the path of one recording
 * @set: the set
 * @i: 0 .. kvmcpu_host_set_count() - 1, in the order they were added
 *
 * Return: the path (a directory's files as "DIR/NAME"), valid until the next
 * kvmcpu_host_set_add() or the set's release (kvmcpu_host_set_free()); NULL
 * when @set is NULL or @i is out of range.
 * Thread safety: reads @set; any thread, while no other thread writes it.
 */
KVMCPU_API const char *kvmcpu_host_set_path(const struct kvmcpu_host_set *set, size_t i);

/**
 * kvmcpu_host_set_load() - load one recording (kvmcpu_host_load())
 * @set: the set
 * @i: 0 .. kvmcpu_host_set_count() - 1
 * @out: receives the new host; the caller frees it with kvmcpu_host_free()
 * @err: error record, or NULL
 *
 * Return: 0 on success; -ERANGE when @set is NULL or @i is out of range;
 * otherwise what kvmcpu_host_load() returns (-EINVAL when @out is NULL or the
 * content is not a valid host, the negated errno when the file cannot be
 * read, -ENOMEM).
 * Thread safety: reads @set; any thread, while no other thread writes it;
 * creates a new host.
 */
KVMCPU_API int kvmcpu_host_set_load(const struct kvmcpu_host_set *set, size_t i,
				    struct kvmcpu_host **out, struct kvmcpu_error *err);

/**
 * kvmcpu_host_set_free() - free a set
 * @set: the set; NULL does nothing
 *
 * Every path obtained from @set becomes invalid; hosts loaded from it stay valid.
 * Thread safety: no other thread may use @set during or after the call.
 */
KVMCPU_API void kvmcpu_host_set_free(struct kvmcpu_host_set *set);

/* ---- differences: what a check found ---- */

/** What a difference or a missing item is about. */
enum kvmcpu_diff_kind {
	KVMCPU_DIFF_FEATURE = 0, /* a named CPUID or MSR feature */
	KVMCPU_DIFF_CPUID, /* another CPUID field (a whole register) */
	KVMCPU_DIFF_HYPERV, /* a Hyper-V flag or leaf */
	KVMCPU_DIFF_CAP, /* a KVM capability or the vCPU capability plan */
	KVMCPU_DIFF_MSR, /* a feature MSR value or the MSR plan */
	KVMCPU_DIFF_TIME, /* the TSC frequency and what depends on it */
	KVMCPU_DIFF_ADDRESS, /* physical/virtual address sizes */
	KVMCPU_DIFF_HOST, /* kernel, module, vendor: the recording itself */
	KVMCPU_DIFF_ERROR, /* the config does not resolve at all on a host */
};

/** One difference. Every string is owned by the list it came from. */
struct kvmcpu_diff {
	enum kvmcpu_diff_kind kind;
	/* true: a guest would notice (a missing feature, a changed bit); false: informative. */
	bool blocking;
	const char *subject; /* "avx512vnni", "stimer_direct", "0x00000004.1.EAX", "KVM_CAP_HYPERV" */
	const char *a; /* the value on the first host ("yes", "0x1f", ...); "" when none */
	const char *b; /* the value on the second host; "" when none */
	const char *reason; /* why it matters */
	const char *fix; /* what to configure instead; "" when nothing */
};

/**
 * kvmcpu_diff_kind_name() - the short name of a difference kind
 * @kind: the kind
 *
 * Return: a static "feature", "cpuid", "hyperv", "cap", "msr", "time",
 * "address", "host", "error", or "?" for a value outside the enum; never NULL.
 * Thread safety: any thread.
 */
KVMCPU_API const char *kvmcpu_diff_kind_name(enum kvmcpu_diff_kind kind);

/* ---- fit: does one host run a config ---- */

struct kvmcpu_fit;

/**
 * kvmcpu_fit_check() - whether a host runs a config unchanged
 * @cfg: the config (CPU spec, Hyper-V spec, nested_virt); only read
 * @host: the host; only read
 * @out: receives the verdict, freed with kvmcpu_fit_free(); left alone on failure
 * @err: error record, or NULL
 *
 * A host runs a config when resolving it there drops nothing: none of the
 * features the model, KVM's rules or a +feature modifier ask for (the DROPPED
 * notices, as `kvmcpu models` counts them) and none of the spec's Hyper-V
 * flags. Each missing item is a blocking kvmcpu_diff with its reason; a config
 * that does not resolve at all on the host is one KVMCPU_DIFF_ERROR item
 * (subject: the CPU spec; reason and fix: the resolve error's message and hint).
 *
 * Return: 0 whatever the verdict; -EINVAL when @cfg, @host or @out is NULL;
 * -ENOMEM. The caller frees *@out with kvmcpu_fit_free().
 * Thread safety: reads @cfg and @host; any thread, also concurrently on the
 * same @cfg and @host; creates a new object.
 */
KVMCPU_API int kvmcpu_fit_check(const struct kvmcpu_config *cfg, const struct kvmcpu_host *host,
				struct kvmcpu_fit **out, struct kvmcpu_error *err);
/**
 * kvmcpu_fit_ok() - whether the host runs the config
 * @fit: the verdict
 *
 * Return: true when there is no missing item; false when there is one, or
 * when @fit is NULL.
 * Thread safety: reads @fit; any thread.
 */
KVMCPU_API bool kvmcpu_fit_ok(const struct kvmcpu_fit *fit);
/**
 * kvmcpu_fit_count() - the number of missing items
 * @fit: the verdict
 *
 * Return: the count; 0 when @fit is NULL.
 * Thread safety: reads @fit; any thread.
 */
KVMCPU_API size_t kvmcpu_fit_count(const struct kvmcpu_fit *fit);
/**
 * kvmcpu_fit_at() - one missing item, in the order the resolver dropped them
 * @fit: the verdict
 * @i: 0 .. kvmcpu_fit_count() - 1
 *
 * Return: the item and its strings, valid until kvmcpu_fit_free(); NULL when
 * @fit is NULL or @i is out of range.
 * Thread safety: reads @fit; any thread.
 */
KVMCPU_API const struct kvmcpu_diff *kvmcpu_fit_at(const struct kvmcpu_fit *fit, size_t i);
/**
 * kvmcpu_fit_free() - free a verdict
 * @fit: the verdict; NULL does nothing
 *
 * Every item obtained from @fit becomes invalid.
 * Thread safety: no other thread may use @fit during or after the call.
 */
KVMCPU_API void kvmcpu_fit_free(struct kvmcpu_fit *fit);

/* ---- differences between two hosts ---- */

struct kvmcpu_diff_list;

/**
 * kvmcpu_migration_check() - whether a guest started on one host sees the same CPU on another
 * @cfg: the guest's config; only read
 * @from: the source host; only read
 * @to: the target host; only read
 * @out: receives the differences, freed with kvmcpu_diff_list_free(); left
 *       alone on failure
 * @err: error record, or NULL
 *
 * Resolves @cfg on both hosts and compares the complete guest CPUID tables
 * (feature bits by name, other fields by register), the Hyper-V leaves (by
 * flag), the MSR plans and the vCPU capability plans. Timekeeping: an invariant
 * TSC or the Hyper-V frequency MSRs between hosts of different TSC rates, when
 * the target cannot scale (KVM_CAP_TSC_CONTROL), are blocking differences.
 * Fields that describe the machine rather than the CPU model (cache and TLB
 * descriptors, topology, frequencies) are reported as non-blocking. Every
 * vCPU's table is compared; a difference all vCPUs share is listed once.
 *
 * Return: 0 whatever was found; the config's resolve error (kvmcpu_resolve())
 * when it does not resolve on @from (on @to that is a blocking
 * KVMCPU_DIFF_ERROR item instead); -EINVAL when @cfg, @from, @to or @out is
 * NULL; -ENOMEM. The caller frees *@out with kvmcpu_diff_list_free().
 * Thread safety: reads @cfg, @from and @to; any thread, also concurrently on
 * the same arguments; creates a new object.
 */
KVMCPU_API int kvmcpu_migration_check(const struct kvmcpu_config *cfg,
				      const struct kvmcpu_host *from, const struct kvmcpu_host *to,
				      struct kvmcpu_diff_list **out, struct kvmcpu_error *err);

/**
 * kvmcpu_host_diff() - every difference between two recordings
 * @a: the first host; only read
 * @b: the second host; only read
 * @out: receives the differences, freed with kvmcpu_diff_list_free(); left
 *       alone on failure
 * @err: error record, or NULL
 *
 * In this order: CPUID features by name, other CPUID registers, Hyper-V CPUID,
 * capabilities, feature MSRs, TSC frequency, vendor/kernel/module. Every item
 * is blocking.
 *
 * Return: 0 whatever was found (an empty list when the recordings agree);
 * -EINVAL when @a, @b or @out is NULL; -ENOMEM. The caller frees *@out with
 * kvmcpu_diff_list_free().
 * Thread safety: reads @a and @b; any thread; creates a new object.
 */
KVMCPU_API int kvmcpu_host_diff(const struct kvmcpu_host *a, const struct kvmcpu_host *b,
				struct kvmcpu_diff_list **out, struct kvmcpu_error *err);

/**
 * kvmcpu_diff_list_count() - the number of differences
 * @l: the list
 *
 * Return: the count; 0 when @l is NULL.
 * Thread safety: reads @l; any thread.
 */
KVMCPU_API size_t kvmcpu_diff_list_count(const struct kvmcpu_diff_list *l);
/**
 * kvmcpu_diff_list_blocking() - the number of blocking differences
 * @l: the list
 *
 * Return: how many items have blocking set; 0 when @l is NULL.
 * Thread safety: reads @l; any thread.
 */
KVMCPU_API size_t kvmcpu_diff_list_blocking(const struct kvmcpu_diff_list *l);
/**
 * kvmcpu_diff_list_at() - one difference, in the order the check found them
 * @l: the list
 * @i: 0 .. kvmcpu_diff_list_count() - 1
 *
 * Return: the difference and its strings, valid until kvmcpu_diff_list_free();
 * NULL when @l is NULL or @i is out of range.
 * Thread safety: reads @l; any thread.
 */
KVMCPU_API const struct kvmcpu_diff *kvmcpu_diff_list_at(const struct kvmcpu_diff_list *l,
							 size_t i);
/**
 * kvmcpu_diff_list_free() - free a list of differences
 * @l: the list; NULL does nothing
 *
 * Every difference obtained from @l becomes invalid.
 * Thread safety: no other thread may use @l during or after the call.
 */
KVMCPU_API void kvmcpu_diff_list_free(struct kvmcpu_diff_list *l);

/* ---- baseline: what a whole cluster should configure ---- */

struct kvmcpu_baseline;

/**
 * kvmcpu_baseline_new() - start a baseline
 * @cfg: the Hyper-V spec and nested_virt of the guests (its CPU spec is
 *       ignored); NULL for no Hyper-V and no nesting. Copied: the config may be
 *       freed after this call.
 * @out: receives the baseline, freed with kvmcpu_baseline_free(); left alone
 *       on failure
 * @err: error record, or NULL
 *
 * Then: kvmcpu_baseline_add() for every host, kvmcpu_baseline_solve() once,
 * kvmcpu_baseline_prove_all() (or kvmcpu_baseline_prove() for every host again,
 * in any order), and kvmcpu_baseline_proven() to read the verdict.
 *
 * Return: 0 on success; -EINVAL when @out is NULL (or the error of setting
 * @cfg's Hyper-V spec on the baseline's own config); -ENOMEM. The caller
 * frees *@out with kvmcpu_baseline_free().
 * Thread safety: reads @cfg; any thread; creates a new object.
 */
KVMCPU_API int kvmcpu_baseline_new(const struct kvmcpu_config *cfg, struct kvmcpu_baseline **out,
				   struct kvmcpu_error *err);

/**
 * kvmcpu_baseline_add() - fold one host into the baseline
 * @b: the baseline, before kvmcpu_baseline_solve()
 * @host: the host; only read during the call, and may be freed right after it
 * @err: error record, or NULL
 *
 * Return: 0 on success; -EINVAL when @b or @host is NULL or @b is already
 * solved; with a Hyper-V spec (or nested_virt), the kvmcpu_resolve() error of
 * a host on which it does not resolve (-EOPNOTSUPP ...), and the host is then
 * not added; -ENOMEM.
 * Thread safety: writes @b, reads @host; no other thread may use @b meanwhile.
 */
KVMCPU_API int kvmcpu_baseline_add(struct kvmcpu_baseline *b, const struct kvmcpu_host *host,
				   struct kvmcpu_error *err);

/**
 * kvmcpu_baseline_solve() - compute the answers from the hosts added
 * @b: the baseline, with at least one host
 * @err: error record, or NULL
 *
 * Call it once: after it, kvmcpu_baseline_add() and kvmcpu_baseline_solve()
 * refuse @b, whatever this call returned (unless -EINVAL or -ENODATA: those
 * leave @b as it was).
 *
 * Return: 0 on success; -EINVAL when @b is NULL or already solved; -ENODATA
 * when no host was added; -ENOENT when no model at all runs on every host (the
 * ladder, kvmcpu_baseline_rung_at(), says why); -ENOMEM.
 * Thread safety: writes @b; no other thread may use @b meanwhile.
 */
KVMCPU_API int kvmcpu_baseline_solve(struct kvmcpu_baseline *b, struct kvmcpu_error *err);

/**
 * kvmcpu_baseline_prove() - check the answers on one host
 * @b: the solved baseline
 * @host: one of the hosts added (all of them must be proven); only read
 * @err: error record, or NULL
 *
 * Resolves each answer (model, spec, psABI level, with the pinned Hyper-V spec)
 * on @host: it must drop nothing, and its guest table must equal that of the
 * first host proven, except the fields that describe the machine (cache and
 * topology leaves, frequencies, address sizes: the VMM pins those). A failure
 * is kept for kvmcpu_baseline_proven(), not returned; the first one is kept.
 *
 * Return: 0 when the host was checked, whatever the check found; -EINVAL when
 * @b or @host is NULL or @b is not solved; -ENOMEM (the host then does not
 * count as proven).
 * Thread safety: writes @b, reads @host; no other thread may use @b meanwhile.
 */
KVMCPU_API int kvmcpu_baseline_prove(struct kvmcpu_baseline *b, const struct kvmcpu_host *host,
				     struct kvmcpu_error *err);

/**
 * kvmcpu_baseline_prove_all() - prove the answers on every host added, again
 * @b: the solved baseline
 * @err: error record, or NULL
 *
 * kvmcpu_baseline_add() keeps a copy of each host, as loaded, in an unlinked
 * temporary file (about 5 KiB a host, never in memory); this call reads them
 * back one at a time and proves each (kvmcpu_baseline_prove()), so that the
 * recordings need not be parsed twice. Call it once.
 *
 * Return: 0 (the verdict is kvmcpu_baseline_proven()'s); -ENODATA when the
 * copies could not be kept or read back: then prove every host with
 * kvmcpu_baseline_prove(); -EINVAL when @b is NULL or not solved; -ENOMEM.
 * Thread safety: writes @b; no other thread may use @b meanwhile.
 */
KVMCPU_API int kvmcpu_baseline_prove_all(struct kvmcpu_baseline *b, struct kvmcpu_error *err);

/**
 * kvmcpu_baseline_proven() - the proof's verdict
 * @b: the baseline, after every host was proven
 * @err: receives the first failure (host, answer, field), or NULL
 *
 * Return: 0 when every answer held on every host and as many hosts were proven
 * as were added; -EPROTO with the failure otherwise; -EINVAL when @b is NULL
 * or not solved.
 * Thread safety: reads @b; any thread, while no other thread writes it.
 */
KVMCPU_API int kvmcpu_baseline_proven(const struct kvmcpu_baseline *b, struct kvmcpu_error *err);

/**
 * kvmcpu_baseline_host_count() - the number of hosts added
 * @b: the baseline
 *
 * Return: the count; 0 when @b is NULL.
 * Thread safety: reads @b; any thread, while no other thread writes it.
 */
KVMCPU_API size_t kvmcpu_baseline_host_count(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_vendor() - the hosts' common CPUID vendor
 * @b: the solved baseline
 *
 * Return: the vendor ("GenuineIntel"), or "" when they differ (the answers are
 * then vendor-neutral), before solve, or when @b is NULL; valid until
 * kvmcpu_baseline_free(); never NULL.
 * Thread safety: reads @b; any thread, while no other thread writes it.
 */
KVMCPU_API const char *kvmcpu_baseline_vendor(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_model() - the newest named model that runs unchanged on every host
 * @b: the solved baseline
 *
 * "Newest" is the order of kvmcpu_model_generation(). Vendor-neutral answers
 * name an x86-64 psABI level model. When KVM's rules add features to every
 * model that some recordings lack, the name is followed by "+no_..." modifiers
 * for them.
 *
 * Return: the model spec, "" when none, before solve, or when @b is NULL;
 * valid until kvmcpu_baseline_free(); never NULL.
 * Thread safety: reads @b; any thread, while no other thread writes it.
 */
KVMCPU_API const char *kvmcpu_baseline_model(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_spec() - the richest CPU every host gives
 * @b: the solved baseline
 *
 * A base model and the fewest +feature/+no_feature modifiers that expose every
 * feature all hosts share and the vendor's models know.
 *
 * Return: the CPU spec; "" before solve or when @b is NULL; valid until
 * kvmcpu_baseline_free(); never NULL.
 * Thread safety: reads @b; any thread, while no other thread writes it.
 */
KVMCPU_API const char *kvmcpu_baseline_spec(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_psabi() - the highest x86-64 psABI level every host runs
 * @b: the solved baseline
 *
 * Return: the level ("x86-64-v3"), "" when none, before solve, or when @b is
 * NULL; valid until kvmcpu_baseline_free(); never NULL.
 * Thread safety: reads @b; any thread, while no other thread writes it.
 */
KVMCPU_API const char *kvmcpu_baseline_psabi(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_phys_bits() - the smallest physical address width of the hosts
 * @b: the baseline
 *
 * Return: the width in bits (CPUID 0x80000008 EAX[7:0]; 36 for a host without
 * that leaf); 0 when no host was added or @b is NULL.
 * Thread safety: reads @b; any thread, while no other thread writes it.
 */
KVMCPU_API unsigned kvmcpu_baseline_phys_bits(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_hv() - the Hyper-V flag set every host supports
 * @b: the solved baseline
 *
 * Return: an explicit spec ("none+hypercall+vpindex+..."), valid until
 * kvmcpu_baseline_free(); NULL without a Hyper-V spec (and without
 * nested_virt), before solve, or when @b is NULL.
 * Thread safety: reads @b; any thread, while no other thread writes it.
 */
KVMCPU_API const char *kvmcpu_baseline_hv(const struct kvmcpu_baseline *b);

/**
 * kvmcpu_baseline_note_count() - the number of messages to show with the answer
 * @b: the baseline
 *
 * The messages say why the answer is vendor-neutral, which auto-detected
 * Hyper-V flags differ, which machine fields the VMM must pin.
 *
 * Return: the count; 0 when @b is NULL.
 * Thread safety: reads @b; any thread, while no other thread writes it.
 */
KVMCPU_API size_t kvmcpu_baseline_note_count(const struct kvmcpu_baseline *b);
/**
 * kvmcpu_baseline_note_at() - one message
 * @b: the baseline
 * @i: 0 .. kvmcpu_baseline_note_count() - 1
 *
 * The last message, on the machine fields, is written into @b when asked for.
 *
 * Return: the message, valid until kvmcpu_baseline_free(); NULL when @b is
 * NULL or @i is out of range.
 * Thread safety: one thread at a time per @b (it may write @b's note buffer),
 * while no other thread writes @b.
 */
KVMCPU_API const char *kvmcpu_baseline_note_at(const struct kvmcpu_baseline *b, size_t i);

/** One rejected newer model: who rules it out, and with what. */
struct kvmcpu_rung {
	const char *model; /* "Cascadelake-Server-v5" */
	size_t nhosts; /* how many hosts lack something it needs */
	const char *hosts; /* up to three of them, one per line ('\n' between) */
	const char *features; /* what they lack, space-separated */
};

/**
 * kvmcpu_baseline_rung_count() - the number of rejected models newer than the model answer
 * @b: the solved baseline
 *
 * The models are of the cluster's vendor (psABI levels above the answer when
 * it is vendor-neutral): the ladder an operator climbs by retiring hosts.
 *
 * Return: the count; 0 before solve or when @b is NULL.
 * Thread safety: reads @b; any thread, while no other thread writes it.
 */
KVMCPU_API size_t kvmcpu_baseline_rung_count(const struct kvmcpu_baseline *b);
/**
 * kvmcpu_baseline_rung_at() - one rung of the ladder, the next newer model first
 * @b: the solved baseline
 * @i: 0 .. kvmcpu_baseline_rung_count() - 1
 *
 * Return: the rung and its strings, valid until kvmcpu_baseline_free(); NULL
 * when @b is NULL or @i is out of range.
 * Thread safety: reads @b; any thread, while no other thread writes it.
 */
KVMCPU_API const struct kvmcpu_rung *kvmcpu_baseline_rung_at(const struct kvmcpu_baseline *b,
							     size_t i);

/**
 * kvmcpu_baseline_free() - free a baseline
 * @b: the baseline; NULL does nothing
 *
 * Every string and rung obtained from @b becomes invalid, and the temporary
 * file of host copies is closed.
 * Thread safety: no other thread may use @b during or after the call.
 */
KVMCPU_API void kvmcpu_baseline_free(struct kvmcpu_baseline *b);

/**
 * kvmcpu_model_generation() - the order "newest" means
 * @m: a model (an alias counts as the model it names), or NULL
 *
 * Versions of one model share its generation and rank by version.
 *
 * Return: the year (times 100, plus a month) the model's processor generation
 * came out, as 201707; 0 for generic models (qemu64, kvm64, the psABI levels)
 * and when @m is NULL.
 * Thread safety: any thread; reads only constant tables.
 */
KVMCPU_API unsigned kvmcpu_model_generation(const struct kvmcpu_model *m);

#ifdef __cplusplus
}
#endif
#endif
