/* SPDX-License-Identifier: MIT */
#ifndef KC_HOST_PRIV_H
#define KC_HOST_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	struct kvmcpu_cpuid_entry *hv;    /* supported Hyper-V CPUID */
	size_t nhv, caphv;
	bool hv_cpuid_known;              /* KVM_GET_SUPPORTED_HV_CPUID was asked (or recorded) */
	struct kc_host_cap *caps;
	size_t ncaps, capcaps;
	struct kc_host_msr *msrs;         /* sorted by index */
	size_t nmsrs, capmsrs;
	char origin[256];
	char kernel[128];
	char module[32];
	char vendor[13];
	enum kvmcpu_host_kind kind;       /* what the CPUID describes: KVM's report or a raw dump */
	const char *source_format;        /* kvmcpu_host_source_format; NULL for a host built by hand */
	uint64_t words[KC_NWORDS];        /* kc_host_words, computed once a host is complete */
	bool words_valid;
};

/* Parsers of the two recorded formats (src/host/text.c, src/host/json.c). */
int kc_host_parse_text(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		       struct kvmcpu_error *err);
int kc_host_parse_json(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		       struct kvmcpu_error *err);
int kc_host_write_json(const struct kvmcpu_host *h, FILE *out, struct kvmcpu_error *err);
int kc_host_write_text(const struct kvmcpu_host *h, FILE *out, struct kvmcpu_error *err);

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
 * Recordings of other tools (src/host/import-*.c): when @data is one of them, parses
 * it into @h, sets h->source_format and the kind, and returns 0 or an error; returns
 * 1 when no importer recognises the content.
 */
int kc_host_import(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		   struct kvmcpu_error *err);

/* Marks that the host's Hyper-V CPUID is known (even when empty). */
void kc_host_set_hv_known(struct kvmcpu_host *h, bool known);

#endif
