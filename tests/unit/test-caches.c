/* SPDX-License-Identifier: MIT */
/*
 * The cache leaves (src/resolve/caches.c). Expected values come from two
 * sources independent of the code: the register layouts of the Intel SDM
 * (Vol. 2A, CPUID leaves 2 and 4) and AMD APM (Vol. 3, Appendix E, leaves
 * 0x80000005/6 and 0x8000001D), worked by hand; and the tables QEMU 11.1.3
 * hands KVM_SET_CPUID2, recorded with an ioctl interposer from
 *   qemu-system-x86_64 -machine pc -accel kvm -cpu MODEL,vendor=VENDOR -smp SMP
 * (vCPU 0; cache leaves are the same on every vCPU).
 */
#include <errno.h>

#include "helpers.h"
#include "resolve/resolve-priv.h"
#include "util/util.h"

enum { EAX, EBX, ECX, EDX };

static const struct kc_topology one_cpu = { 1, 1, 1, 1, 1, 1 };

/* SDM Vol. 2A, leaf 4: a 48 KiB 12-way data cache, 64-byte lines, 64 sets, per core. */
static void test_leaf4_layout(void)
{
	const struct kc_cache l1d = { .type = KC_CACHE_DATA, .level = 1, .size = 48 * 1024,
				      .line_size = 64, .associativity = 12, .partitions = 1,
				      .sets = 64, .self_init = true, .share = KC_SHARE_CORE };
	uint32_t v[4];
	kc_cache_leaf4(&l1d, &one_cpu, v);
	/* EAX: type 1 (data) in 4:0, level 1 in 7:5, self-initializing bit 8; no sharing. */
	CHECK_EQ(v[EAX], 0x1 | 1 << 5 | 1 << 8);
	/* EBX: line size - 1 (11:0), partitions - 1 (21:12), ways - 1 (31:22). */
	CHECK_EQ(v[EBX], 63 | 0 << 12 | 11u << 22);
	CHECK_EQ(v[ECX], 63); /* sets - 1 */
	CHECK_EQ(v[EDX], 0);
	/* Two threads per core: 2 IDs share it (EAX[25:14] = 1); 4 cores in a package of
	 * 8 threads: EAX[31:26] = 4 - 1. */
	const struct kc_topology t = { 8, 1, 1, 1, 4, 2 };
	kc_cache_leaf4(&l1d, &t, v);
	CHECK_EQ(v[EAX] >> 14 & 0xfff, 1);
	CHECK_EQ(v[EAX] >> 26, 3);
	/* Three cores still take two APIC ID bits: EAX[31:26] = 4 - 1. */
	const struct kc_topology t3 = { 3, 1, 1, 1, 3, 1 };
	kc_cache_leaf4(&l1d, &t3, v);
	CHECK_EQ(v[EAX] >> 26, 3);
	/* EDX: WBINVD (bit 0), inclusive (bit 1), complex indexing (bit 2). */
	const struct kc_cache l3 = { .type = KC_CACHE_UNIFIED, .level = 3, .size = 16 << 20,
				     .line_size = 64, .associativity = 16, .partitions = 1,
				     .sets = 16384, .no_invd_sharing = true, .inclusive = true,
				     .complex_indexing = true, .share = KC_SHARE_SOCKET };
	kc_cache_leaf4(&l3, &t, v);
	CHECK_EQ(v[EDX], 7);
	CHECK_EQ(v[EAX] & 0x1f, 3);     /* unified */
	CHECK_EQ(v[EAX] >> 5 & 7, 3);   /* level 3 */
	CHECK_EQ(v[EAX] >> 14 & 0xfff, 7); /* the whole package: 8 IDs */
	/* 0x8000001D (APM E.4.15) has no core count and keeps only EDX bits 0-1. */
	kc_cache_leaf8000001d(&l3, &t, v);
	CHECK_EQ(v[EAX] >> 26, 0);
	CHECK_EQ(v[EAX] >> 14 & 0xfff, 7);
	CHECK_EQ(v[EDX], 3);
}

/* The sharing and core counts saturate at their field widths (12 and 6 bits). */
static void test_field_limits(void)
{
	const struct kc_topology big = { 2, 1, 4, 4, 512, 2 }; /* 2^14 logical processors */
	CHECK_EQ(kc_cache_sharing_ids(&big, KC_SHARE_SOCKET), 4095);
	CHECK_EQ(kc_cache_sharing_ids(&big, KC_SHARE_CORE), 1);
	CHECK_EQ(kc_cache_sharing_ids(&big, KC_SHARE_MODULE), 1023);
	CHECK_EQ(kc_cache_core_ids(&big), 63);
}

/* APM Vol. 3, E.4.5/E.4.6: L1 as KiB/ways/lines-per-tag/line; L2 in KiB and L3 in
 * 512 KiB units with the associativity code (8 ways: 6, 16 ways: 8). */
static void test_amd_l1_l2_l3(void)
{
	const struct kc_cache l1 = { .type = KC_CACHE_DATA, .level = 1, .size = 32 * 1024,
				     .line_size = 64, .associativity = 8, .partitions = 1,
				     .sets = 64, .lines_per_tag = 1 };
	CHECK_EQ(kc_cache_amd_l1(&l1), 32u << 24 | 8 << 16 | 1 << 8 | 64);
	const struct kc_cache l2 = { .type = KC_CACHE_UNIFIED, .level = 2, .size = 512 * 1024,
				     .line_size = 64, .associativity = 8, .partitions = 1,
				     .sets = 1024, .lines_per_tag = 1 };
	CHECK_EQ(kc_cache_amd_l2(&l2), 512u << 16 | 6 << 12 | 1 << 8 | 64);
	const struct kc_cache l3 = { .type = KC_CACHE_UNIFIED, .level = 3, .size = 32 << 20,
				     .line_size = 64, .associativity = 16, .partitions = 1,
				     .sets = 32768, .lines_per_tag = 1 };
	CHECK_EQ(kc_cache_amd_l3(&l3), 64u << 18 | 8 << 12 | 1 << 8 | 64);
	/* 12 ways has no code in QEMU's table: 0, as QEMU writes it. */
	const struct kc_cache l2_12 = { .type = KC_CACHE_UNIFIED, .level = 2, .size = 3 << 20,
					.line_size = 64, .associativity = 12, .partitions = 1,
					.sets = 4096 };
	CHECK_EQ(kc_cache_amd_l2(&l2_12) >> 12 & 0xf, 0);
}

/* SDM Vol. 2A Table 3-12: descriptors only below level 4 and only when all four match. */
static void test_leaf2(void)
{
	uint32_t v[4];
	/* legacy_intel_cpuid2_cache_info: 0x2C (L1d 32K 8-way 64B), 0x30 (L1i), 0x7D (L2 2M
	 * 8-way), 0x4D (L3 16M 16-way). */
	kc_cache_leaf2(&kc_cache_tables[KC_CACHES_LEGACY_INTEL_CPUID2], 3, v);
	CHECK_EQ(v[EAX], 1);
	CHECK_EQ(v[EBX], 0);
	CHECK_EQ(v[ECX], 0x4d);
	CHECK_EQ(v[EDX], 0x2c307d);
	/* Level 4 and up: 0xFF, "use leaf 4". */
	kc_cache_leaf2(&kc_cache_tables[KC_CACHES_LEGACY_INTEL_CPUID2], 4, v);
	CHECK_EQ(v[ECX], 0);
	CHECK_EQ(v[EDX], 0xff);
	/* A 64 KiB 2-way L1 (legacy AMD) has no descriptor: 0xFF even at level 3. */
	kc_cache_leaf2(&kc_cache_tables[KC_CACHES_LEGACY_AMD], 3, v);
	CHECK_EQ(v[ECX], 0);
	CHECK_EQ(v[EDX], 0xff);
}

/* Every table is self-consistent: size = line * ways * partitions * sets, and the
 * encoders' preconditions (QEMU asserts them) hold. */
static void test_tables_consistent(void)
{
	for (unsigned i = 1; i < KC_NCACHE_TABLES; i++) {
		const struct kc_cache_table *t = &kc_cache_tables[i];
		const struct kc_cache *k[] = { &t->l1d, &t->l1i, &t->l2, &t->l3 };
		for (int j = 0; j < 4; j++) {
			CHECK_MSG((uint64_t)k[j]->line_size * k[j]->associativity * k[j]->partitions *
					  k[j]->sets == k[j]->size, "%s cache %d", t->name, j);
			CHECK_MSG(k[j]->associativity < k[j]->sets, "%s cache %d", t->name, j);
			CHECK_MSG(k[j]->level == (j < 2 ? 1 : j), "%s cache %d", t->name, j);
		}
		CHECK_MSG(t->l3.size % (512 * 1024) == 0, "%s L3", t->name);
	}
}

/* Which table a model uses: its own, or the legacy one of its vendor. */
static void test_table_choice(void)
{
	CHECK(kc_caches_of(kvmcpu_model_find("EPYC-Rome-v3"), "AuthenticAMD") ==
	      &kc_cache_tables[KC_CACHES_EPYC_ROME_V3]);
	CHECK(kc_caches_of(kvmcpu_model_find("SapphireRapids-v3"), "GenuineIntel") ==
	      &kc_cache_tables[KC_CACHES_LEGACY_INTEL]);
	CHECK(kc_caches_of(kvmcpu_model_find("SapphireRapids-v4"), "GenuineIntel") ==
	      &kc_cache_tables[KC_CACHES_XEON_SPR]);
	CHECK(kc_caches_of(kvmcpu_model_find("ClearwaterForest-v3"), "GenuineIntel") ==
	      &kc_cache_tables[KC_CACHES_XEON_CWF]);
	CHECK(kc_caches_of(kvmcpu_model_find("pentium3"), "GenuineIntel") ==
	      &kc_cache_tables[KC_CACHES_LEGACY_INTEL_CPUID2]);
	CHECK(kc_caches_of(kvmcpu_model_find("Opteron_G5"), "AuthenticAMD") ==
	      &kc_cache_tables[KC_CACHES_LEGACY_AMD]);
	CHECK(kc_caches_of(NULL, "AuthenticAMD") == &kc_cache_tables[KC_CACHES_LEGACY_AMD]);
	CHECK(kc_caches_of(NULL, "GenuineIntel") == &kc_cache_tables[KC_CACHES_LEGACY_INTEL]);
}

/* QEMU 11.1.3's leaf 4 / 0x8000001D subleaves 0-3 at several topologies. */
static const struct {
	const char *model;
	struct kc_topology topo;
	uint32_t leaf, subleaf;
	uint32_t regs[4];
} recorded[] = {
	/* -smp 2,threads=2 */
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 1, 2 }, 0x4, 0, { 0x00004121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 1, 2 }, 0x4, 1, { 0x00004122, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 1, 2 }, 0x4, 2, { 0x00004143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 1, 2 }, 0x4, 3, { 0x00004163, 0x0380003f, 0x0000ffff, 0x00000004 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 1, { 0x00004122, 0x01c0003f, 0x0000007f, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 2, { 0x00004143, 0x03c0003f, 0x00000fff, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 3, { 0x00004163, 0x02c0003f, 0x00023fff, 0x00000004 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 0, { 0x00004121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 1, { 0x00004122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 2, { 0x00004143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 3, { 0x00004163, 0x03c0003f, 0x00047fff, 0x00000004 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 1, 2 }, 0x4, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 1, 2 }, 0x4, 1, { 0x00004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 1, 2 }, 0x4, 2, { 0x00004143, 0x03c0003f, 0x00000fff, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 1, 2 }, 0x4, 3, { 0x00004163, 0x03c0003f, 0x00003fff, 0x00000006 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 1, { 0x00004122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 2, { 0x00004143, 0x01c0003f, 0x000001ff, 0x00000002 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 1, 2 }, 0x4, 3, { 0x00004163, 0x03c0003f, 0x00001fff, 0x00000003 } },
	{ "Dhyana", { 2, 1, 1, 1, 1, 2 }, 0x4, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 1, 2 }, 0x4, 1, { 0x00004122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 1, 2 }, 0x4, 2, { 0x00004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 2, 1, 1, 1, 1, 2 }, 0x4, 3, { 0x00004163, 0x03c0003f, 0x00001fff, 0x00000006 } },
	{ "Dhyana", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 1, { 0x00004122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 3, { 0x00004163, 0x03c0003f, 0x00001fff, 0x00000002 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 1, { 0x00004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 3, { 0x00004163, 0x03c0003f, 0x00003fff, 0x00000002 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 1, { 0x00004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000007ff, 0x00000000 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 1, 2 }, 0x8000001d, 3, { 0x00004163, 0x03c0003f, 0x00007fff, 0x00000002 } },
	/* -smp 4,cores=4 */
	{ "SapphireRapids-v4", { 4, 1, 1, 1, 4, 1 }, 0x4, 0, { 0x0c000121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 4, 1, 1, 1, 4, 1 }, 0x4, 1, { 0x0c000122, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 4, 1, 1, 1, 4, 1 }, 0x4, 2, { 0x0c000143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "SapphireRapids-v4", { 4, 1, 1, 1, 4, 1 }, 0x4, 3, { 0x0c00c163, 0x0380003f, 0x0000ffff, 0x00000004 } },
	{ "SierraForest-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 0, { 0x0c000121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SierraForest-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 1, { 0x0c000122, 0x01c0003f, 0x0000007f, 0x00000000 } },
	{ "SierraForest-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 2, { 0x0c00c143, 0x03c0003f, 0x00000fff, 0x00000000 } },
	{ "SierraForest-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 3, { 0x0c00c163, 0x02c0003f, 0x00023fff, 0x00000004 } },
	{ "GraniteRapids-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 0, { 0x0c000121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 1, { 0x0c000122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 2, { 0x0c000143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "GraniteRapids-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 3, { 0x0c00c163, 0x03c0003f, 0x00047fff, 0x00000004 } },
	{ "Skylake-Client", { 4, 1, 1, 1, 4, 1 }, 0x4, 0, { 0x0c000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 4, 1, 1, 1, 4, 1 }, 0x4, 1, { 0x0c000122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 4, 1, 1, 1, 4, 1 }, 0x4, 2, { 0x0c000143, 0x03c0003f, 0x00000fff, 0x00000001 } },
	{ "Skylake-Client", { 4, 1, 1, 1, 4, 1 }, 0x4, 3, { 0x0c00c163, 0x03c0003f, 0x00003fff, 0x00000006 } },
	{ "YongFeng-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 0, { 0x0c000121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 1, { 0x0c000122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 2, { 0x0c000143, 0x01c0003f, 0x000001ff, 0x00000002 } },
	{ "YongFeng-v3", { 4, 1, 1, 1, 4, 1 }, 0x4, 3, { 0x0c00c163, 0x03c0003f, 0x00001fff, 0x00000003 } },
	{ "Dhyana", { 4, 1, 1, 1, 4, 1 }, 0x4, 0, { 0x0c000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 4, 1, 1, 1, 4, 1 }, 0x4, 1, { 0x0c000122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 4, 1, 1, 1, 4, 1 }, 0x4, 2, { 0x0c000043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 4, 1, 1, 1, 4, 1 }, 0x4, 3, { 0x0c00c163, 0x03c0003f, 0x00001fff, 0x00000006 } },
	{ "Dhyana", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 0, { 0x00000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 1, { 0x00000122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 2, { 0x00000043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 3, { 0x0000c163, 0x03c0003f, 0x00001fff, 0x00000002 } },
	{ "EPYC-Rome", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 0, { 0x00000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 1, { 0x00000122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 2, { 0x00000043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "EPYC-Rome", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 3, { 0x0000c163, 0x03c0003f, 0x00003fff, 0x00000002 } },
	{ "EPYC-Genoa", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 0, { 0x00000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 1, { 0x00000122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 2, { 0x00000043, 0x01c0003f, 0x000007ff, 0x00000000 } },
	{ "EPYC-Genoa", { 4, 1, 1, 1, 4, 1 }, 0x8000001d, 3, { 0x0000c163, 0x03c0003f, 0x00007fff, 0x00000002 } },
	/* -smp 8,sockets=2,cores=2,threads=2 */
	{ "SapphireRapids-v4", { 8, 2, 1, 1, 2, 2 }, 0x4, 0, { 0x04004121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 8, 2, 1, 1, 2, 2 }, 0x4, 1, { 0x04004122, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 8, 2, 1, 1, 2, 2 }, 0x4, 2, { 0x04004143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "SapphireRapids-v4", { 8, 2, 1, 1, 2, 2 }, 0x4, 3, { 0x0400c163, 0x0380003f, 0x0000ffff, 0x00000004 } },
	{ "SierraForest-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 0, { 0x04004121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SierraForest-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 1, { 0x04004122, 0x01c0003f, 0x0000007f, 0x00000000 } },
	{ "SierraForest-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 2, { 0x0400c143, 0x03c0003f, 0x00000fff, 0x00000000 } },
	{ "SierraForest-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 3, { 0x0400c163, 0x02c0003f, 0x00023fff, 0x00000004 } },
	{ "GraniteRapids-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 0, { 0x04004121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 1, { 0x04004122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 2, { 0x04004143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "GraniteRapids-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 3, { 0x0400c163, 0x03c0003f, 0x00047fff, 0x00000004 } },
	{ "Skylake-Client", { 8, 2, 1, 1, 2, 2 }, 0x4, 0, { 0x04004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 8, 2, 1, 1, 2, 2 }, 0x4, 1, { 0x04004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 8, 2, 1, 1, 2, 2 }, 0x4, 2, { 0x04004143, 0x03c0003f, 0x00000fff, 0x00000001 } },
	{ "Skylake-Client", { 8, 2, 1, 1, 2, 2 }, 0x4, 3, { 0x0400c163, 0x03c0003f, 0x00003fff, 0x00000006 } },
	{ "YongFeng-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 0, { 0x04004121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 1, { 0x04004122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 2, { 0x04004143, 0x01c0003f, 0x000001ff, 0x00000002 } },
	{ "YongFeng-v3", { 8, 2, 1, 1, 2, 2 }, 0x4, 3, { 0x0400c163, 0x03c0003f, 0x00001fff, 0x00000003 } },
	{ "Dhyana", { 8, 2, 1, 1, 2, 2 }, 0x4, 0, { 0x04004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 8, 2, 1, 1, 2, 2 }, 0x4, 1, { 0x04004122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 8, 2, 1, 1, 2, 2 }, 0x4, 2, { 0x04004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 8, 2, 1, 1, 2, 2 }, 0x4, 3, { 0x0400c163, 0x03c0003f, 0x00001fff, 0x00000006 } },
	{ "Dhyana", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 1, { 0x00004122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 3, { 0x0000c163, 0x03c0003f, 0x00001fff, 0x00000002 } },
	{ "EPYC-Rome", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 1, { 0x00004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "EPYC-Rome", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 3, { 0x0000c163, 0x03c0003f, 0x00003fff, 0x00000002 } },
	{ "EPYC-Genoa", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 1, { 0x00004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000007ff, 0x00000000 } },
	{ "EPYC-Genoa", { 8, 2, 1, 1, 2, 2 }, 0x8000001d, 3, { 0x0000c163, 0x03c0003f, 0x00007fff, 0x00000002 } },
	/* -smp 4,dies=2,cores=2 */
	{ "SapphireRapids-v4", { 4, 1, 2, 1, 2, 1 }, 0x4, 0, { 0x0c000121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 4, 1, 2, 1, 2, 1 }, 0x4, 1, { 0x0c000122, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 4, 1, 2, 1, 2, 1 }, 0x4, 2, { 0x0c000143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "SapphireRapids-v4", { 4, 1, 2, 1, 2, 1 }, 0x4, 3, { 0x0c00c163, 0x0380003f, 0x0000ffff, 0x00000004 } },
	{ "SierraForest-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 0, { 0x0c000121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SierraForest-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 1, { 0x0c000122, 0x01c0003f, 0x0000007f, 0x00000000 } },
	{ "SierraForest-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 2, { 0x0c004143, 0x03c0003f, 0x00000fff, 0x00000000 } },
	{ "SierraForest-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 3, { 0x0c00c163, 0x02c0003f, 0x00023fff, 0x00000004 } },
	{ "GraniteRapids-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 0, { 0x0c000121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 1, { 0x0c000122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 2, { 0x0c000143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "GraniteRapids-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 3, { 0x0c00c163, 0x03c0003f, 0x00047fff, 0x00000004 } },
	{ "Skylake-Client", { 4, 1, 2, 1, 2, 1 }, 0x4, 0, { 0x0c000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 4, 1, 2, 1, 2, 1 }, 0x4, 1, { 0x0c000122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 4, 1, 2, 1, 2, 1 }, 0x4, 2, { 0x0c000143, 0x03c0003f, 0x00000fff, 0x00000001 } },
	{ "Skylake-Client", { 4, 1, 2, 1, 2, 1 }, 0x4, 3, { 0x0c004163, 0x03c0003f, 0x00003fff, 0x00000006 } },
	{ "YongFeng-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 0, { 0x0c000121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 1, { 0x0c000122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 2, { 0x0c000143, 0x01c0003f, 0x000001ff, 0x00000002 } },
	{ "YongFeng-v3", { 4, 1, 2, 1, 2, 1 }, 0x4, 3, { 0x0c004163, 0x03c0003f, 0x00001fff, 0x00000003 } },
	{ "Dhyana", { 4, 1, 2, 1, 2, 1 }, 0x4, 0, { 0x0c000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 4, 1, 2, 1, 2, 1 }, 0x4, 1, { 0x0c000122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 4, 1, 2, 1, 2, 1 }, 0x4, 2, { 0x0c000043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 4, 1, 2, 1, 2, 1 }, 0x4, 3, { 0x0c004163, 0x03c0003f, 0x00001fff, 0x00000006 } },
	{ "Dhyana", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 0, { 0x00000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 1, { 0x00000122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 2, { 0x00000043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 3, { 0x00004163, 0x03c0003f, 0x00001fff, 0x00000002 } },
	{ "EPYC-Rome", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 0, { 0x00000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 1, { 0x00000122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 2, { 0x00000043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "EPYC-Rome", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 3, { 0x00004163, 0x03c0003f, 0x00003fff, 0x00000002 } },
	{ "EPYC-Genoa", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 0, { 0x00000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 1, { 0x00000122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 2, { 0x00000043, 0x01c0003f, 0x000007ff, 0x00000000 } },
	{ "EPYC-Genoa", { 4, 1, 2, 1, 2, 1 }, 0x8000001d, 3, { 0x00004163, 0x03c0003f, 0x00007fff, 0x00000002 } },
	/* -smp 12,modules=3,cores=2,threads=2 */
	{ "SapphireRapids-v4", { 12, 1, 1, 3, 2, 2 }, 0x4, 0, { 0x1c004121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 12, 1, 1, 3, 2, 2 }, 0x4, 1, { 0x1c004122, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 12, 1, 1, 3, 2, 2 }, 0x4, 2, { 0x1c004143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "SapphireRapids-v4", { 12, 1, 1, 3, 2, 2 }, 0x4, 3, { 0x1c03c163, 0x0380003f, 0x0000ffff, 0x00000004 } },
	{ "SierraForest-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 0, { 0x1c004121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SierraForest-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 1, { 0x1c004122, 0x01c0003f, 0x0000007f, 0x00000000 } },
	{ "SierraForest-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 2, { 0x1c00c143, 0x03c0003f, 0x00000fff, 0x00000000 } },
	{ "SierraForest-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 3, { 0x1c03c163, 0x02c0003f, 0x00023fff, 0x00000004 } },
	{ "GraniteRapids-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 0, { 0x1c004121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 1, { 0x1c004122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 2, { 0x1c004143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "GraniteRapids-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 3, { 0x1c03c163, 0x03c0003f, 0x00047fff, 0x00000004 } },
	{ "Skylake-Client", { 12, 1, 1, 3, 2, 2 }, 0x4, 0, { 0x1c004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 12, 1, 1, 3, 2, 2 }, 0x4, 1, { 0x1c004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 12, 1, 1, 3, 2, 2 }, 0x4, 2, { 0x1c004143, 0x03c0003f, 0x00000fff, 0x00000001 } },
	{ "Skylake-Client", { 12, 1, 1, 3, 2, 2 }, 0x4, 3, { 0x1c03c163, 0x03c0003f, 0x00003fff, 0x00000006 } },
	{ "YongFeng-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 0, { 0x1c004121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 1, { 0x1c004122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 2, { 0x1c004143, 0x01c0003f, 0x000001ff, 0x00000002 } },
	{ "YongFeng-v3", { 12, 1, 1, 3, 2, 2 }, 0x4, 3, { 0x1c03c163, 0x03c0003f, 0x00001fff, 0x00000003 } },
	{ "Dhyana", { 12, 1, 1, 3, 2, 2 }, 0x4, 0, { 0x1c004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 12, 1, 1, 3, 2, 2 }, 0x4, 1, { 0x1c004122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 12, 1, 1, 3, 2, 2 }, 0x4, 2, { 0x1c004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 12, 1, 1, 3, 2, 2 }, 0x4, 3, { 0x1c03c163, 0x03c0003f, 0x00001fff, 0x00000006 } },
	{ "Dhyana", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 1, { 0x00004122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 3, { 0x0003c163, 0x03c0003f, 0x00001fff, 0x00000002 } },
	{ "EPYC-Rome", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 1, { 0x00004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "EPYC-Rome", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 3, { 0x0003c163, 0x03c0003f, 0x00003fff, 0x00000002 } },
	{ "EPYC-Genoa", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 1, { 0x00004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000007ff, 0x00000000 } },
	{ "EPYC-Genoa", { 12, 1, 1, 3, 2, 2 }, 0x8000001d, 3, { 0x0003c163, 0x03c0003f, 0x00007fff, 0x00000002 } },
	/* -smp 2,maxcpus=128,cores=64,threads=2 */
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 64, 2 }, 0x4, 0, { 0xfc004121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 64, 2 }, 0x4, 1, { 0xfc004122, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 64, 2 }, 0x4, 2, { 0xfc004143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 64, 2 }, 0x4, 3, { 0xfc1fc163, 0x0380003f, 0x0000ffff, 0x00000004 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 0, { 0xfc004121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 1, { 0xfc004122, 0x01c0003f, 0x0000007f, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 2, { 0xfc1fc143, 0x03c0003f, 0x00000fff, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 3, { 0xfc1fc163, 0x02c0003f, 0x00023fff, 0x00000004 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 0, { 0xfc004121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 1, { 0xfc004122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 2, { 0xfc004143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 3, { 0xfc1fc163, 0x03c0003f, 0x00047fff, 0x00000004 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 64, 2 }, 0x4, 0, { 0xfc004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 64, 2 }, 0x4, 1, { 0xfc004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 64, 2 }, 0x4, 2, { 0xfc004143, 0x03c0003f, 0x00000fff, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 64, 2 }, 0x4, 3, { 0xfc1fc163, 0x03c0003f, 0x00003fff, 0x00000006 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 0, { 0xfc004121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 1, { 0xfc004122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 2, { 0xfc004143, 0x01c0003f, 0x000001ff, 0x00000002 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 64, 2 }, 0x4, 3, { 0xfc1fc163, 0x03c0003f, 0x00001fff, 0x00000003 } },
	{ "Dhyana", { 2, 1, 1, 1, 64, 2 }, 0x4, 0, { 0xfc004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 64, 2 }, 0x4, 1, { 0xfc004122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 64, 2 }, 0x4, 2, { 0xfc004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 2, 1, 1, 1, 64, 2 }, 0x4, 3, { 0xfc1fc163, 0x03c0003f, 0x00001fff, 0x00000006 } },
	{ "Dhyana", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 1, { 0x00004122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 3, { 0x001fc163, 0x03c0003f, 0x00001fff, 0x00000002 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 1, { 0x00004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 3, { 0x001fc163, 0x03c0003f, 0x00003fff, 0x00000002 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 0, { 0x00004121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 1, { 0x00004122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 2, { 0x00004043, 0x01c0003f, 0x000007ff, 0x00000000 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 64, 2 }, 0x8000001d, 3, { 0x001fc163, 0x03c0003f, 0x00007fff, 0x00000002 } },
	/* -smp 2,maxcpus=255,cores=255 */
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 255, 1 }, 0x4, 0, { 0xfc000121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 255, 1 }, 0x4, 1, { 0xfc000122, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 255, 1 }, 0x4, 2, { 0xfc000143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 1, 1, 255, 1 }, 0x4, 3, { 0xfc3fc163, 0x0380003f, 0x0000ffff, 0x00000004 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 0, { 0xfc000121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 1, { 0xfc000122, 0x01c0003f, 0x0000007f, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 2, { 0xfc3fc143, 0x03c0003f, 0x00000fff, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 3, { 0xfc3fc163, 0x02c0003f, 0x00023fff, 0x00000004 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 0, { 0xfc000121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 1, { 0xfc000122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 2, { 0xfc000143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 3, { 0xfc3fc163, 0x03c0003f, 0x00047fff, 0x00000004 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 255, 1 }, 0x4, 0, { 0xfc000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 255, 1 }, 0x4, 1, { 0xfc000122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 255, 1 }, 0x4, 2, { 0xfc000143, 0x03c0003f, 0x00000fff, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 1, 1, 255, 1 }, 0x4, 3, { 0xfc3fc163, 0x03c0003f, 0x00003fff, 0x00000006 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 0, { 0xfc000121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 1, { 0xfc000122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 2, { 0xfc000143, 0x01c0003f, 0x000001ff, 0x00000002 } },
	{ "YongFeng-v3", { 2, 1, 1, 1, 255, 1 }, 0x4, 3, { 0xfc3fc163, 0x03c0003f, 0x00001fff, 0x00000003 } },
	{ "Dhyana", { 2, 1, 1, 1, 255, 1 }, 0x4, 0, { 0xfc000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 255, 1 }, 0x4, 1, { 0xfc000122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 255, 1 }, 0x4, 2, { 0xfc000043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 2, 1, 1, 1, 255, 1 }, 0x4, 3, { 0xfc3fc163, 0x03c0003f, 0x00001fff, 0x00000006 } },
	{ "Dhyana", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 0, { 0x00000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 1, { 0x00000122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 2, { 0x00000043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 3, { 0x003fc163, 0x03c0003f, 0x00001fff, 0x00000002 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 0, { 0x00000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 1, { 0x00000122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 2, { 0x00000043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "EPYC-Rome", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 3, { 0x003fc163, 0x03c0003f, 0x00003fff, 0x00000002 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 0, { 0x00000121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 1, { 0x00000122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 2, { 0x00000043, 0x01c0003f, 0x000007ff, 0x00000000 } },
	{ "EPYC-Genoa", { 2, 1, 1, 1, 255, 1 }, 0x8000001d, 3, { 0x003fc163, 0x03c0003f, 0x00007fff, 0x00000002 } },
	/* -smp 2,maxcpus=240,dies=3,modules=5,cores=4,threads=4 */
	{ "SapphireRapids-v4", { 2, 1, 3, 5, 4, 4 }, 0x4, 0, { 0xfc00c121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 3, 5, 4, 4 }, 0x4, 1, { 0xfc00c122, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 3, 5, 4, 4 }, 0x4, 2, { 0xfc00c143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "SapphireRapids-v4", { 2, 1, 3, 5, 4, 4 }, 0x4, 3, { 0xfc7fc163, 0x0380003f, 0x0000ffff, 0x00000004 } },
	{ "SierraForest-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 0, { 0xfc00c121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 1, { 0xfc00c122, 0x01c0003f, 0x0000007f, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 2, { 0xfc03c143, 0x03c0003f, 0x00000fff, 0x00000000 } },
	{ "SierraForest-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 3, { 0xfc7fc163, 0x02c0003f, 0x00023fff, 0x00000004 } },
	{ "GraniteRapids-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 0, { 0xfc00c121, 0x02c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 1, { 0xfc00c122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 2, { 0xfc00c143, 0x03c0003f, 0x000007ff, 0x00000000 } },
	{ "GraniteRapids-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 3, { 0xfc7fc163, 0x03c0003f, 0x00047fff, 0x00000004 } },
	{ "Skylake-Client", { 2, 1, 3, 5, 4, 4 }, 0x4, 0, { 0xfc00c121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 3, 5, 4, 4 }, 0x4, 1, { 0xfc00c122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 3, 5, 4, 4 }, 0x4, 2, { 0xfc00c143, 0x03c0003f, 0x00000fff, 0x00000001 } },
	{ "Skylake-Client", { 2, 1, 3, 5, 4, 4 }, 0x4, 3, { 0xfc1fc163, 0x03c0003f, 0x00003fff, 0x00000006 } },
	{ "YongFeng-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 0, { 0xfc00c121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 1, { 0xfc00c122, 0x03c0003f, 0x0000003f, 0x00000000 } },
	{ "YongFeng-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 2, { 0xfc00c143, 0x01c0003f, 0x000001ff, 0x00000002 } },
	{ "YongFeng-v3", { 2, 1, 3, 5, 4, 4 }, 0x4, 3, { 0xfc1fc163, 0x03c0003f, 0x00001fff, 0x00000003 } },
	{ "Dhyana", { 2, 1, 3, 5, 4, 4 }, 0x4, 0, { 0xfc00c121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 2, 1, 3, 5, 4, 4 }, 0x4, 1, { 0xfc00c122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 2, 1, 3, 5, 4, 4 }, 0x4, 2, { 0xfc00c043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 2, 1, 3, 5, 4, 4 }, 0x4, 3, { 0xfc1fc163, 0x03c0003f, 0x00001fff, 0x00000006 } },
	{ "Dhyana", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 0, { 0x0000c121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "Dhyana", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 1, { 0x0000c122, 0x00c0003f, 0x000000ff, 0x00000001 } },
	{ "Dhyana", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 2, { 0x0000c043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "Dhyana", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 3, { 0x001fc163, 0x03c0003f, 0x00001fff, 0x00000002 } },
	{ "EPYC-Rome", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 0, { 0x0000c121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 1, { 0x0000c122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Rome", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 2, { 0x0000c043, 0x01c0003f, 0x000003ff, 0x00000000 } },
	{ "EPYC-Rome", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 3, { 0x001fc163, 0x03c0003f, 0x00003fff, 0x00000002 } },
	{ "EPYC-Genoa", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 0, { 0x0000c121, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 1, { 0x0000c122, 0x01c0003f, 0x0000003f, 0x00000001 } },
	{ "EPYC-Genoa", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 2, { 0x0000c043, 0x01c0003f, 0x000007ff, 0x00000000 } },
	{ "EPYC-Genoa", { 2, 1, 3, 5, 4, 4 }, 0x8000001d, 3, { 0x001fc163, 0x03c0003f, 0x00007fff, 0x00000002 } },
};

static void test_recorded_topologies(void)
{
	for (size_t i = 0; i < sizeof(recorded) / sizeof(recorded[0]); i++) {
		const struct kvmcpu_model *m = kvmcpu_model_find(recorded[i].model);
		CHECK_MSG(m != NULL, "%s", recorded[i].model);
		if (!m)
			continue;
		m = kvmcpu_model_resolve_alias(m);
		const struct kc_cache_table *t = kc_caches_of(m, kvmcpu_model_vendor(m));
		const struct kc_cache *k[] = { &t->l1d, &t->l1i, &t->l2, &t->l3 };
		uint32_t v[4];
		if (recorded[i].leaf == 4)
			kc_cache_leaf4(k[recorded[i].subleaf], &recorded[i].topo, v);
		else
			kc_cache_leaf8000001d(k[recorded[i].subleaf], &recorded[i].topo, v);
		for (int r = 0; r < 4; r++)
			CHECK_MSG(v[r] == recorded[i].regs[r],
				  "%s leaf 0x%x.%u reg %d at {%u,%u,%u,%u,%u,%u}: 0x%08x, QEMU 0x%08x",
				  recorded[i].model, recorded[i].leaf, recorded[i].subleaf, r,
				  recorded[i].topo.cpus, recorded[i].topo.sockets, recorded[i].topo.dies,
				  recorded[i].topo.modules, recorded[i].topo.cores, recorded[i].topo.threads,
				  v[r], recorded[i].regs[r]);
	}
}

/* One resolved model per vendor rule, whole leaves, against QEMU 11.1.3 at -smp 1. */
static void check_leaf(const struct kvmcpu_result *r, const char *model, uint32_t fn, uint32_t idx,
		       uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(r, fn, idx);
	CHECK_MSG(e != NULL, "%s has no leaf 0x%x.%u", model, fn, idx);
	if (!e)
		return;
	CHECK_MSG(e->eax == a && e->ebx == b && e->ecx == c && e->edx == d,
		  "%s leaf 0x%x.%u: %08x %08x %08x %08x, QEMU %08x %08x %08x %08x", model, fn, idx,
		  e->eax, e->ebx, e->ecx, e->edx, a, b, c, d);
}

static struct kvmcpu_result *resolve_model(struct kvmcpu_host *h, const char *model)
{
	char params[128];
	struct kvmcpu_error err;
	snprintf(params, sizeof(params), "cpu=%s", model);
	struct kvmcpu_result *r = resolve(params, h, &err);
	CHECK_MSG(r != NULL, "%s: %s", model, err.message);
	return r;
}

static void test_resolved_vendors(void)
{
	struct kvmcpu_host *h = all_ones_host();
	struct kvmcpu_result *r;
	/* AuthenticAMD: leaves 2 and 4 empty, legacy AMD caches and TLBs in 0x80000005/6. */
	if ((r = resolve_model(h, "qemu64"))) {
		check_leaf(r, "qemu64", 2, 0, 0, 0, 0, 0);
		check_leaf(r, "qemu64", 4, 0, 0, 0, 0, 0);
		CHECK(kvmcpu_result_cpuid_find(r, 4, 1) == NULL);
		check_leaf(r, "qemu64", 0x80000005, 0, 0x01ff01ff, 0x01ff01ff, 0x40020140, 0x40020140);
		check_leaf(r, "qemu64", 0x80000006, 0, 0, 0x42004200, 0x02008140, 0x00808140);
		kvmcpu_result_free(r);
	}
	/* Level 3: leaf 2 descriptors; no leaf 4. */
	if ((r = resolve_model(h, "pentium3"))) {
		check_leaf(r, "pentium3", 2, 0, 1, 0, 0x4d, 0x002c307d);
		CHECK(kvmcpu_result_cpuid_find(r, 4, 0) == NULL);
		kvmcpu_result_free(r);
	}
	/* Zhaoxin: 0x80000005 as AMD, 0x80000006 only the L2. */
	if ((r = resolve_model(h, "YongFeng-v3"))) {
		check_leaf(r, "YongFeng-v3", 2, 0, 1, 0, 0, 0xff);
		check_leaf(r, "YongFeng-v3", 4, 1, 0x122, 0x03c0003f, 0x3f, 0);
		check_leaf(r, "YongFeng-v3", 0x80000005, 0, 0x01ff01ff, 0x01ff01ff, 0x20080140, 0x40100140);
		check_leaf(r, "YongFeng-v3", 0x80000006, 0, 0, 0, 0x01006040, 0);
		kvmcpu_result_free(r);
	}
	/* Hygon: Intel's leaves 2 and 4 and AMD's; leaf 4 keeps complex indexing, 0x8000001D not. */
	if ((r = resolve_model(h, "Dhyana"))) {
		check_leaf(r, "Dhyana", 4, 3, 0x163, 0x03c0003f, 0x1fff, 6);
		check_leaf(r, "Dhyana", 0x8000001d, 3, 0x163, 0x03c0003f, 0x1fff, 2);
		check_leaf(r, "Dhyana", 0x8000001d, 4, 0, 0, 0, 0);
		check_leaf(r, "Dhyana", 0x80000006, 0, 0, 0x42004200, 0x02006140, 0x00408140);
		kvmcpu_result_free(r);
	}
	/* GenuineIntel: 0x80000005 empty, 0x80000006 only the L2 (SPR: 2 MiB 16-way). */
	if ((r = resolve_model(h, "SapphireRapids-v4"))) {
		check_leaf(r, "SapphireRapids-v4", 0x80000005, 0, 0, 0, 0, 0);
		check_leaf(r, "SapphireRapids-v4", 0x80000006, 0, 0, 0, 0x08008040, 0);
		check_leaf(r, "SapphireRapids-v4", 4, 3, 0x163, 0x0380003f, 0xffff, 4);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/*
 * kc_caches_build reads the topology from c->topo only: a resolver context with
 * a topology set by hand gives QEMU 11.1.3's leaves for that -smp.
 */
static struct kvmcpu_result *build_at(const char *model, struct kc_topology topo,
				      struct kvmcpu_host *h)
{
	char params[128];
	struct kvmcpu_config *cfg;
	struct kvmcpu_error err;
	snprintf(params, sizeof(params), "cpu=%s", model);
	if (kvmcpu_config_parse(params, &cfg, &err)) {
		CHECK_MSG(0, "%s: %s", model, err.message);
		return NULL;
	}
	struct kvmcpu_result *r = kc_result_new();
	struct kc_resolve c = { .cfg = cfg, .host = h, .r = r, .model = cfg->model, .err = &err };
	kc_strlcpy(c.vendor, c.model->vendor, sizeof(c.vendor));
	c.topo = topo;
	kc_result_set(r, 0, 0, 0, c.model->level, 0, 0, 0);
	kc_result_set(r, 0x80000000, 0, 0, c.model->xlevel, 0, 0, 0);
	CHECK_EQ(kc_caches_build(&c), 0);
	kvmcpu_config_free(cfg);
	return r;
}

static void test_build_with_topology(void)
{
	struct kvmcpu_host *h = all_ones_host();
	/* -smp 12,modules=3,cores=2,threads=2 */
	struct kvmcpu_result *r = build_at("SapphireRapids-v4", (struct kc_topology){ 12, 1, 1, 3, 2, 2 }, h);
	if (r) {
		check_leaf(r, "SapphireRapids-v4", 4, 0, 0x1c004121, 0x02c0003f, 0x3f, 0);
		check_leaf(r, "SapphireRapids-v4", 4, 2, 0x1c004143, 0x03c0003f, 0x7ff, 0);
		check_leaf(r, "SapphireRapids-v4", 4, 3, 0x1c03c163, 0x0380003f, 0xffff, 4);
		check_leaf(r, "SapphireRapids-v4", 4, 4, 0, 0, 0, 0);
		CHECK(kvmcpu_result_cpuid_find(r, 0x8000001d, 0) == NULL); /* past xlevel */
		kvmcpu_result_free(r);
	}
	/* -smp 4,dies=2,cores=2: the EPYC L3 is shared per die. */
	r = build_at("EPYC-Rome", (struct kc_topology){ 4, 1, 2, 1, 2, 1 }, h);
	if (r) {
		check_leaf(r, "EPYC-Rome", 4, 0, 0, 0, 0, 0);
		check_leaf(r, "EPYC-Rome", 0x8000001d, 3, 0x4163, 0x03c0003f, 0x3fff, 2);
		check_leaf(r, "EPYC-Rome", 0x8000001d, 0, 0x121, 0x01c0003f, 0x3f, 1);
		check_leaf(r, "EPYC-Rome", 0x80000005, 0, 0x01ff01ff, 0x01ff01ff, 0x20080140, 0x20080140);
		check_leaf(r, "EPYC-Rome", 0x80000006, 0, 0, 0x42004200, 0x02006140, 0x00808140);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

int main(void)
{
	test_leaf4_layout();
	test_field_limits();
	test_amd_l1_l2_l3();
	test_leaf2();
	test_tables_consistent();
	test_table_choice();
	test_recorded_topologies();
	test_resolved_vendors();
	test_build_with_topology();
	return check_finish("test-caches");
}
