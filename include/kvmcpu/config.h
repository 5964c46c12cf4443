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
 * Parses the comma-separated parameter string "hv=SPEC,cpu=SPEC,nested_virt"
 * (any order, each at most once; unknown parameters are errors). Further keys,
 * named as QEMU names them:
 *   smp=N, sockets=S, dies=D, modules=M, cores=C, threads=T
 *       the topology, with QEMU's -smp defaults (kvmcpu_config_set_smp);
 *   phys-bits=N (32..52), host-phys-bits, host-phys-bits-limit=N (32..52)
 *       the guest's physical address width (default: QEMU's 40 for 64-bit models);
 *   pmu        a virtual PMU (QEMU's pmu=on; named models have none by default);
 *   host-cache-info   cache leaves follow the host (QEMU's host-cache-info=on).
 * Flags take an optional =on|off.
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

/**
 * Sets the guest topology from QEMU's -smp grammar:
 * "N[,sockets=S][,dies=D][,modules=M][,cores=C][,threads=T]" (or "cpus=N,...").
 * Omitted values take the defaults of QEMU's newest machine types: dies and
 * modules 1; with cores omitted, sockets and threads 1 and cores the rest;
 * with sockets omitted, sockets the rest. vCPU indexes fill threads, then
 * cores, modules, dies and sockets, and APIC IDs follow QEMU's layout.
 * @cfg: the config to change (not changed on error).
 * @spec: the smp string (not kept).
 * Returns 0, or -EINVAL when a value is not a positive number, a key is
 * unknown or given twice, or the levels do not multiply out to N (the message
 * names the values). Whether the host takes that many vCPUs is checked by
 * kvmcpu_resolve. Not thread-safe on the same @cfg.
 */
KVMCPU_API int kvmcpu_config_set_smp(struct kvmcpu_config *cfg, const char *spec,
				     struct kvmcpu_error *err);
/**
 * The number of vCPUs the topology starts (1 unless smp says otherwise).
 * Safe to call from any thread while nothing changes @cfg.
 */
KVMCPU_API unsigned kvmcpu_config_vcpu_count(const struct kvmcpu_config *cfg);

#ifdef __cplusplus
}
#endif
#endif
