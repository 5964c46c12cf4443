/* SPDX-License-Identifier: MIT */
/*
 * The CPUID table of a model, as QEMU's cpu_x86_cpuid builds it under KVM.
 * Identity (vendor, family/model/stepping, brand) comes from the model, leaf
 * limits from the model raised by QEMU's auto-level rules, feature registers
 * from the resolved feature words, topology and address sizes from the
 * config, and the rest as each case below says.
 */
#include <errno.h>
#include <string.h>

#include "resolve/resolve-priv.h"
#include "resolve/topo-priv.h"
#include "util/util.h"

#define KVM_SIGNATURE_LEAF 0x40000000u
#define KVM_FEATURES_LEAF 0x40000001u
#define KVM_TSC_FREQ_LEAF 0x40000010u
#define KVM_APIC_BUS_KHZ 1000000u /* KVM's emulated local APIC timer: 1 GHz */

static int put(struct kc_resolve *c, uint32_t fn, uint32_t idx, uint32_t a, uint32_t b, uint32_t cx,
	       uint32_t d)
{
	if (kc_result_set(c->r, fn, idx, kc_leaf_flags(fn), a, b, cx, d))
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

static int put_leaf7(struct kc_resolve *c)
{
	uint32_t max = c->level_func7;
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

/* The processor trace capabilities QEMU reports (target/i386/cpu.c, CPUID leaf 0x14 constants). */
static int put_leaf14(struct kc_resolve *c)
{
	if (!guest_has(c, KC_F_INTEL_PT))
		return put(c, 0x14, 0, 0, 0, 0, 0);
	/* 0: max subleaf 1; CR3 filter, PSB/CYC, IP filter, MTC; ToPA, multiple entries, single range. */
	int r = put(c, 0x14, 0, 1, 0xf, 0x7, 0);
	/* 1: MTC periods 0,3,6,9 and 2 address ranges; PSB 2K-64K, cycle thresholds 0 and 2^0-2^11. */
	return r ? r : put(c, 0x14, 1, 0x0249u << 16 | 2, 0x3fu << 16 | 0x1fff, 0, 0);
}

/* Architectural PMU (0xA): KVM's with pmu, else none, as QEMU's pmu=off. */
static int put_leaf_a(struct kc_resolve *c)
{
	if (!c->cfg->pmu)
		return put(c, 0xa, 0, 0, 0, 0, 0);
	return put_host(c, 0xa, 0);
}

/* Architectural LBR (0x1C): KVM's with pmu and arch-lbr, without EDX. */
static int put_leaf_1c(struct kc_resolve *c)
{
	if (!c->cfg->pmu || !guest_has(c, KC_F_ARCH_LBR))
		return put(c, 0x1c, 0, 0, 0, 0, 0);
	const struct kvmcpu_cpuid_entry *h = kvmcpu_host_cpuid_find(c->host, 0x1c, 0);
	return h ? put(c, 0x1c, 0, h->eax, h->ebx, h->ecx, 0) : put(c, 0x1c, 0, 0, 0, 0, 0);
}

static int put_topology_leaf(struct kc_resolve *c, uint32_t fn)
{
	uint32_t v[4];
	int r = 0;
	if (fn == 0xb) {
		/* SMT, core, and the invalid level that ends the list. */
		for (uint32_t i = 0; i < 3 && !r; i++) {
			kc_topo_leaf_b(&c->topo, i, v);
			r = put(c, fn, i, v[0], v[1], v[2], v[3]);
		}
		return r;
	}
	/* Without dies, modules or the model's x-force-cpuid-0x1f, QEMU leaves 0x1F out. */
	if (!kc_topo_has_leaf_1f(&c->topo, c->model && c->model->force_cpuid_0x1f))
		return 0;
	for (uint32_t i = 0; i < kc_topo_leaf_1f_count(&c->topo) && !r; i++) {
		kc_topo_leaf_1f(&c->topo, i, v);
		r = put(c, fn, i, v[0], v[1], v[2], v[3]);
	}
	return r;
}

/* One basic leaf below the model's level. */
static int put_basic_leaf(struct kc_resolve *c, uint32_t fn)
{
	uint32_t b, cx, d;
	switch (fn) {
	case 0:
		kc_vendor_to_regs(c->vendor, &b, &cx, &d);
		return put(c, 0, 0, c->level, b, cx, d);
	case 1:
		/* EBX: CLFLUSH size and the package's logical processor count; APIC ID per vCPU. */
		return put(c, 1, 0, encode_fms(c->model),
			   kc_topo_leaf1_ebx(&c->topo, c->intel_like), 0, 0);
	case 2: /* cache descriptors: kc_caches_build */
	case 4: /* deterministic cache parameters: kc_caches_build */
		return 0;
	case 5:
		/* MONITOR/MWAIT: QEMU always reports the EMX and IBE flags, no geometry. */
		return put(c, 5, 0, 0, 0, 0x3, 0);
	case 7:
		return put_leaf7(c);
	case 0xa:
		return put_leaf_a(c);
	case 0xb: /* extended topology */
	case 0x1f: /* V2 extended topology */
		return put_topology_leaf(c, fn);
	case 0xd:
		return 0; /* kc_xsave_build */
	case 0x12: /* SGX: the host's geometry, feature words written below */
		return guest_has(c, KC_F_SGX) ? put_host_subleaves(c, 0x12)
					      : put(c, 0x12, 0, 0, 0, 0, 0);
	case 0x14:
		return put_leaf14(c);
	case 0x1c:
		return put_leaf_1c(c);
	case 0x1d: /* AMX tile palette */
	case 0x1e: /* AMX TMUL */
		return guest_has(c, KC_F_AMX_TILE) ? put_host_subleaves(c, fn)
						   : put(c, fn, 0, 0, 0, 0, 0);
	case 0x24:
		return put_leaf24(c);
	default:
		/* Thermal/power (6, EAX a feature word), TSC and processor frequency (0x15,
		 * 0x16), RDT, ...: QEMU reports nothing but the feature words there. */
		return put(c, fn, 0, 0, 0, 0, 0);
	}
}

/* Address sizes (0x80000008 EAX): QEMU's phys-bits, and 48 or 57 virtual bits on 64-bit models. */
static uint32_t address_sizes(const struct kc_resolve *c)
{
	if (!guest_has(c, KC_F_LM))
		return c->phys_bits;
	return c->phys_bits | (guest_has(c, KC_F_LA57) ? 57u : 48u) << 8;
}

/* AMD's extended performance monitoring (0x80000022): with pmu and perfmon-v2 only. */
static int put_leaf_80000022(struct kc_resolve *c)
{
	if (!c->cfg->pmu || !guest_has(c, KC_F_PERFMON_V2))
		return put(c, 0x80000022, 0, 0, 0, 0, 0);
	/* EBX[3:0]: the core counters KVM offers. */
	return put(c, 0x80000022, 0, 0, kc_host_cpuid_reg(c->host, 0x80000022, 0, KVMCPU_EBX) & 0xf,
		   0, 0);
}

static int put_ext_leaf(struct kc_resolve *c, uint32_t fn)
{
	uint32_t b = 0, cx = 0, d = 0;
	switch (fn) {
	case 0x80000000:
		/* QEMU's newest machine types name the vendor here for AMD-compatible guests only. */
		if (!c->intel_like)
			kc_vendor_to_regs(c->vendor, &b, &cx, &d);
		return put(c, fn, 0, c->xlevel, b, cx, d);
	case 0x80000001:
		return put(c, fn, 0, encode_fms(c->model), 0, 0, 0);
	case 0x80000002:
		return put_brand(c);
	case 0x80000003: /* the brand string's other two leaves: put_brand */
	case 0x80000004:
	case 0x80000005: /* L1 cache and TLB (AMD): kc_caches_build */
	case 0x80000006: /* L2/L3 cache: kc_caches_build */
	case 0x8000001d: /* AMD cache topology: kc_caches_build */
		return 0;
	case 0x8000001e: { /* AMD extended APIC ID, core and node IDs */
		uint32_t v[4];
		kc_topo_8000001e(&c->topo, v);
		return put(c, fn, 0, v[0], v[1], v[2], v[3]);
	}
	case 0x80000008: /* address sizes, the package's size for AMD guests; EBX is a feature word */
		return put(c, fn, 0, address_sizes(c), 0,
			   c->intel_like ? 0 : kc_topo_80000008_ecx(&c->topo), 0);
	case 0x8000000a: /* SVM: revision 1 and 16 ASIDs, as QEMU reports; EDX is the SVM word */
		return guest_has(c, KC_F_SVM) ? put(c, fn, 0, 1, 0x10, 0, 0)
					      : put(c, fn, 0, 0, 0, 0, 0);
	case 0x80000022:
		return put_leaf_80000022(c);
	default:
		/* 0x80000007 and 0x80000021 (feature words only), the TLB and hint leaves
		 * 0x80000019/1A, SEV (0x8000001F) and the rest: nothing else. */
		return put(c, fn, 0, 0, 0, 0, 0);
	}
}

/* KVM's own leaves: signature "KVMKVMKVM" and the paravirtual feature words. */
static int put_kvm_leaves(struct kc_resolve *c)
{
	int r = put(c, KVM_SIGNATURE_LEAF, 0, KVM_FEATURES_LEAF, 0x4b4d564b, 0x564b4d56, 0x4d);
	return r ? r : put(c, KVM_FEATURES_LEAF, 0, 0, 0, 0, 0);
}

/*
 * The timing leaf 0x40000010 (QEMU's vmware-cpuid-freq, on by default): a guest
 * with invtsc whose TSC rate is known reads the TSC and the local APIC bus rates
 * there in kHz (KVM's APIC bus runs at 1 GHz), and 0x40000000 EAX points at it.
 * Only while KVM's leaves sit at 0x40000000: Hyper-V takes that block back
 * (src/hv), as in QEMU. A recording without the TSC rate gets no such leaf.
 */
static int put_tsc_freq_leaf(struct kc_resolve *c)
{
	uint32_t tsc_khz = kvmcpu_host_tsc_khz(c->host);
	struct kvmcpu_cpuid_entry *sig = kc_result_get(c->r, KVM_SIGNATURE_LEAF, 0);
	if (!tsc_khz || !guest_has(c, KC_F_INVTSC) || !sig || sig->ebx != 0x4b4d564b)
		return 0;
	if (sig->eax < KVM_TSC_FREQ_LEAF)
		sig->eax = KVM_TSC_FREQ_LEAF;
	return put(c, KVM_TSC_FREQ_LEAF, 0, tsc_khz, KVM_APIC_BUS_KHZ, 0, 0);
}

/* Zhaoxin/Centaur leaves up to xlevel2: its limit, then the version (as leaf 1 EAX) and features. */
static int put_centaur_leaves(struct kc_resolve *c)
{
	int r = 0;
	for (uint32_t fn = 0xc0000000; c->xlevel2 >= 0xc0000000 && fn <= c->xlevel2 && !r; fn++) {
		if (fn == 0xc0000000)
			r = put(c, fn, 0, c->xlevel2, 0, 0, 0);
		else
			r = put(c, fn, 0, fn == 0xc0000001 ? encode_fms(c->model) : 0, 0, 0, 0);
	}
	return r;
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
		/* Leaf 0x14.0 ECX: the output schemes QEMU reports, next to the LIP feature bit. */
		if (w == KC_W_14_0_ECX)
			keep = e->ecx & 0x7;
		(&e->eax)[wi->reg] = (uint32_t)c->r->words[w] | keep;
	}
}

static void raise_to(uint32_t *limit, uint32_t leaf)
{
	if (*limit < leaf)
		*limit = leaf;
}

/* QEMU's x86_cpu_adjust_feat_level: a non-empty word raises the limit of its leaf range. */
static void raise_for_word(struct kc_resolve *c, unsigned w)
{
	const struct kvmcpu_word_info *wi = &kc_words[w];
	if (!c->want[w] || wi->is_msr)
		return;
	switch (wi->leaf & 0xf0000000u) {
	case 0:
		raise_to(&c->level, wi->leaf);
		break;
	case 0x80000000u:
		raise_to(&c->xlevel, wi->leaf);
		break;
	case 0xc0000000u:
		raise_to(&c->xlevel2, wi->leaf);
		break;
	}
	if (wi->leaf == 7)
		raise_to(&c->level_func7, wi->subleaf);
}

/*
 * The leaf limits as QEMU's x86_cpu_expand_features sets them (full-cpuid-auto-level,
 * on by default): the model's levels, raised by the words the guest asks for
 * (after modifiers, nesting and dependencies, before the host mask), and by
 * the leaves some features need.
 */
static void compute_levels(struct kc_resolve *c)
{
	static const unsigned words[] = {
		KC_W_7_0_EBX,	    KC_W_1_EDX,		KC_W_1_ECX,	    KC_W_6_EAX,
		KC_W_7_0_ECX,	    KC_W_7_1_EAX,	KC_W_7_1_ECX,	    KC_W_7_1_EDX,
		KC_W_7_2_EDX,	    KC_W_8000_0001_EDX, KC_W_8000_0001_ECX, KC_W_8000_0007_EDX,
		KC_W_8000_0008_EBX, KC_W_C000_0001_EDX, KC_W_SVM,	    KC_W_XSAVE,
	};
	const struct kvmcpu_model *m = c->model;
	/* From the table's own levels: svm (off under KVM) or avx10 may have raised the others. */
	c->level = m->min_level ? m->min_level : m->level;
	c->xlevel = m->min_xlevel ? m->min_xlevel : m->xlevel;
	c->xlevel2 = 0;
	c->level_func7 = 0;
	for (size_t i = 0; i < KC_ARRAY_SIZE(words); i++)
		raise_for_word(c, words[i]);
	if (kc_words_have(c->want, KC_F_INTEL_PT))
		raise_to(&c->level, 0x14);
	/* Dies and modules need 0x1F; newest machine types raise the level for Intel only. */
	if (kc_topo_has_leaf_1f(&c->topo, false) && !strcmp(c->vendor, "GenuineIntel"))
		raise_to(&c->level, 0x1f);
	if (kc_words_have(c->want, KC_F_AVX10))
		raise_to(&c->level, 0x24);
	if (kc_words_have(c->want, KC_F_SVM))
		raise_to(&c->xlevel, 0x8000000a);
	if (c->want[KC_W_8000_0021_EAX])
		raise_to(&c->xlevel, 0x80000021);
	if (kc_words_have(c->want, KC_F_SGX))
		raise_to(&c->level, 0x12);
}

/* The host's physical address width (0x80000008 EAX[7:0]; 36 without that leaf, as QEMU). */
static unsigned host_phys_bits(const struct kc_resolve *c)
{
	unsigned bits = kc_host_cpuid_reg(c->host, 0x80000008, 0, KVMCPU_EAX) & 0xff;
	return bits ? bits : 36;
}

/*
 * phys-bits as QEMU sets it for a named model under KVM: 64-bit models take
 * phys-bits=N, or the host's width with host-phys-bits (capped by
 * host-phys-bits-limit), else 40; 32-bit models take 36 with PAE or PSE-36,
 * else 32, and refuse phys-bits.
 */
static int resolve_phys_bits(struct kc_resolve *c)
{
	const struct kvmcpu_config *cfg = c->cfg;
	unsigned host = host_phys_bits(c);
	if (!guest_has(c, KC_F_LM)) {
		if (cfg->phys_bits)
			return kc_fail(c->err, -EINVAL, "remove phys-bits, or pick a 64-bit model",
				       "phys-bits=%u: '%s' is a 32-bit model, whose width is fixed "
				       "(36 with PAE or PSE-36, else 32)",
				       cfg->phys_bits, c->model->name);
		c->phys_bits = guest_has(c, KC_F_PAE) || guest_has(c, KC_F_PSE36) ? 36 : 32;
		return 0;
	}
	if (cfg->host_phys_bits) {
		c->phys_bits = host;
		if (cfg->host_phys_bits_limit && c->phys_bits > cfg->host_phys_bits_limit)
			c->phys_bits = cfg->host_phys_bits_limit;
		return 0;
	}
	if (cfg->phys_bits > host)
		return kc_fail(
			c->err, -EINVAL,
			"use phys-bits=N with N at most the host's, or host-phys-bits",
			"phys-bits=%u is wider than this host's %u physical address bits (%s)",
			cfg->phys_bits, host, c->host->origin);
	c->phys_bits = cfg->phys_bits ? cfg->phys_bits : 40;
	return 0;
}

int kc_leaves_build_model(struct kc_resolve *c)
{
	compute_levels(c);
	int r = resolve_phys_bits(c);
	for (uint32_t fn = 0; fn <= c->level && !r; fn++)
		r = put_basic_leaf(c, fn);
	/* In leaf order, so that every entry is appended. */
	if (!r)
		r = put_kvm_leaves(c);
	if (!r)
		r = put_tsc_freq_leaf(c);
	for (uint32_t fn = 0x80000000; fn <= c->xlevel && !r; fn++)
		r = put_ext_leaf(c, fn);
	if (!r)
		r = put_centaur_leaves(c);
	if (r)
		return r;
	write_words(c);
	return 0;
}

/*
 * host and max describe the guest's topology too, as QEMU's cpu_x86_cpuid
 * does for them: leaf 1 EBX, 0xB, 0x1F, 0x8000001E and 0x80000008 ECX come
 * from the config, not from the host's own CPU, within the host's limits.
 */
static int put_host_topology(struct kc_resolve *c)
{
	uint32_t level = kc_host_cpuid_reg(c->host, 0, 0, KVMCPU_EAX);
	uint32_t xlevel = kc_host_cpuid_reg(c->host, 0x80000000, 0, KVMCPU_EAX);
	struct kvmcpu_cpuid_entry *e = kc_result_get(c->r, 1, 0);
	if (e)
		e->ebx = kc_topo_leaf1_ebx(&c->topo, c->intel_like);
	e = kc_result_get(c->r, 0x80000008, 0);
	if (e)
		e->ecx = c->intel_like ? 0 : kc_topo_80000008_ecx(&c->topo);
	int r = 0;
	static const uint32_t topo_leaves[] = { 0xb, 0x1f };
	for (size_t i = 0; i < KC_ARRAY_SIZE(topo_leaves) && !r; i++) {
		uint32_t fn = topo_leaves[i];
		size_t n;
		kc_host_cpuid_leaf(c->host, fn, &n);
		for (uint32_t idx = 0; idx < n + 1; idx++)
			kc_result_remove(c->r, fn, idx);
		if (level >= fn)
			r = put_topology_leaf(c, fn);
	}
	kc_result_remove(c->r, 0x8000001e, 0);
	if (!r && xlevel >= 0x8000001e) {
		uint32_t v[4];
		kc_topo_8000001e(&c->topo, v);
		r = put(c, 0x8000001e, 0, v[0], v[1], v[2], v[3]);
	}
	return r;
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
	int r = put_tsc_freq_leaf(c);
	return r ? r : put_host_topology(c);
}
