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

#endif
