/* SPDX-License-Identifier: MIT */
/* The generated model table's types (src/model/table.gen.c fills them). */
#ifndef KC_MODEL_PRIV_H
#define KC_MODEL_PRIV_H

#include <stdint.h>

#include "kvmcpu/model.h"
#include "words.gen.h"

struct kvmcpu_model {
	const char *name;
	int alias_of; /* index of the target model, or -1 */
	const char *vendor;
	uint16_t family, model, stepping;
	uint32_t level, xlevel; /* effective minimum levels (QEMU full-cpuid-auto-level) */
	const char *brand;
	const char *note;
	const char *psabi; /* highest psABI level met, "" when none */
	const char *provenance;
	uint8_t avx10_version;
	bool psabi_model; /* one of the x86-64-vN level models */
	bool force_cpuid_0x1f;
	uint8_t caches; /* enum kc_cache_table_id; KC_CACHES_LEGACY: the vendor's legacy table */
	/* The table's levels (QEMU's min-level/min-xlevel) when below level/xlevel; 0 otherwise. */
	uint32_t min_level, min_xlevel;
	uint64_t words[KC_NWORDS]; /* raw definition, version props applied */
};

/* Cache type, as CPUID leaves 4 and 0x8000001D encode it in EAX[4:0]. */
enum kc_cache_type { KC_CACHE_DATA = 1, KC_CACHE_INSTRUCTION = 2, KC_CACHE_UNIFIED = 3 };

/* The topology level whose logical processors share a cache. */
enum kc_share_level { KC_SHARE_CORE, KC_SHARE_MODULE, KC_SHARE_DIE, KC_SHARE_SOCKET };

/* One cache of a model: QEMU's CPUCacheInfo. */
struct kc_cache {
	uint32_t size; /* bytes = line_size * associativity * partitions * sets */
	uint32_t sets;
	uint16_t line_size;
	uint8_t type; /* enum kc_cache_type */
	uint8_t level;
	uint8_t associativity; /* ways */
	uint8_t partitions;
	uint8_t lines_per_tag;
	uint8_t share; /* enum kc_share_level */
	bool self_init, no_invd_sharing, inclusive, complex_indexing;
};

struct kc_cache_table {
	const char *name;
	struct kc_cache l1d, l1i, l2, l3;
};

/* A CPUID leaf 2 descriptor byte and the cache it stands for. */
struct kc_cpuid2_descriptor {
	uint8_t code, type, level, associativity;
	uint16_t line_size;
	uint32_t size;
};

struct kc_tlb {
	uint8_t assoc; /* ways; 0: none */
	uint16_t entries;
};

/* The TLBs of leaves 0x80000005 (L1) and 0x80000006 (L2). */
struct kc_tlbs {
	struct kc_tlb l1_dtlb_2m, l1_itlb_2m, l1_dtlb_4k, l1_itlb_4k;
	struct kc_tlb l2_dtlb_2m, l2_itlb_2m, l2_dtlb_4k, l2_itlb_4k;
};

/* feature_dependencies[]: when none of from_mask is set in from_word, clear to_mask in to_word. */
struct kc_feature_dep {
	uint8_t from_word;
	uint8_t to_word;
	uint64_t from_mask;
	uint64_t to_mask;
};

/* An XSAVE state component and the features that enable it. */
struct kc_xsave_comp {
	uint8_t index;
	bool xss; /* supervisor state (IA32_XSS) rather than XCR0 */
	const char *name;
	uint8_t nfeat;
	int16_t features[2]; /* feature indices: any of them enables the component */
};

struct kc_alias {
	const char *alias;
	const char *name;
};

extern const struct kvmcpu_model kc_models[];
extern const size_t kc_nmodels;
extern const struct kvmcpu_word_info kc_words[KC_NWORDS];
extern const struct kvmcpu_feature_info kc_features[];
extern const uint16_t kc_word_features[KC_NWORDS + 1];
extern const uint16_t kc_models_by_name[];
extern const size_t kc_nfeatures;
extern const struct kc_alias kc_feature_aliases[];
extern const size_t kc_nfeature_aliases;
extern const struct kc_feature_dep kc_feature_deps[];
extern const size_t kc_nfeature_deps;
extern const struct kc_xsave_comp kc_xsave_comps[];
extern const size_t kc_nxsave_comps;
extern const struct kc_cache_table kc_cache_tables[KC_NCACHE_TABLES];
extern const uint8_t kc_caches_legacy_amd, kc_caches_legacy_other;
extern const struct kc_cpuid2_descriptor kc_cpuid2_descriptors[];
extern const size_t kc_ncpuid2_descriptors;
extern const struct kc_tlbs kc_tlbs;

/*
 * Applies the dependency table to @words until nothing changes. @cleared (may
 * be NULL) is called once for every entry that clears bits, with the bits it cleared.
 */
typedef int (*kc_dep_cleared_fn)(const struct kc_feature_dep *dep, uint64_t gone, void *ctx);
int kc_apply_dependencies(uint64_t words[KC_NWORDS], kc_dep_cleared_fn cleared, void *ctx);

/* The index of a feature by name or alias spelling (kvmcpu_feature_find), -1 when unknown. */
int kc_feature_find(const char *name);

/* Whether feature @f is fully set in a feature word array. */
static inline bool kc_words_have(const uint64_t words[KC_NWORDS], int f)
{
	return (words[kc_features[f].word] & kc_features[f].mask) == kc_features[f].mask;
}

static inline void kc_words_set(uint64_t words[KC_NWORDS], int f, bool on)
{
	if (on)
		words[kc_features[f].word] |= kc_features[f].mask;
	else
		words[kc_features[f].word] &= ~kc_features[f].mask;
}

/* Word index of a CPUID word (leaf, subleaf, reg), or -1. */
int kc_word_find_cpuid(uint32_t leaf, uint32_t subleaf, enum kvmcpu_reg reg);
int kc_word_find_msr(uint32_t msr);

#endif
