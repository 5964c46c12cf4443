/* SPDX-License-Identifier: MIT */
/* The resolver's stages, each in its own file, sharing one context. */
#ifndef KC_RESOLVE_PRIV_H
#define KC_RESOLVE_PRIV_H

#include "config/config-priv.h"
#include "util/topology.h"
#include "host/host-priv.h"
#include "result/result-priv.h"

struct kc_resolve {
	const struct kvmcpu_config *cfg;
	const struct kvmcpu_host *host;
	struct kvmcpu_result *r;
	const struct kvmcpu_model *model; /* NULL for host/max */
	uint64_t want[KC_NWORDS]; /* what the model (and the user) ask for */
	uint64_t host_words[KC_NWORDS]; /* what the host supports */
	char vendor[13];
	bool intel_like; /* VMX-style vendor (Intel, Zhaoxin/Centaur) */
	struct kc_topology topo;
	/* The leaf limits after QEMU's auto-level rules (kc_leaves_build_model). */
	uint32_t level, xlevel, xlevel2, level_func7;
	unsigned phys_bits; /* 0x80000008 EAX[7:0] */
	struct kvmcpu_error *err;
};

/* words.c: the feature word arithmetic. */
int kc_words_resolve_model(struct kc_resolve *c);
int kc_words_resolve_host(struct kc_resolve *c);
/* Records one notice per named feature in @bits (and one per unnamed bit). */
int kc_words_notice(struct kvmcpu_result *r, enum kvmcpu_notice_kind kind,
		    const uint64_t bits[KC_NWORDS], const char *fmt_reason);

/*
 * What @m asks of a host under @cfg before the host mask: the model, KVM's rules,
 * the spec's modifiers, dependencies (src/cluster compares it with many hosts).
 */
int kc_words_want(const struct kvmcpu_config *cfg, const struct kvmcpu_model *m,
		  uint64_t want[KC_NWORDS]);

/* What a host can give a guest, as feature words (its CPUID and what KVM adds). */
void kc_words_host_for_guest(const struct kvmcpu_host *h, uint64_t words[KC_NWORDS]);

/* leaves.c: the CPUID table of a model. */
int kc_leaves_build_model(struct kc_resolve *c);
int kc_leaves_build_host(struct kc_resolve *c);

/* xsave.c: leaf 0xD from the components that survived masking. */
int kc_xsave_build(struct kc_resolve *c);

/*
 * caches.c: leaves 2, 4, 0x80000005, 0x80000006 and 0x8000001D from the
 * model's cache description (or the host's, with host-cache-info) and c->topo,
 * within the leaf limits already in the table (leaves 0 and 0x80000000).
 */
int kc_caches_build(struct kc_resolve *c);
/* The model's cache description; NULL model (host/max): the vendor's legacy one. */
const struct kc_cache_table *kc_caches_of(const struct kvmcpu_model *m, const char *vendor);
/* The encoders, for one cache and topology (SDM Vol. 2A CPUID; APM Vol. 3 Appendix E). */
void kc_cache_leaf4(const struct kc_cache *k, const struct kc_topology *t, uint32_t out[4]);
void kc_cache_leaf8000001d(const struct kc_cache *k, const struct kc_topology *t, uint32_t out[4]);
/* Leaf 2 for a guest of basic level @level: descriptors, or 0xFF ("use leaf 4"). */
void kc_cache_leaf2(const struct kc_cache_table *t, uint32_t level, uint32_t out[4]);
uint32_t kc_cache_amd_l1(const struct kc_cache *k); /* 0x80000005 ECX/EDX */
uint32_t kc_cache_amd_l2(const struct kc_cache *k); /* 0x80000006 ECX */
uint32_t kc_cache_amd_l3(const struct kc_cache *k); /* 0x80000006 EDX */
/* Logical processor IDs sharing a cache at @l, minus 1 (leaf 4 EAX[25:14]). */
uint32_t kc_cache_sharing_ids(const struct kc_topology *t, enum kc_share_level l);
/* Core IDs in a package, minus 1 (leaf 4 EAX[31:26]). */
uint32_t kc_cache_core_ids(const struct kc_topology *t);

/* msrs.c: feature MSR values (ARCH_CAPABILITIES, VMX capabilities). */
int kc_msrs_build(struct kc_resolve *c);

#endif
