/* SPDX-License-Identifier: MIT */
#ifndef KC_CONFIG_PRIV_H
#define KC_CONFIG_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "util/topology.h"
#include "kvmcpu/config.h"
#include "kvmcpu/model.h"

struct kc_hv_spec;

enum kc_cpu_kind { KC_CPU_MODEL = 0, KC_CPU_HOST, KC_CPU_MAX };

/* One +feature / -feature modifier of the CPU spec, in spec order. */
struct kc_cpu_mod {
	int feature; /* index into kc_features */
	bool enable;
};

#define KC_MAX_MODS 160

struct kvmcpu_config {
	char cpu[1536]; /* room for a cluster baseline: a model and many modifiers */
	enum kc_cpu_kind kind;
	const struct kvmcpu_model *model; /* alias-resolved definition (KC_CPU_MODEL) */
	const struct kvmcpu_model *named; /* the name the user gave */
	struct kc_cpu_mod mods[KC_MAX_MODS];
	unsigned nmods;
	char hv[512];
	bool hv_set;
	struct kc_hv_spec *hv_spec; /* parsed; owned */
	bool nested;
	struct kc_topology topo; /* always complete: 1 vCPU unless smp= says more */
	unsigned phys_bits; /* phys-bits=N; 0: QEMU's default for the model */
	bool host_phys_bits; /* host-phys-bits: the host's width */
	unsigned host_phys_bits_limit; /* host-phys-bits-limit=N; 0: none */
	bool pmu; /* pmu: a virtual PMU, as QEMU's pmu=on */
	bool host_cache_info; /* host-cache-info: caches follow the host */
};

/*
 * The -smp values as given; 0 means "not given" (an explicit 0 is refused
 * while parsing). kc_smp_complete fills the rest as QEMU's newest machine
 * types do.
 */
struct kc_smp_request {
	unsigned cpus, sockets, dies, modules, cores, threads;
};

/* Parses "N[,sockets=S][,dies=D][,modules=M][,cores=C][,threads=T]" (or cpus=N). */
int kc_smp_parse(const char *spec, struct kc_smp_request *req, struct kvmcpu_error *err);
/* One "key=value" of the -smp grammar into @req; 1 when @key is not an smp key. */
int kc_smp_set_key(struct kc_smp_request *req, const char *key, const char *value,
		   struct kvmcpu_error *err);
/* QEMU's defaults for the omitted values, then the checks that they multiply out. */
int kc_smp_complete(const struct kc_smp_request *req, struct kc_topology *out,
		    struct kvmcpu_error *err);

#endif
