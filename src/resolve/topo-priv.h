/* SPDX-License-Identifier: MIT */
/* The topology leaves (topo.c). Each returns vCPU 0's values. */
#ifndef KC_TOPO_PRIV_H
#define KC_TOPO_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "util/topology.h"

/* Leaf 0x1F exists with dies or modules, or when the model forces it (x-force-cpuid-0x1f). */
bool kc_topo_has_leaf_1f(const struct kc_topology *t, bool forced);
/* Leaf 1 EBX: CLFLUSH line size and addressable logical processor IDs per package (APIC ID 0). */
uint32_t kc_topo_leaf1_ebx(const struct kc_topology *t, bool intel_like);
/* Leaf 0xB subleaf @sub: SMT, core, then invalid levels. */
void kc_topo_leaf_b(const struct kc_topology *t, uint32_t sub, uint32_t regs[4]);
/* The number of subleaves of leaf 0x1F, the invalid one included. */
unsigned kc_topo_leaf_1f_count(const struct kc_topology *t);
/* Leaf 0x1F subleaf @sub: SMT, core, module, die, then invalid. */
void kc_topo_leaf_1f(const struct kc_topology *t, uint32_t sub, uint32_t regs[4]);
/* Leaf 0x80000008 ECX: APIC ID size and threads per package. */
uint32_t kc_topo_80000008_ecx(const struct kc_topology *t);
/* Leaf 0x8000001E (AMD extended APIC ID, core and node IDs). */
void kc_topo_8000001e(const struct kc_topology *t, uint32_t regs[4]);

#endif
