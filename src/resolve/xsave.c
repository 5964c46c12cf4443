/* SPDX-License-Identifier: MIT */
/*
 * Leaf 0xD (SDM Vol. 1, 13.2): the XSAVE state components the guest may
 * enable are those whose features survived masking and that the host
 * supports; sizes and offsets are the host's, since the hardware saves state
 * in the host's layout.
 */
#include <errno.h>
#include <string.h>

#include "resolve/resolve-priv.h"
#include "util/util.h"

/* The legacy region (512 bytes) and the XSAVE header (64 bytes). */
#define XSAVE_LEGACY_AND_HEADER 576u

static bool comp_enabled(const struct kc_resolve *c, const struct kc_xsave_comp *x)
{
	for (unsigned i = 0; i < x->nfeat; i++) {
		const struct kvmcpu_feature_info *f = &kc_features[x->features[i]];
		if (c->r->words[f->word] & f->mask)
			return true;
	}
	return false;
}

static uint64_t host_mask(const struct kvmcpu_host *h, bool xss)
{
	uint32_t sub = xss ? 1 : 0;
	int lo = xss ? KVMCPU_ECX : KVMCPU_EAX, hi = KVMCPU_EDX;
	return (uint64_t)kc_host_cpuid_reg(h, 0xd, sub, hi) << 32 |
	       kc_host_cpuid_reg(h, 0xd, sub, lo);
}

/* The components the guest gets: x87 and SSE with XSAVE, the rest as their features say. */
static void guest_components(const struct kc_resolve *c, uint64_t *xcr0, uint64_t *xss)
{
	uint64_t host_xcr0 = host_mask(c->host, false), host_xss = host_mask(c->host, true);
	*xcr0 = *xss = 0;
	for (size_t i = 0; i < kc_nxsave_comps; i++) {
		const struct kc_xsave_comp *x = &kc_xsave_comps[i];
		uint64_t bit = 1ull << x->index;
		if (!comp_enabled(c, x) || !((x->xss ? host_xss : host_xcr0) & bit))
			continue;
		/* Components from 2 up need the host's size and offset (subleaf i). */
		if (x->index >= 2 && !kc_host_cpuid_reg(c->host, 0xd, x->index, KVMCPU_EAX))
			continue;
		if (x->xss)
			*xss |= bit;
		else
			*xcr0 |= bit;
	}
}

/*
 * ECX of subleaf i >= 2 (SDM Vol. 1, 13.2): bit 0 supervisor state, bit 1 64-byte
 * alignment in the compacted format, bit 2 XFD (extended feature disable) support.
 * QEMU keeps the host's alignment and XFD bits for user components
 * (ESA_FEATURE_ALIGN64_MASK | ESA_FEATURE_XFD_MASK); without XFD a guest's AMX
 * tile data could not be armed lazily, as Linux guests do.
 */
#define XSAVE_ECX_SUPERVISOR 1u
#define XSAVE_ECX_ALIGN64 2u
#define XSAVE_ECX_XFD 4u

static uint32_t component_ecx(uint32_t host_ecx, bool supervisor)
{
	if (supervisor)
		return (host_ecx & XSAVE_ECX_ALIGN64) | XSAVE_ECX_SUPERVISOR;
	return host_ecx & (XSAVE_ECX_ALIGN64 | XSAVE_ECX_XFD);
}

/* Standard-format size: the end of the furthest user component. */
static uint32_t standard_size(const struct kvmcpu_host *h, uint64_t xcr0)
{
	uint32_t size = XSAVE_LEGACY_AND_HEADER;
	for (unsigned i = 2; i < 64; i++) {
		if (!(xcr0 & (1ull << i)))
			continue;
		uint32_t end = kc_host_cpuid_reg(h, 0xd, i, KVMCPU_EBX) +
			       kc_host_cpuid_reg(h, 0xd, i, KVMCPU_EAX);
		if (end > size)
			size = end;
	}
	return size;
}

/* Compacted-format size (XSAVES): components packed in order, some 64-byte aligned. */
static uint32_t compacted_size(const struct kvmcpu_host *h, uint64_t mask)
{
	uint32_t size = XSAVE_LEGACY_AND_HEADER;
	for (unsigned i = 2; i < 64; i++) {
		if (!(mask & (1ull << i)))
			continue;
		if (kc_host_cpuid_reg(h, 0xd, i, KVMCPU_ECX) & XSAVE_ECX_ALIGN64)
			size = (size + 63) & ~63u;
		size += kc_host_cpuid_reg(h, 0xd, i, KVMCPU_EAX);
	}
	return size;
}

static void clear_xsave_words(uint64_t *w)
{
	w[KC_W_XSAVE_XCR0_LO] = w[KC_W_XSAVE_XCR0_HI] = 0;
	w[KC_W_XSAVE_XSS_LO] = w[KC_W_XSAVE_XSS_HI] = 0;
}

static int put(struct kc_resolve *c, uint32_t idx, uint32_t a, uint32_t b, uint32_t cx, uint32_t d)
{
	if (kc_result_set(c->r, 0xd, idx, KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX, a, b, cx, d))
		return 0;
	return kc_fail(c->err, -E2BIG, NULL, "CPUID table full at leaf 0xd subleaf %u", idx);
}

/* Removes the host's 0xD subleaves (host/max start from them) before writing the guest's. */
static void remove_leaf_d(struct kvmcpu_result *r)
{
	for (size_t i = r->nentries; i-- > 0;)
		if (r->entries[i].function == 0xd)
			kc_result_remove(r, 0xd, r->entries[i].index);
}

int kc_xsave_build(struct kc_resolve *c)
{
	uint64_t *w = c->r->words;
	const struct kvmcpu_cpuid_entry *leaf0 = kc_result_get(c->r, 0, 0);
	if (!leaf0 || leaf0->eax < 0xd) {
		clear_xsave_words(w);
		w[KC_W_XSAVE] = 0;
		return 0;
	}
	remove_leaf_d(c->r);
	if (!(w[kc_features[KC_F_XSAVE].word] & kc_features[KC_F_XSAVE].mask)) {
		clear_xsave_words(w);
		w[KC_W_XSAVE] = 0;
		return put(c, 0, 0, 0, 0, 0);
	}
	uint64_t xcr0, xss;
	guest_components(c, &xcr0, &xss);
	w[KC_W_XSAVE_XCR0_LO] = (uint32_t)xcr0;
	w[KC_W_XSAVE_XCR0_HI] = xcr0 >> 32;
	w[KC_W_XSAVE_XSS_LO] = (uint32_t)xss;
	w[KC_W_XSAVE_XSS_HI] = xss >> 32;
	/* EBX of subleaves 0 and 1 tracks the guest's XCR0/XSS at run time (KVM updates it);
	 * the table gives the size with every offered component enabled. */
	uint32_t max = standard_size(c->host, xcr0);
	int r = put(c, 0, (uint32_t)xcr0, max, max, (uint32_t)(xcr0 >> 32));
	bool xsaves = w[kc_features[KC_F_XSAVES].word] & kc_features[KC_F_XSAVES].mask;
	uint32_t csize = xsaves ? compacted_size(c->host, xcr0 | xss) : 0;
	if (!r)
		r = put(c, 1, (uint32_t)w[KC_W_XSAVE], csize, (uint32_t)xss, (uint32_t)(xss >> 32));
	for (unsigned i = 2; i < 64 && !r; i++) {
		if (!((xcr0 | xss) & (1ull << i)))
			continue;
		const struct kvmcpu_cpuid_entry *h = kvmcpu_host_cpuid_find(c->host, 0xd, i);
		bool supervisor = xss & (1ull << i);
		/* Supervisor components have no fixed offset (EBX 0); ECX bit 0 marks them. */
		r = put(c, i, h->eax, supervisor ? 0 : h->ebx, component_ecx(h->ecx, supervisor),
			0);
	}
	return r;
}
