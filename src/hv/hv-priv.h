/* SPDX-License-Identifier: MIT */
/*
 * The Hyper-V flag table and the pieces of the module that share it: the
 * spec parser (spec.c), host evidence (host.c) and the leaf builder
 * (resolve.c). Bit positions follow the TLFS "Feature and Interface
 * Discovery" chapter; the host evidence follows KVM's
 * KVM_GET_SUPPORTED_HV_CPUID (Documentation/virt/kvm/api.rst, 4.118).
 */
#ifndef KC_HV_PRIV_H
#define KC_HV_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/hv.h"
#include "kvmcpu/hv.h"

/* The registers a flag can set: leaf 0x40000003 EAX/EBX/EDX, 0x40000004 EAX, 0x4000000A EAX. */
enum kc_hv_reg { KC_HV_3EAX = 0, KC_HV_3EBX, KC_HV_3EDX, KC_HV_4EAX, KC_HV_AEAX, KC_HV_NREGS };

/* Flag ids: the index of the flag in kc_hv_flags[]. */
enum kc_hv_id {
	KC_HV_HYPERCALL = 0,
	KC_HV_VPINDEX,
	KC_HV_RUNTIME,
	KC_HV_TIME,
	KC_HV_TSC_PAGE,
	KC_HV_FREQUENCIES,
	KC_HV_VAPIC,
	KC_HV_AVIC,
	KC_HV_SYNIC,
	KC_HV_STIMER,
	KC_HV_STIMER_DIRECT,
	KC_HV_RELAXED,
	KC_HV_SPINLOCKS,
	KC_HV_RESET,
	KC_HV_CRASH,
	KC_HV_TLBFLUSH,
	KC_HV_TLBFLUSH_EXT,
	KC_HV_IPI,
	KC_HV_XMM_INPUT,
	KC_HV_REENLIGHTENMENT,
	KC_HV_EVMCS,
	KC_HV_TLBFLUSH_DIRECT,
	KC_HV_EMSR_BITMAP,
	KC_HV_NO_NONARCH_CORESHARING,
	KC_HV_SYNDBG,
	KC_HV_ENFORCE_CPUID,
	KC_HV_NFLAGS
};

typedef uint32_t kc_hv_set; /* one bit per enum kc_hv_id */
#define KC_HV_BIT(id) ((kc_hv_set)1u << (id))
#define KC_HV_ALL ((kc_hv_set)((1ull << KC_HV_NFLAGS) - 1))

/* Hyper-V is always advertised with these two: Microsoft's hypervisor interface
 * requirements mark AccessHypercallMsrs and AccessVpIndex "must be set". */
#define KC_HV_MANDATORY (KC_HV_BIT(KC_HV_HYPERCALL) | KC_HV_BIT(KC_HV_VPINDEX))

struct kvmcpu_hv_flag {
	enum kc_hv_id id;
	const char *name; /* canonical spec name */
	const char *qemu; /* QEMU's property ("hv-relaxed"), NULL when none */
	const char *aliases[3]; /* other accepted names (the original design's spellings) */
	const char *summary;
	uint32_t bits[KC_HV_NREGS]; /* bits the flag sets in the guest */
	uint32_t host_bits[KC_HV_NREGS]; /* bits KVM_GET_SUPPORTED_HV_CPUID must show */
	uint32_t clears[KC_HV_NREGS]; /* bits the flag removes from what the others set */
	kc_hv_set requires; /* direct dependencies */
	const char *host_cap; /* capability that must be > 0 besides the bits, or NULL */
	const char *vcpu_cap; /* per-vCPU KVM_ENABLE_CAP, or NULL */
	const char *msrs; /* MSRs and hypercalls the guest gains (docs only) */
	const char *note; /* Intel/AMD and nested notes (docs only) */
	bool intel_only; /* only for Intel-compatible (VMX) guests */
	bool nested_only; /* only meaningful with nested_virt */
	bool never_passthrough; /* left out of the passthrough preset */
};

extern const struct kvmcpu_hv_flag kc_hv_flags[KC_HV_NFLAGS];

/* Leaf and register of each enum kc_hv_reg. */
uint32_t kc_hv_reg_leaf(enum kc_hv_reg reg);
enum kvmcpu_reg kc_hv_reg_reg(enum kc_hv_reg reg);
const char *kc_hv_reg_name(enum kc_hv_reg reg); /* "0x40000003.EAX" */

/* Looks up a flag by canonical name, alias or QEMU spelling; returns its set (one or more
 * flags: QEMU's hv-time is time + reference_tsc_page) or 0 when unknown. */
kc_hv_set kc_hv_lookup(const char *name, size_t len);

/* @set plus everything it requires, transitively. */
kc_hv_set kc_hv_closure(kc_hv_set set);
/* Every flag that requires (transitively) any flag of @set, @set excluded. */
kc_hv_set kc_hv_dependents(kc_hv_set set);
/* The first flag of @set (lowest id), or -1 when empty. */
int kc_hv_first(kc_hv_set set);

enum kc_hv_preset_id {
	KC_HV_PRESET_NONE = 0,
	KC_HV_PRESET_DEFAULT,
	KC_HV_PRESET_WINDOWS,
	KC_HV_PRESET_PASSTHROUGH,
	KC_HV_NPRESETS
};
const char *kc_hv_preset_name(enum kc_hv_preset_id p);
/* The flags of a fixed preset (passthrough: the candidates before the host filter). */
kc_hv_set kc_hv_preset_flags(enum kc_hv_preset_id p, bool nested, bool intel);

#define KC_HV_SPINLOCKS_NEVER 0xFFFFFFFFu
/* KVM's own suggestion in 0x40000004 EBX; smaller counts are allowed but notify often. */
#define KC_HV_SPINLOCKS_SUGGESTED 0xFFFu
#define KC_HV_SPEC_MAX 400

/* A parsed spec. The parser keeps "on" and "off" disjoint, so the final set is
 * (preset & ~off) | on whatever the preset expands to on a given host. */
struct kc_hv_spec {
	char text[404]; /* the spec as written, for messages */
	enum kc_hv_preset_id preset;
	bool preset_given;
	kc_hv_set on; /* enabled by name, with what they require */
	kc_hv_set off; /* disabled by name, with what requires them */
	kc_hv_set named_on; /* named explicitly (for error messages) */
	uint8_t named_pos[KC_HV_NFLAGS]; /* 1-based token that named each flag last */
	uint32_t spinlocks;
	bool spinlocks_given;
	char vendor[13];
	bool vendor_given;
	bool no_kvm_leaves;
};

/*
 * Host evidence for one flag: 0 when the host can provide it, -EOPNOTSUPP with the
 * reason in @err when not (e.g. "KVM_GET_SUPPORTED_HV_CPUID lacks 0x40000004.EAX bit 14").
 */
int kc_hv_host_supports(const struct kvmcpu_hv_flag *f, const struct kvmcpu_host *host, bool intel,
			struct kvmcpu_error *err);
/* Whether the host's KVM emulates Hyper-V at all: 0, or -EOPNOTSUPP with the reason in @err. */
int kc_hv_host_has_hyperv(const struct kvmcpu_host *host, struct kvmcpu_error *err);

#endif
