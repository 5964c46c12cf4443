/* SPDX-License-Identifier: MIT */
/* The resolver's stages, each in its own file, sharing one context. */
#ifndef KC_RESOLVE_PRIV_H
#define KC_RESOLVE_PRIV_H

#include "config/config-priv.h"
#include "host/host-priv.h"
#include "result/result-priv.h"

struct kc_resolve {
	const struct kvmcpu_config *cfg;
	const struct kvmcpu_host *host;
	struct kvmcpu_result *r;
	const struct kvmcpu_model *model; /* NULL for host/max */
	uint64_t want[KC_NWORDS];         /* what the model (and the user) ask for */
	uint64_t host_words[KC_NWORDS];   /* what the host supports */
	char vendor[13];
	bool intel_like;                  /* VMX-style vendor (Intel, Zhaoxin/Centaur) */
	struct kvmcpu_error *err;
};

/* words.c: the feature word arithmetic. */
int kc_words_resolve_model(struct kc_resolve *c);
int kc_words_resolve_host(struct kc_resolve *c);
/* Records one notice per named feature in @bits (and one per unnamed bit). */
int kc_words_notice(struct kvmcpu_result *r, enum kvmcpu_notice_kind kind,
		    const uint64_t bits[KC_NWORDS], const char *fmt_reason);

/* leaves.c: the CPUID table of a model. */
int kc_leaves_build_model(struct kc_resolve *c);
int kc_leaves_build_host(struct kc_resolve *c);

/* xsave.c: leaf 0xD from the components that survived masking. */
int kc_xsave_build(struct kc_resolve *c);

/* msrs.c: feature MSR values (ARCH_CAPABILITIES, VMX capabilities). */
int kc_msrs_build(struct kc_resolve *c);

#endif
