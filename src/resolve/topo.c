/* SPDX-License-Identifier: MIT */
/*
 * The topology leaves, as QEMU's cpu_x86_cpuid builds them from -smp: leaf 1
 * EBX, 0xB, 0x1F, 0x80000008 ECX and 0x8000001E. The table holds vCPU 0's
 * values; vcpu_patch (src/result/result.c) gives another vCPU its own IDs.
 */
#include "resolve/topo-priv.h"

/* The CLFLUSH line size in leaf 1 EBX[15:8], in 8-byte units: 64 bytes. */
#define CLFLUSH_QWORDS 8u

/* SDM Vol. 2A, CPUID leaf 0xB/0x1F ECX[15:8]: the level types. */
enum { LEVEL_INVALID = 0, LEVEL_SMT = 1, LEVEL_CORE = 2, LEVEL_MODULE = 3, LEVEL_DIE = 5 };

bool kc_topo_has_leaf_1f(const struct kc_topology *t, bool forced)
{
	return forced || t->dies > 1 || t->modules > 1;
}

uint32_t kc_topo_leaf1_ebx(const struct kc_topology *t, bool intel_like)
{
	/*
	 * EBX[23:16], only when the package has several logical processors: for
	 * Intel-compatible guests the addressable IDs (the package's APIC ID
	 * space, 1 << its offset: 4 for 3 cores; SDM Vol. 2A, CPUID leaf 1), for
	 * AMD ones the logical processor count (APM Vol. 3, CPUID Fn0000_0001
	 * EBX), as QEMU 11.1 sets them.
	 */
	unsigned n = kc_topo_threads_per_pkg(t);
	unsigned v = intel_like ? 1u << kc_topo_pkg_offset(t) : n;
	return CLFLUSH_QWORDS << 8 | (n > 1 ? (v & 0xff) << 16 : 0);
}

void kc_topo_leaf_b(const struct kc_topology *t, uint32_t sub, uint32_t regs[4])
{
	regs[2] = sub & 0xff;
	regs[3] = 0; /* x2APIC ID of vCPU 0 */
	if (sub == 0) {
		regs[0] = kc_topo_core_offset(t);
		regs[1] = t->threads;
		regs[2] |= LEVEL_SMT << 8;
	} else if (sub == 1) {
		regs[0] = kc_topo_pkg_offset(t);
		regs[1] = kc_topo_threads_per_pkg(t) & 0xffff;
		regs[2] |= LEVEL_CORE << 8;
	} else {
		regs[0] = regs[1] = 0;
		regs[2] |= LEVEL_INVALID << 8;
	}
}

/* The levels leaf 0x1F lists, from threads up; the package is implied. */
struct level {
	unsigned type, offset, threads; /* threads below the next level up */
};

static unsigned levels_of(const struct kc_topology *t, struct level out[4])
{
	unsigned n = 0;
	out[n++] = (struct level){ LEVEL_SMT, 0, 1 };
	out[n++] = (struct level){ LEVEL_CORE, kc_topo_core_offset(t), t->threads };
	if (t->modules > 1)
		out[n++] = (struct level){ LEVEL_MODULE, kc_topo_module_offset(t),
					   t->threads * t->cores };
	if (t->dies > 1)
		out[n++] = (struct level){ LEVEL_DIE, kc_topo_die_offset(t),
					   t->threads * t->cores * t->modules };
	return n;
}

unsigned kc_topo_leaf_1f_count(const struct kc_topology *t)
{
	struct level l[4];
	return levels_of(t, l) + 1; /* the last subleaf is the invalid level */
}

void kc_topo_leaf_1f(const struct kc_topology *t, uint32_t sub, uint32_t regs[4])
{
	struct level l[4];
	unsigned n = levels_of(t, l);
	regs[3] = 0;
	if (sub >= n) {
		regs[0] = regs[1] = 0;
		regs[2] = sub & 0xff;
		return;
	}
	/* EAX/EBX describe the next level up: its APIC ID shift and its thread count. */
	bool top = sub + 1 == n;
	regs[0] = top ? kc_topo_pkg_offset(t) : l[sub + 1].offset;
	regs[1] = (top ? kc_topo_threads_per_pkg(t) : l[sub + 1].threads) & 0xffff;
	regs[2] = (sub & 0xff) | l[sub].type << 8;
}

uint32_t kc_topo_80000008_ecx(const struct kc_topology *t)
{
	unsigned n = kc_topo_threads_per_pkg(t);
	/* ECX[15:12] ApicIdSize, ECX[7:0] NC (threads per package - 1), when there are several. */
	return n > 1 ? kc_topo_pkg_offset(t) << 12 | ((n - 1) & 0xff) : 0;
}

void kc_topo_8000001e(const struct kc_topology *t, uint32_t regs[4])
{
	/* vCPU 0: extended APIC ID, core ID and node ID 0; EBX[15:8] threads per core - 1. */
	regs[0] = 0;
	regs[1] = (t->threads - 1) << 8;
	regs[2] = 0;
	regs[3] = 0;
}
