/* SPDX-License-Identifier: MIT */
/*
 * The guest's CPU topology (QEMU's -smp grammar) and the x2APIC ID layout it
 * implies. Each level takes the fewest APIC ID bits that count its members
 * (SDM Vol. 3A, 10.12.8 / 11.12.8 "Hierarchical Mapping of CPU Topology to an
 * Initial APIC ID"); the fields nest thread < core < module < die < package.
 * Pure arithmetic: no state, no I/O.
 */
#ifndef KC_TOPOLOGY_H
#define KC_TOPOLOGY_H

#include <stdint.h>

struct kc_topology {
	unsigned cpus; /* vCPUs started (smp=N) */
	unsigned sockets; /* packages */
	unsigned dies; /* dies per package */
	unsigned modules; /* modules per die */
	unsigned cores; /* cores per module */
	unsigned threads; /* threads per core */
};

/* One vCPU's place in the topology. */
struct kc_topo_ids {
	unsigned pkg, die, module, core, smt;
};

/* The APIC ID bits needed to count @count members: 0 for 1, 1 for 2, 2 for 3-4, ... */
static inline unsigned kc_topo_width(unsigned count)
{
	unsigned w = 0;
	while (count > 1u && (1u << w) < count)
		w++;
	return w;
}

static inline unsigned kc_topo_core_offset(const struct kc_topology *t)
{
	return kc_topo_width(t->threads);
}

static inline unsigned kc_topo_module_offset(const struct kc_topology *t)
{
	return kc_topo_core_offset(t) + kc_topo_width(t->cores);
}

static inline unsigned kc_topo_die_offset(const struct kc_topology *t)
{
	return kc_topo_module_offset(t) + kc_topo_width(t->modules);
}

static inline unsigned kc_topo_pkg_offset(const struct kc_topology *t)
{
	return kc_topo_die_offset(t) + kc_topo_width(t->dies);
}

/* Logical processors in one package (every possible one, not only those started). */
static inline unsigned kc_topo_threads_per_pkg(const struct kc_topology *t)
{
	return t->dies * t->modules * t->cores * t->threads;
}

/* vCPU indexes fill threads first, then cores, modules, dies and packages. */
static inline struct kc_topo_ids kc_topo_ids_of(const struct kc_topology *t, unsigned index)
{
	struct kc_topo_ids id;
	id.smt = index % t->threads;
	id.core = index / t->threads % t->cores;
	id.module = index / (t->threads * t->cores) % t->modules;
	id.die = index / (t->threads * t->cores * t->modules) % t->dies;
	id.pkg = index / kc_topo_threads_per_pkg(t);
	return id;
}

static inline uint32_t kc_topo_apic_id(const struct kc_topology *t, unsigned index)
{
	struct kc_topo_ids id = kc_topo_ids_of(t, index);
	return (uint32_t)id.pkg << kc_topo_pkg_offset(t) |
	       (uint32_t)id.die << kc_topo_die_offset(t) |
	       (uint32_t)id.module << kc_topo_module_offset(t) |
	       (uint32_t)id.core << kc_topo_core_offset(t) | id.smt;
}

#endif
