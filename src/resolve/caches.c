/* SPDX-License-Identifier: MIT */
/*
 * The cache leaves: 2 (descriptors), 4 (deterministic cache parameters),
 * 0x80000005/6 (AMD L1/L2/L3 caches and TLBs) and 0x8000001D (AMD cache
 * topology), built from the model's cache description and the topology as
 * QEMU 11.1.3 builds them under KVM for its newest machine type:
 *
 *   - AuthenticAMD guests get leaves 2 and 4 zeroed (x-vendor-cpuid-only);
 *     GenuineIntel guests get 0x80000005 zeroed and only the L2 in 0x80000006,
 *     Zhaoxin/Centaur guests only the L2 in 0x80000006 (x-vendor-cpuid-only-v2).
 *   - Leaf 2 carries descriptors only for guests whose level is below 4 and
 *     whose four caches all have one; otherwise 0xFF, "see leaf 4"
 *     (x-consistent-cache).
 *   - The L1 caches report their sharing (x-l1-cache-per-thread) and the L3
 *     is described (l3-cache).
 *   - 0x8000001D EDX keeps only the WBINVD and inclusive bits
 *     (x-amd-topoext-features-only).
 *
 * With host-cache-info the leaves are the host's, with the leaf 4 core and
 * sharing counts rewritten for the guest's topology, as QEMU does.
 */
#include <errno.h>
#include <string.h>

#include "resolve/resolve-priv.h"
#include "util/util.h"

/* SDM Vol. 2A, CPUID leaf 2: "no cache descriptors in leaf 2, use leaf 4". */
#define CPUID2_SEE_LEAF4 0xffu

/* Leaf 4 / 0x8000001D EAX and EDX fields (SDM Vol. 2A Table 3-8; APM Vol. 3, E.4.15). */
#define CACHE_LEVEL_SHIFT 5
#define CACHE_SELF_INIT (1u << 8)
#define CACHE_SHARING_SHIFT 14 /* EAX[25:14]: logical processor IDs sharing, minus 1 */
#define CACHE_SHARING_MAX 4095u
#define CACHE_CORES_SHIFT 26 /* leaf 4 EAX[31:26]: core IDs in the package, minus 1 */
#define CACHE_CORES_MAX 63u
#define CACHE_WBINVD (1u << 0)
#define CACHE_INCLUSIVE (1u << 1)
#define CACHE_COMPLEX (1u << 2)

#define MAX_HOST_SUBLEAVES 64

static bool vendor_is(const struct kc_resolve *c, const char *v)
{
	return !strcmp(c->vendor, v);
}

static bool is_amd(const struct kc_resolve *c)
{
	return vendor_is(c, "AuthenticAMD");
}

static bool is_intel(const struct kc_resolve *c)
{
	return vendor_is(c, "GenuineIntel");
}

static bool is_zhaoxin(const struct kc_resolve *c)
{
	return vendor_is(c, "CentaurHauls") || vendor_is(c, "  Shanghai  ");
}

/* APIC ID bits below a topology level: the IDs one cache shared at that level spans. */
static unsigned share_offset(const struct kc_topology *t, enum kc_share_level l)
{
	switch (l) {
	case KC_SHARE_CORE:
		return kc_topo_core_offset(t);
	case KC_SHARE_MODULE:
		return kc_topo_module_offset(t);
	case KC_SHARE_DIE:
		return kc_topo_die_offset(t);
	case KC_SHARE_SOCKET:
	default:
		return kc_topo_pkg_offset(t);
	}
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

uint32_t kc_cache_sharing_ids(const struct kc_topology *t, enum kc_share_level l)
{
	return min_u32((1u << share_offset(t, l)) - 1, CACHE_SHARING_MAX);
}

uint32_t kc_cache_core_ids(const struct kc_topology *t)
{
	return min_u32((1u << (kc_topo_pkg_offset(t) - kc_topo_core_offset(t))) - 1,
		       CACHE_CORES_MAX);
}

/* EBX, ECX, EDX of leaves 4 and 0x8000001D, and EAX's type, level and self-init. */
static void cache_geometry(const struct kc_cache *k, uint32_t out[4])
{
	out[0] = k->type | (uint32_t)k->level << CACHE_LEVEL_SHIFT |
		 (k->self_init ? CACHE_SELF_INIT : 0);
	out[1] = (uint32_t)(k->line_size - 1) | (uint32_t)(k->partitions - 1) << 12 |
		 (uint32_t)(k->associativity - 1) << 22;
	out[2] = k->sets - 1;
	out[3] = (k->no_invd_sharing ? CACHE_WBINVD : 0) | (k->inclusive ? CACHE_INCLUSIVE : 0) |
		 (k->complex_indexing ? CACHE_COMPLEX : 0);
}

void kc_cache_leaf4(const struct kc_cache *k, const struct kc_topology *t, uint32_t out[4])
{
	cache_geometry(k, out);
	out[0] |= kc_cache_core_ids(t) << CACHE_CORES_SHIFT | kc_cache_sharing_ids(t, k->share)
								      << CACHE_SHARING_SHIFT;
}

void kc_cache_leaf8000001d(const struct kc_cache *k, const struct kc_topology *t, uint32_t out[4])
{
	cache_geometry(k, out);
	out[0] |= kc_cache_sharing_ids(t, k->share) << CACHE_SHARING_SHIFT;
	out[3] &= CACHE_WBINVD | CACHE_INCLUSIVE;
}

/* The descriptor byte of a cache, or CPUID2_SEE_LEAF4 when leaf 2 has none for it. */
static uint8_t cpuid2_descriptor(const struct kc_cache *k)
{
	for (size_t i = 0; i < kc_ncpuid2_descriptors; i++) {
		const struct kc_cpuid2_descriptor *d = &kc_cpuid2_descriptors[i];
		if (d->level == k->level && d->type == k->type && d->size == k->size &&
		    d->line_size == k->line_size && d->associativity == k->associativity)
			return d->code;
	}
	return CPUID2_SEE_LEAF4;
}

void kc_cache_leaf2(const struct kc_cache_table *t, uint32_t level, uint32_t out[4])
{
	out[0] = 1; /* one CPUID(2) call returns every descriptor */
	out[1] = out[2] = 0;
	out[3] = CPUID2_SEE_LEAF4;
	if (level >= 4)
		return;
	uint8_t l1d = cpuid2_descriptor(&t->l1d), l1i = cpuid2_descriptor(&t->l1i);
	uint8_t l2 = cpuid2_descriptor(&t->l2), l3 = cpuid2_descriptor(&t->l3);
	if (l1d == CPUID2_SEE_LEAF4 || l1i == CPUID2_SEE_LEAF4 || l2 == CPUID2_SEE_LEAF4 ||
	    l3 == CPUID2_SEE_LEAF4)
		return;
	out[2] = l3;
	out[3] = (uint32_t)l1d << 16 | (uint32_t)l1i << 8 | l2;
}

/* APM Vol. 3, E.4.5: L1 cache ECX/EDX of 0x80000005 (associativity in ways). */
uint32_t kc_cache_amd_l1(const struct kc_cache *k)
{
	return (k->size / 1024) << 24 | (uint32_t)k->associativity << 16 |
	       (uint32_t)k->lines_per_tag << 8 | k->line_size;
}

/* APM Vol. 3, E.4.6: the 4-bit associativity code of 0x80000006 (0: none or not encodable). */
static uint32_t amd_assoc_code(unsigned ways)
{
	static const struct {
		uint8_t ways, code;
	} codes[] = {
		{ 1, 0x1 },
		{ 2, 0x2 },
		{ 4, 0x4 },
		{ 8, 0x6 },
		{ 16, 0x8 },
		{ 32, 0xa },
		{ 48, 0xb },
		{ 64, 0xc },
		{ 96, 0xd },
		{ 128, 0xe },
		{ 255, 0xf } /* fully */,
	};
	for (size_t i = 0; i < KC_ARRAY_SIZE(codes); i++)
		if (codes[i].ways == ways)
			return codes[i].code;
	return 0;
}

uint32_t kc_cache_amd_l2(const struct kc_cache *k)
{
	return (k->size / 1024) << 16 | amd_assoc_code(k->associativity) << 12 |
	       (uint32_t)k->lines_per_tag << 8 | k->line_size;
}

uint32_t kc_cache_amd_l3(const struct kc_cache *k)
{
	return (k->size / (512 * 1024)) << 18 | amd_assoc_code(k->associativity) << 12 |
	       (uint32_t)k->lines_per_tag << 8 | k->line_size;
}

/* 0x80000005 EAX/EBX: L1 TLB for 2/4 MiB and 4 KiB pages (associativity in ways). */
static uint32_t amd_l1_tlb(const struct kc_tlb *d, const struct kc_tlb *i)
{
	return (uint32_t)d->assoc << 24 | (uint32_t)d->entries << 16 | (uint32_t)i->assoc << 8 |
	       i->entries;
}

/* 0x80000006 EAX/EBX: L2 TLB (associativity codes). */
static uint32_t amd_l2_tlb(const struct kc_tlb *d, const struct kc_tlb *i)
{
	return amd_assoc_code(d->assoc) << 28 | (uint32_t)d->entries << 16 |
	       amd_assoc_code(i->assoc) << 12 | i->entries;
}

const struct kc_cache_table *kc_caches_of(const struct kvmcpu_model *m, const char *vendor)
{
	if (m && m->caches != KC_CACHES_LEGACY)
		return &kc_cache_tables[m->caches];
	bool amd = vendor && !strcmp(vendor, "AuthenticAMD");
	return &kc_cache_tables[amd ? kc_caches_legacy_amd : kc_caches_legacy_other];
}

static int put(struct kc_resolve *c, uint32_t fn, uint32_t idx, const uint32_t v[4])
{
	uint32_t flags = kc_leaf_flags(fn);
	if (kc_result_set(c->r, fn, idx, flags, v[0], v[1], v[2], v[3]))
		return 0;
	return kc_fail(c->err, -E2BIG, NULL, "CPUID table full (%d entries) at leaf 0x%x",
		       KC_MAX_ENTRIES, fn);
}

/* Drops every subleaf of @fn (a host table copied whole carries the host's). */
static void remove_leaf(struct kvmcpu_result *r, uint32_t fn)
{
	size_t first = 0, n = 0;
	while (first < r->nentries && r->entries[first].function < fn)
		first++;
	while (first + n < r->nentries && r->entries[first + n].function == fn)
		n++;
	if (!n)
		return;
	memmove(&r->entries[first], &r->entries[first + n],
		(r->nentries - first - n) * sizeof(r->entries[0]));
	r->nentries -= n;
}

/* Leaf 4 subleaves 0-3 (L1d, L1i, L2, L3), then the "no more caches" subleaf. */
static int put_leaf4(struct kc_resolve *c, const struct kc_cache_table *t)
{
	static const uint32_t zero[4];
	if (is_amd(c))
		return put(c, 4, 0, zero);
	const struct kc_cache *caches[] = { &t->l1d, &t->l1i, &t->l2, &t->l3 };
	uint32_t v[4];
	for (uint32_t i = 0; i < 4; i++) {
		kc_cache_leaf4(caches[i], &c->topo, v);
		int r = put(c, 4, i, v);
		if (r)
			return r;
	}
	return put(c, 4, 4, zero);
}

static int put_leaf8000001d(struct kc_resolve *c, const struct kc_cache_table *t)
{
	static const uint32_t zero[4];
	const struct kc_cache *caches[] = { &t->l1d, &t->l1i, &t->l2, &t->l3 };
	uint32_t v[4];
	for (uint32_t i = 0; i < 4; i++) {
		kc_cache_leaf8000001d(caches[i], &c->topo, v);
		int r = put(c, 0x8000001d, i, v);
		if (r)
			return r;
	}
	return put(c, 0x8000001d, 4, zero);
}

static int put_leaf80000005(struct kc_resolve *c, const struct kc_cache_table *t)
{
	uint32_t v[4] = { 0 };
	if (!is_intel(c)) {
		v[0] = amd_l1_tlb(&kc_tlbs.l1_dtlb_2m, &kc_tlbs.l1_itlb_2m);
		v[1] = amd_l1_tlb(&kc_tlbs.l1_dtlb_4k, &kc_tlbs.l1_itlb_4k);
		v[2] = kc_cache_amd_l1(&t->l1d);
		v[3] = kc_cache_amd_l1(&t->l1i);
	}
	return put(c, 0x80000005, 0, v);
}

static int put_leaf80000006(struct kc_resolve *c, const struct kc_cache_table *t)
{
	uint32_t v[4] = { 0, 0, kc_cache_amd_l2(&t->l2), 0 };
	if (!is_intel(c) && !is_zhaoxin(c)) {
		v[0] = amd_l2_tlb(&kc_tlbs.l2_dtlb_2m, &kc_tlbs.l2_itlb_2m);
		v[1] = amd_l2_tlb(&kc_tlbs.l2_dtlb_4k, &kc_tlbs.l2_itlb_4k);
		v[3] = kc_cache_amd_l3(&t->l3);
	}
	return put(c, 0x80000006, 0, v);
}

/* host-cache-info: the host's registers of (fn, idx), zeros when the host lacks them. */
static void host_regs(const struct kc_resolve *c, uint32_t fn, uint32_t idx, uint32_t v[4])
{
	const struct kvmcpu_cpuid_entry *h = kvmcpu_host_cpuid_find(c->host, fn, idx);
	v[0] = h ? h->eax : 0;
	v[1] = h ? h->ebx : 0;
	v[2] = h ? h->ecx : 0;
	v[3] = h ? h->edx : 0;
}

/*
 * host-cache-info for leaves 4 and 0x8000001D: the host's subleaves up to the
 * first without a cache. Leaf 4 gets the guest's core count, and a cache the
 * host shares among more logical processors than a guest package has is
 * shared by the whole package.
 */
static int put_host_cache_subleaves(struct kc_resolve *c, uint32_t fn)
{
	/* A host that never ends the list still gets a bounded table. */
	for (uint32_t i = 0; i < MAX_HOST_SUBLEAVES; i++) {
		uint32_t v[4];
		host_regs(c, fn, i, v);
		if (fn == 4 && (v[0] & 0x1f)) {
			uint32_t host_sharing =
				((v[0] >> CACHE_SHARING_SHIFT) & CACHE_SHARING_MAX) + 1;
			v[0] &= ~(CACHE_CORES_MAX << CACHE_CORES_SHIFT);
			v[0] |= kc_cache_core_ids(&c->topo) << CACHE_CORES_SHIFT;
			if (host_sharing > kc_topo_threads_per_pkg(&c->topo)) {
				v[0] &= ~(CACHE_SHARING_MAX << CACHE_SHARING_SHIFT);
				v[0] |= kc_cache_sharing_ids(&c->topo, KC_SHARE_SOCKET)
					<< CACHE_SHARING_SHIFT;
			}
		}
		int r = put(c, fn, i, v);
		if (r || !v[0])
			return r;
	}
	return 0;
}

static int put_host_cache_leaf(struct kc_resolve *c, uint32_t fn)
{
	if (fn == 4 || fn == 0x8000001d)
		return put_host_cache_subleaves(c, fn);
	uint32_t v[4];
	host_regs(c, fn, 0, v);
	return put(c, fn, 0, v);
}

/* One cache leaf from the model's description, for a guest of basic level @level. */
static int put_cache_leaf(struct kc_resolve *c, const struct kc_cache_table *t, uint32_t fn,
			  uint32_t level)
{
	uint32_t v[4] = { 0 };
	switch (fn) {
	case 2:
		if (!is_amd(c))
			kc_cache_leaf2(t, level, v);
		return put(c, 2, 0, v);
	case 4:
		return put_leaf4(c, t);
	case 0x80000005:
		return put_leaf80000005(c, t);
	case 0x80000006:
		return put_leaf80000006(c, t);
	default:
		return put_leaf8000001d(c, t);
	}
}

static uint32_t limit_of(struct kc_resolve *c, uint32_t fn)
{
	const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(c->r, fn, 0);
	return e ? e->eax : 0;
}

int kc_caches_build(struct kc_resolve *c)
{
	static const uint32_t leaves[] = { 2, 4, 0x80000005, 0x80000006, 0x8000001d };
	uint32_t level = limit_of(c, 0), xlevel = limit_of(c, 0x80000000);
	const struct kc_cache_table *t = kc_caches_of(c->model, c->vendor);
	for (size_t i = 0; i < KC_ARRAY_SIZE(leaves); i++) {
		uint32_t fn = leaves[i];
		remove_leaf(c->r, fn);
		if (fn > (fn & 0x80000000u ? xlevel : level))
			continue;
		int r = c->cfg->host_cache_info ? put_host_cache_leaf(c, fn)
						: put_cache_leaf(c, t, fn, level);
		if (r)
			return r;
	}
	return 0;
}
