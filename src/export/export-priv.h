/* SPDX-License-Identifier: MIT */
/* The format writers' shared pieces: the output buffers, the feature plan, the tables. */
#ifndef KC_EXPORT_PRIV_H
#define KC_EXPORT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config-priv.h"
#include "kvmcpu/export.h"
#include "kvmcpu/hv.h"
#include "kvmcpu/model.h"
#include "model/words.gen.h"
#include "util/util.h"

/* A text being written into a caller buffer; @used keeps counting past the end. */
struct kc_out {
	char *buf;
	size_t len, used;
};
void kc_out_printf(struct kc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One feature whose value the output must state: the chosen base model differs. */
struct kc_export_change {
	int feature; /* index into kvmcpu_feature_at() */
	bool on;
};

/* Every feature can differ at most once. */
#define KC_EXPORT_MAX_CHANGES KC_NFEATURES

/* Everything a writer needs, computed once. */
struct kc_export {
	const struct kvmcpu_result *r;
	const struct kvmcpu_config *cfg;
	const struct kvmcpu_export_opts *opts;
	const struct kvmcpu_model *requested; /* the definition the spec names (alias-resolved) */
	char requested_name[128]; /* the model name as the spec gives it */
	const struct kvmcpu_model *base; /* the format's model the output names */
	char vendor[13]; /* leaf 0 of the result */
	struct kc_export_change changes[KC_EXPORT_MAX_CHANGES];
	size_t nchanges;
	/* Hyper-V: whether the result has Hyper-V leaves, and which flags they show. */
	bool hv;
	bool hv_on[64];
	uint32_t hv_spinlocks;
	char hv_vendor[13];
	/* No KVM signature leaf (0x40000000 or, with Hyper-V, 0x40000100): QEMU's kvm=off. */
	bool kvm_hidden;
	/* The config's pmu (QEMU's pmu=on) and host-cache-info (the host's cache leaves). */
	bool pmu, host_cache_info;
	/* What the output cannot carry: one line each. */
	struct kc_out lost;
	unsigned nlost;
};

/* Records one thing the output cannot carry exactly. */
void kc_export_lose(struct kc_export *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The model among @names (count @n) that has the requested model's identity (vendor,
 * family, model, stepping, and unless @signature_only brand and levels) and the fewest
 * differing feature bits; NULL when none has it. *@name receives the name as listed.
 */
const struct kvmcpu_model *kc_export_closest(const struct kc_export *x, const char *const *names,
					     size_t n, bool signature_only, const char **name);
/* The Hyper-V flags the result has, as "a,b,c" in @buf; returns how many. */
unsigned kc_export_hv_list(const struct kc_export *x, char *buf, size_t len);
/*
 * Fills x->changes relative to x->base. @nameable tells whether the format has a name
 * for a feature (NULL: every feature); features the host dropped are stated where it has.
 */
void kc_export_plan(struct kc_export *x, bool (*nameable)(int feature));
/*
 * The vCPU topology as QEMU's -smp value in @buf: the caller's opts->smp as given,
 * else the config's; false for a single vCPU.
 */
bool kc_export_smp(const struct kc_export *x, char *buf, size_t len);
/* "CPUID 0x7.0 EBX bit 16" or "MSR 0x10a bit 3" for a feature's bit. */
void kc_export_where(int feature, char *buf, size_t len);

int kc_export_qemu(struct kc_export *x, struct kc_out *o, struct kvmcpu_error *err);
int kc_export_libvirt(struct kc_export *x, struct kc_out *o, struct kvmcpu_error *err);
int kc_export_firecracker(struct kc_export *x, struct kc_out *o, struct kvmcpu_error *err);
int kc_export_proxmox(struct kc_export *x, struct kc_out *o, struct kvmcpu_error *err);

/* libvirt's cpu_map (src/export/libvirt-map.gen.c). */
struct kc_libvirt_feature {
	const char *name;
	bool is_msr;
	uint32_t leaf; /* CPUID leaf, or the MSR index */
	uint32_t subleaf;
	int reg; /* enum kvmcpu_reg */
	uint64_t mask;
};
extern const struct kc_libvirt_feature kc_libvirt_features[];
extern const size_t kc_libvirt_feature_count;
extern const char *const kc_libvirt_models[];
extern const size_t kc_libvirt_model_count;

#endif
