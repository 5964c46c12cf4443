/* SPDX-License-Identifier: MIT */
#ifndef KC_HOST_PRIV_H
#define KC_HOST_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kvmcpu/host.h"
#include "model/words.gen.h"

struct kc_host_cap {
	char name[48];
	int64_t value;
};

struct kc_host_msr {
	uint32_t index;
	uint64_t value;
};

struct kvmcpu_host {
	struct kvmcpu_cpuid_entry *cpuid; /* sorted by (function, index) */
	size_t ncpuid, capcpuid;
	struct kvmcpu_cpuid_entry *hv; /* supported Hyper-V CPUID */
	size_t nhv, caphv;
	bool hv_cpuid_known; /* KVM_GET_SUPPORTED_HV_CPUID was asked (or recorded) */
	struct kc_host_cap *caps;
	size_t ncaps, capcaps;
	struct kc_host_msr *msrs; /* sorted by index */
	size_t nmsrs, capmsrs;
	char origin[256];
	char kernel[128];
	char module[32];
	char vendor[13];
	enum kvmcpu_host_kind kind; /* what the CPUID describes: KVM's report or a raw dump */
	const char *source_format; /* kvmcpu_host_source_format; NULL for a host built by hand */
	uint32_t tsc_khz; /* KVM_GET_TSC_KHZ of a scratch vCPU, 0 when unknown */
	uint64_t words[KC_NWORDS]; /* kc_host_words, computed once a host is complete */
	bool words_valid;
};

/* The entries of leaf @fn (all its subleaves): *count of them from the returned one. */
const struct kvmcpu_cpuid_entry *kc_host_cpuid_leaf(const struct kvmcpu_host *h, uint32_t fn,
						    size_t *count);

/* Register value of a supported CPUID word; 0 when the leaf is absent. */
uint32_t kc_host_cpuid_reg(const struct kvmcpu_host *h, uint32_t fn, uint32_t idx, int reg);

/*
 * The host's feature words (QEMU's form: the allowed-1 half for VMX controls).
 * Loaders call kc_host_finish once a host is complete; any later change drops the cache.
 */
void kc_host_words(const struct kvmcpu_host *h, uint64_t words[KC_NWORDS]);
void kc_host_finish(struct kvmcpu_host *h);
/* Host MSR word value as QEMU's feature word holds it. */
uint64_t kc_msr_word_from_value(unsigned word, uint64_t value);

/* The kind named @name ("kvm", "raw-cpuid", @len bytes); false when unknown. */
bool kc_host_kind_parse(const char *name, size_t len, enum kvmcpu_host_kind *kind);

/*
 * The bits KVM itself sets or synthesizes for its guests on a processor whose raw
 * CPUID dump @h is (src/host/kvm-synth.c): added to the host's feature words of a
 * KVMCPU_HOST_RAW_CPUID host, so that such a dump stands for what KVM would report.
 */
void kc_kvm_synth_words(const struct kvmcpu_host *h, uint64_t words[KC_NWORDS]);
/* A feature MSR the host offers: recorded, or emulated by KVM on a raw dump's processor. */
bool kc_host_has_msr(const struct kvmcpu_host *h, uint32_t index);

/*
 * Recordings of other tools (src/host/import-*.c): when @data is one of them, parses
 * it into @h, sets h->source_format and the kind, and returns 0 or an error; returns
 * 1 when no importer recognises the content.
 */
int kc_host_import(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		   struct kvmcpu_error *err);

/*
 * The unchecked forms of kvmcpu_host_new, kvmcpu_host_add_* and
 * kvmcpu_host_set_info the loaders use: a negative errno, no error record.
 */
struct kvmcpu_host *kc_host_new(void);
int kc_host_add_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e);
int kc_host_add_hv_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e);
int kc_host_add_cap(struct kvmcpu_host *h, const char *name, int64_t value);
int kc_host_add_msr(struct kvmcpu_host *h, uint32_t index, uint64_t value);
int kc_host_set_info(struct kvmcpu_host *h, const char *origin, const char *kernel,
		     const char *module);
/* kvmcpu_host_save to a stdio stream. */
int kc_host_save_file(const struct kvmcpu_host *h, FILE *out, enum kvmcpu_host_format format,
		      struct kvmcpu_error *err);

/* Marks that the host's Hyper-V CPUID is known (even when empty). */
void kc_host_set_hv_known(struct kvmcpu_host *h, bool known);

/*
 * What a recording may hold at most. KVM itself returns and accepts at most
 * KVM_MAX_CPUID_ENTRIES (256) CPUID entries; the others are far above any
 * kernel's count and only keep a hostile file from costing time and memory.
 */
#define KC_HOST_MAX_CPUID 256
#define KC_HOST_MAX_HV_CPUID 64
#define KC_HOST_MAX_CAPS 1024
#define KC_HOST_MAX_MSRS 1024

/* One item a loader read, and where (a line number or an array index). */
struct kc_host_cpuid_in {
	struct kvmcpu_cpuid_entry e;
	size_t where;
};
struct kc_host_cap_in {
	char name[48];
	int64_t value;
	size_t where;
};
struct kc_host_msr_in {
	uint32_t index;
	uint64_t value;
	size_t where;
};

/*
 * A loader's whole table at once: sorted in O(n log n) rather than inserted
 * entry by entry, replacing what the host held. When a key repeats, returns
 * -EEXIST with dup[0] and dup[1] the `where` of the earliest repeat and of its
 * first occurrence, and leaves the host unchanged. The arrays are reordered.
 * Capabilities keep their input order.
 */
int kc_host_put_cpuid(struct kvmcpu_host *h, bool hv, struct kc_host_cpuid_in *v, size_t n,
		      size_t dup[2]);
int kc_host_put_caps(struct kvmcpu_host *h, const struct kc_host_cap_in *v, size_t n,
		     size_t dup[2]);
int kc_host_put_msrs(struct kvmcpu_host *h, struct kc_host_msr_in *v, size_t n, size_t dup[2]);

/*
 * The one language both recorded formats accept, so that each can write what
 * the other read: a capability name is KVM_CAP_ and at least one of A-Z, 0-9
 * and _ (at most 47 characters); a kernel release or module name is printable
 * ASCII without space or '#', shorter than @size.
 */
bool kc_host_cap_name_ok(const char *s, size_t len);
bool kc_host_word_ok(const char *s, size_t len, size_t size);

#endif
