/* SPDX-License-Identifier: MIT */
#ifndef KC_CONFIG_PRIV_H
#define KC_CONFIG_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "kvmcpu/config.h"
#include "kvmcpu/model.h"

struct kc_hv_spec;

enum kc_cpu_kind { KC_CPU_MODEL = 0, KC_CPU_HOST, KC_CPU_MAX };

/* One +feature / -feature modifier of the CPU spec, in spec order. */
struct kc_cpu_mod {
	int feature;  /* index into kc_features */
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
	struct kc_hv_spec *hv_spec;       /* parsed; owned */
	bool nested;
	bool host_cache_info;             /* cache leaves follow the host (QEMU's host-cache-info) */
};

#endif
