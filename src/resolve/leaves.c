/* SPDX-License-Identifier: MIT */
/*
 * The CPUID table of a model. Identity (vendor, family/model/stepping, brand,
 * leaf limits) comes from the model, feature registers from the resolved
 * feature words, and the descriptive leaves (caches, topology, address sizes)
 * from the host, as each case below says.
 */
#include <errno.h>
#include <string.h>

#include "resolve/resolve-priv.h"
#include "util/util.h"

#define KVM_SIGNATURE_LEAF 0x40000000u
#define KVM_FEATURES_LEAF 0x40000001u

static uint32_t flags_for(uint32_t fn)
{
	return kc_leaf_is_indexed(fn) ? KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX : 0;
}

static int put(struct kc_resolve *c, uint32_t fn, uint32_t idx, uint32_t a, uint32_t b,
	       uint32_t cx, uint32_t d)
{
	if (kc_result_set(c->r, fn, idx, flags_for(fn), a, b, cx, d))
		return 0;
	return kc_fail(c->err, -E2BIG, NULL, "CPUID table full (%d entries) at leaf 0x%x",
		       KC_MAX_ENTRIES, fn);
}

/* The host's entry, or zeros when the host does not provide the leaf. */
static int put_host(struct kc_resolve *c, uint32_t fn, uint32_t idx)
{
	const struct kvmcpu_cpuid_entry *h = kvmcpu_host_cpuid_find(c->host, fn, idx);
	if (!h)
		return put(c, fn, idx, 0, 0, 0, 0);
	return put(c, fn, idx, h->eax, h->ebx, h->ecx, h->edx);
}

/* Every subleaf the host lists for an indexed leaf (subleaf 0 as zeros when none). */
static int put_host_subleaves(struct kc_resolve *c, uint32_t fn)
{
	int r = put_host(c, fn, 0);
	size_t n;
	const struct kvmcpu_cpuid_entry *h = kc_host_cpuid_leaf(c->host, fn, &n);
	for (size_t i = 0; !r && i < n; i++)
		if (h[i].index != 0)
			r = put(c, fn, h[i].index, h[i].eax, h[i].ebx, h[i].ecx, h[i].edx);
	return r;
}

static bool guest_has(const struct kc_resolve *c, int f)
{
	return kc_words_have(c->r->words, f);
}

static void vendor_regs(const char *vendor, uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
	char v[12] = { 0 };
	memcpy(v, vendor, strnlen(vendor, 12));
	memcpy(ebx, v, 4);
	memcpy(edx, v + 4, 4);
	memcpy(ecx, v + 8, 4);
}

/* Leaf 1 EAX (SDM Vol. 2A, Figure 3-6): extended family above 0xF, extended model. */
static uint32_t encode_fms(const struct kvmcpu_model *m)
{
	uint32_t family = m->family, ext_family = 0;
	if (family > 0xf) {
		ext_family = family - 0xf;
		family = 0xf;
	}
	return (m->stepping & 0xf) | (uint32_t)(m->model & 0xf) << 4 | family << 8 |
	       (uint32_t)((m->model >> 4) & 0xf) << 16 | (ext_family & 0xff) << 20;
}

/* The brand string fills 48 bytes; a 48-character brand has no terminating NUL. */
static int put_brand(struct kc_resolve *c)
{
	char brand[48] = { 0 };
	memcpy(brand, c->model->brand, strnlen(c->model->brand, sizeof(brand)));
	int r = 0;
	for (uint32_t i = 0; i < 3 && !r; i++) {
		uint32_t v[4];
		memcpy(v, brand + 16 * i, 16);
		r = put(c, 0x80000002 + i, 0, v[0], v[1], v[2], v[3]);
	}
	return r;
}

/* Leaf 7 subleaf 0 EAX: the highest subleaf that carries the model's features. */
static uint32_t leaf7_max_subleaf(const struct kc_resolve *c)
{
	if (c->want[KC_W_7_2_EDX])
		return 2;
	if (c->want[KC_W_7_1_EAX] || c->want[KC_W_7_1_ECX] || c->want[KC_W_7_1_EDX])
		return 1;
	return 0;
}

static int put_leaf7(struct kc_resolve *c)
{
	uint32_t max = leaf7_max_subleaf(c);
	int r = 0;
	for (uint32_t i = 0; i <= max && !r; i++)
		r = put(c, 7, i, i == 0 ? max : 0, 0, 0, 0);
	return r;
}

/* AVX10 (leaf 0x24): the version is the lower of the model's and the host's. */
static int put_leaf24(struct kc_resolve *c)
{
	if (!guest_has(c, KC_F_AVX10))
		return put(c, 0x24, 0, 0, 0, 0, 0);
	uint32_t host_ver = kc_host_cpuid_reg(c->host, 0x24, 0, KVMCPU_EBX) & 0xff;
	uint32_t ver = c->model->avx10_version < host_ver ? c->model->avx10_version : host_ver;
	uint32_t max_sub = c->want[KC_W_24_1_ECX] ? 1 : 0;
	int r = put(c, 0x24, 0, max_sub, ver, 0, 0);
	if (!r && max_sub)
		r = put(c, 0x24, 1, 0, 0, 0, 0);
	return r;
}

/* One basic leaf below the model's level. */
static int put_basic_leaf(struct kc_resolve *c, uint32_t fn)
{
	uint32_t b, cx, d;
	switch (fn) {
	case 0:
		vendor_regs(c->vendor, &b, &cx, &d);
		return put(c, 0, 0, c->model->level, b, cx, d);
	case 1:
		/* EBX (CLFLUSH size, logical count, APIC ID) is the host's; the VMM sets the APIC ID. */
		return put(c, 1, 0, encode_fms(c->model),
			   kc_host_cpuid_reg(c->host, 1, 0, KVMCPU_EBX), 0, 0);
	case 2:  /* cache descriptors: kc_caches_build */
	case 4:  /* deterministic cache parameters: kc_caches_build */
		return 0;
	case 0x15: /* TSC and core crystal clock */
	case 0x16: /* processor frequency */
		return put_host(c, fn, 0);
	case 0xb: /* extended topology */
	case 0x1f: /* V2 extended topology */
		return put_host_subleaves(c, fn);
	case 5:  /* MONITOR/MWAIT geometry, meaningful only with MONITOR */
		return guest_has(c, KC_F_MONITOR) ? put_host(c, 5, 0) : put(c, 5, 0, 0, 0, 0, 0);
	case 7:
		return put_leaf7(c);
	case 0xd:
		return 0; /* kc_xsave_build */
	case 0x12: /* SGX: the host's geometry, feature words written below */
		return guest_has(c, KC_F_SGX) ? put_host_subleaves(c, 0x12) : put(c, 0x12, 0, 0, 0, 0, 0);
	case 0x14: /* Intel PT */
		return guest_has(c, KC_F_INTEL_PT) ? put_host_subleaves(c, 0x14)
						   : put(c, 0x14, 0, 0, 0, 0, 0);
	case 0x1d: /* AMX tile palette */
	case 0x1e: /* AMX TMUL */
		return guest_has(c, KC_F_AMX_TILE) ? put_host_subleaves(c, fn) : put(c, fn, 0, 0, 0, 0, 0);
	case 0x24:
		return put_leaf24(c);
	default:
		/* Thermal/power (6), PMU (0xA: named models have no PMU), RDT, ... carry no
		 * state a migratable guest may depend on beyond their feature words. */
		return put(c, fn, 0, 0, 0, 0, 0);
	}
}

static int put_ext_leaf(struct kc_resolve *c, uint32_t fn)
{
	uint32_t b, cx, d;
	switch (fn) {
	case 0x80000000:
		vendor_regs(c->vendor, &b, &cx, &d);
		return put(c, fn, 0, c->model->xlevel, b, cx, d);
	case 0x80000001:
		return put(c, fn, 0, encode_fms(c->model), 0, 0, 0);
	case 0x80000002:
		return put_brand(c);
	case 0x80000003:
	case 0x80000004:
		return 0;
	case 0x80000005: /* L1 cache and TLB (AMD): kc_caches_build */
	case 0x80000006: /* L2/L3 cache: kc_caches_build */
	case 0x8000001d: /* AMD cache topology: kc_caches_build */
		return 0;
	case 0x80000019: /* 1 GiB page TLB */
	case 0x8000001a: /* performance optimisation hints */
	case 0x8000001e: /* AMD extended APIC ID, core and node IDs */
		return put_host(c, fn, 0);
	case 0x80000008: /* address sizes and core count are the host's; EBX is a feature word */
		return put(c, fn, 0, kc_host_cpuid_reg(c->host, fn, 0, KVMCPU_EAX), 0,
			   kc_host_cpuid_reg(c->host, fn, 0, KVMCPU_ECX),
			   kc_host_cpuid_reg(c->host, fn, 0, KVMCPU_EDX));
	case 0x8000000a: /* SVM revision and ASID count, with svm only */
		if (!guest_has(c, KC_F_SVM))
			return put(c, fn, 0, 0, 0, 0, 0);
		return put(c, fn, 0, kc_host_cpuid_reg(c->host, fn, 0, KVMCPU_EAX),
			   kc_host_cpuid_reg(c->host, fn, 0, KVMCPU_EBX), 0, 0);
	default:
		/* 0x8000001F (SEV) and the rest: nothing offered. */
		return put(c, fn, 0, 0, 0, 0, 0);
	}
}

/* KVM's own leaves: signature "KVMKVMKVM" and the paravirtual feature words. */
static int put_kvm_leaves(struct kc_resolve *c)
{
	int r = put(c, KVM_SIGNATURE_LEAF, 0, KVM_FEATURES_LEAF, 0x4b4d564b, 0x564b4d56, 0x4d);
	return r ? r : put(c, KVM_FEATURES_LEAF, 0, 0, 0, 0, 0);
}

/* Zhaoxin/Centaur leaves 0xC0000000/1, when the model has features there. */
static int put_centaur_leaves(struct kc_resolve *c)
{
	if (!c->want[KC_W_C000_0001_EDX])
		return 0;
	int r = put(c, 0xc0000000, 0, 0xc0000001, 0, 0, 0);
	return r ? r : put(c, 0xc0000001, 0, 0, 0, 0, 0);
}

/* Writes every CPUID feature word into its register, where the table has that entry. */
static void write_words(struct kc_resolve *c)
{
	for (unsigned w = 0; w < KC_NWORDS; w++) {
		const struct kvmcpu_word_info *wi = &kc_words[w];
		if (wi->is_msr)
			continue;
		struct kvmcpu_cpuid_entry *e = kc_result_get(c->r, wi->leaf, wi->subleaf);
		if (!e)
			continue;
		uint32_t keep = 0;
		/* Leaf 0x24 EBX[7:0] is the AVX10 version, next to the vector-length bits. */
		if (w == KC_W_24_0_EBX)
			keep = e->ebx & 0xff;
		(&e->eax)[wi->reg] = (uint32_t)c->r->words[w] | keep;
	}
}

/*
 * Per-CPU identifiers are the VMM's to set for each vCPU: the table must not
 * carry the APIC ID of whichever host CPU the resolver happened to run on.
 * Leaf 1 EBX[31:24] (initial APIC ID), 0xB/0x1F EDX (x2APIC ID), 0x8000001E
 * EAX (extended APIC ID), EBX[7:0] (compute unit) and ECX[7:0] (node).
 */
static void clear_per_cpu_ids(struct kvmcpu_result *r)
{
	for (size_t i = 0; i < r->nentries; i++) {
		struct kvmcpu_cpuid_entry *e = &r->entries[i];
		switch (e->function) {
		case 1:
			e->ebx &= 0x00ffffff;
			break;
		case 0xb:
		case 0x1f:
			e->edx = 0;
			break;
		case 0x8000001e:
			e->eax = 0;
			e->ebx &= ~0xffu;
			e->ecx &= ~0xffu;
			break;
		}
	}
}

int kc_leaves_build_model(struct kc_resolve *c)
{
	int r = 0;
	for (uint32_t fn = 0; fn <= c->model->level && !r; fn++)
		r = put_basic_leaf(c, fn);
	/* In leaf order, so that every entry is appended. */
	if (!r)
		r = put_kvm_leaves(c);
	for (uint32_t fn = 0x80000000; fn <= c->model->xlevel && !r; fn++)
		r = put_ext_leaf(c, fn);
	if (!r)
		r = put_centaur_leaves(c);
	if (r)
		return r;
	write_words(c);
	clear_per_cpu_ids(c->r);
	return 0;
}

int kc_leaves_build_host(struct kc_resolve *c)
{
	for (size_t i = 0; i < c->host->ncpuid; i++) {
		const struct kvmcpu_cpuid_entry *h = &c->host->cpuid[i];
		if (!kc_result_set(c->r, h->function, h->index, h->flags, h->eax, h->ebx, h->ecx,
				   h->edx))
			return kc_fail(c->err, -E2BIG, NULL, "host CPUID has more than %d entries",
				       KC_MAX_ENTRIES);
	}
	write_words(c);
	clear_per_cpu_ids(c->r);
	return 0;
}
