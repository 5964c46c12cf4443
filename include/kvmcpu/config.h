/* SPDX-License-Identifier: MIT */
#ifndef KVMCPU_CONFIG_H
#define KVMCPU_CONFIG_H

#include <stdbool.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What the user asked for: a CPU model spec ("Cascadelake-Server-v5+no_hle+avx512vnni",
 * "host", "max"), a Hyper-V spec ("windows+no_evmcs") and whether the guest may
 * run its own hypervisor (nested_virt).
 */
struct kvmcpu_config;

/** A config with cpu=host, no Hyper-V spec, nested_virt off. */
KVMCPU_API int kvmcpu_config_new(struct kvmcpu_config **out, struct kvmcpu_error *err);
/**
 * Parses the comma-separated parameter string
 * "hv=SPEC,cpu=SPEC,nested_virt,host-cache-info" (any order, each at most once;
 * unknown parameters are errors). nested_virt and host-cache-info take an
 * optional =on|off; host-cache-info gives the guest the host's cache leaves.
 */
KVMCPU_API int kvmcpu_config_parse(const char *params, struct kvmcpu_config **out,
				   struct kvmcpu_error *err);
KVMCPU_API void kvmcpu_config_free(struct kvmcpu_config *cfg);

/** Sets the CPU spec: MODEL[+feature|+no_feature|-feature]... */
KVMCPU_API int kvmcpu_config_set_cpu(struct kvmcpu_config *cfg, const char *spec,
				     struct kvmcpu_error *err);
/** Sets the Hyper-V spec (see docs/hyperv-enlightenments.md); NULL clears it. */
KVMCPU_API int kvmcpu_config_set_hv(struct kvmcpu_config *cfg, const char *spec,
				    struct kvmcpu_error *err);
KVMCPU_API void kvmcpu_config_set_nested(struct kvmcpu_config *cfg, bool nested);

KVMCPU_API const char *kvmcpu_config_cpu(const struct kvmcpu_config *cfg);
/** The Hyper-V spec, or NULL when none was given. */
KVMCPU_API const char *kvmcpu_config_hv(const struct kvmcpu_config *cfg);
KVMCPU_API bool kvmcpu_config_nested(const struct kvmcpu_config *cfg);

#ifdef __cplusplus
}
#endif
#endif
