/* SPDX-License-Identifier: MIT */
/*
 * What the user asked for: a CPU model spec ("Cascadelake-Server-v5+no_hle+avx512vnni",
 * "host", "max"), a Hyper-V spec ("windows+no_evmcs") and whether the guest may
 * run its own hypervisor (nested_virt). A config is a small value the caller
 * owns; it is read by kvmcpu_resolve() and not kept by the result.
 */
#ifndef KVMCPU_CONFIG_H
#define KVMCPU_CONFIG_H

#include <stdbool.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An opaque config, owned by the caller from creation to kvmcpu_config_free(). */
struct kvmcpu_config;

/**
 * kvmcpu_config_new() - a config with cpu=host, no Hyper-V spec, nested_virt off
 * @out: receives the new config, or is left alone on failure
 * @err: error record, or NULL
 *
 * Return: 0 on success; -EINVAL when @out is NULL; -ENOMEM. The caller frees
 * *@out with kvmcpu_config_free().
 * Thread safety: any thread; creates a new object.
 */
KVMCPU_API int kvmcpu_config_new(struct kvmcpu_config **out, struct kvmcpu_error *err);

/**
 * kvmcpu_config_parse() - a config from a parameter string
 * @params: "hv=SPEC,cpu=SPEC,nested_virt": comma-separated, any order, each at most once
 * @out: receives the new config, or is left alone on failure
 * @err: error record, or NULL; the message names the parameter at fault
 *
 * Further keys, named as QEMU names them:
 *   smp=N, sockets=S, dies=D, modules=M, cores=C, threads=T
 *       the topology, with QEMU's -smp defaults (kvmcpu_config_set_smp());
 *   phys-bits=N (32..52), host-phys-bits, host-phys-bits-limit=N (32..52)
 *       the guest's physical address width (default: QEMU's 40 for 64-bit models);
 *   pmu        a virtual PMU (QEMU's pmu=on; named models have none by default);
 *   host-cache-info   cache leaves follow the host (QEMU's host-cache-info=on).
 * nested_virt and the flags take an optional =on/off/yes/no/true/false/1/0.
 *
 * Return: 0 on success; -EINVAL when @params or @out is NULL, a parameter is
 * unknown or repeated, or a spec is invalid (unknown model, feature or
 * Hyper-V flag); -E2BIG when @params is longer than 1024 bytes; -ENOMEM.
 * The caller frees *@out with kvmcpu_config_free().
 * Thread safety: any thread; creates a new object.
 */
KVMCPU_API int kvmcpu_config_parse(const char *params, struct kvmcpu_config **out,
				   struct kvmcpu_error *err);

/**
 * kvmcpu_config_free() - free a config
 * @cfg: the config; NULL does nothing
 *
 * Strings obtained from @cfg become invalid; results resolved from it stay valid.
 * Thread safety: no other thread may use @cfg during or after the call.
 */
KVMCPU_API void kvmcpu_config_free(struct kvmcpu_config *cfg);

/**
 * kvmcpu_config_set_cpu() - set the CPU spec
 * @cfg: the config
 * @spec: MODEL[+feature|+no_feature|-feature]..., "host" or "max"
 * @err: error record, or NULL
 *
 * The spec is checked now (model and feature names); @cfg is unchanged on failure.
 *
 * Return: 0 on success; -EINVAL when @cfg is NULL, @spec is NULL or empty, or
 * names an unknown model or feature; -E2BIG when @spec is too long.
 * Thread safety: writes @cfg; no other thread may use @cfg meanwhile.
 */
KVMCPU_API int kvmcpu_config_set_cpu(struct kvmcpu_config *cfg, const char *spec,
				     struct kvmcpu_error *err);

/**
 * kvmcpu_config_set_hv() - set the Hyper-V spec
 * @cfg: the config
 * @spec: PRESET[+flag|+no_flag]... (docs/hyperv-enlightenments.md); NULL clears it
 * @err: error record, or NULL
 *
 * Return: 0 on success; -EINVAL when @cfg is NULL or @spec is invalid
 * (@cfg is then unchanged); -E2BIG when @spec is too long; -ENOMEM.
 * Thread safety: writes @cfg; no other thread may use @cfg meanwhile.
 */
KVMCPU_API int kvmcpu_config_set_hv(struct kvmcpu_config *cfg, const char *spec,
				    struct kvmcpu_error *err);

/**
 * kvmcpu_config_set_nested() - let the guest run its own hypervisor, or not
 * @cfg: the config; NULL does nothing
 * @nested: true for nested_virt
 *
 * Thread safety: writes @cfg; no other thread may use @cfg meanwhile.
 */
KVMCPU_API void kvmcpu_config_set_nested(struct kvmcpu_config *cfg, bool nested);

/**
 * kvmcpu_config_cpu() - the CPU spec as given
 * @cfg: the config
 *
 * Return: the spec ("host" by default), valid until @cfg is changed or freed;
 * NULL when @cfg is NULL.
 * Thread safety: reads @cfg; any thread.
 */
KVMCPU_API const char *kvmcpu_config_cpu(const struct kvmcpu_config *cfg);

/**
 * kvmcpu_config_hv() - the Hyper-V spec as given
 * @cfg: the config
 *
 * Return: the spec, valid until @cfg is changed or freed; NULL when none was
 * given or @cfg is NULL.
 * Thread safety: reads @cfg; any thread.
 */
KVMCPU_API const char *kvmcpu_config_hv(const struct kvmcpu_config *cfg);

/**
 * kvmcpu_config_nested() - whether nested_virt is on
 * @cfg: the config
 *
 * Return: true when on; false when off or @cfg is NULL.
 * Thread safety: reads @cfg; any thread.
 */
KVMCPU_API bool kvmcpu_config_nested(const struct kvmcpu_config *cfg);

/**
 * kvmcpu_config_set_smp() - set the guest topology from QEMU's -smp grammar
 * @cfg: the config to change (not changed on error)
 * @spec: the smp string (not kept)
 * @err: error record, or NULL
 *
 * The grammar:
 * "N[,sockets=S][,dies=D][,modules=M][,cores=C][,threads=T]" (or "cpus=N,...").
 * Omitted values take the defaults of QEMU's newest machine types: dies and
 * modules 1; with cores omitted, sockets and threads 1 and cores the rest;
 * with sockets omitted, sockets the rest. vCPU indexes fill threads, then
 * cores, modules, dies and sockets, and APIC IDs follow QEMU's layout.
 *
 * Return: 0 on success; -EINVAL when @cfg or @spec is NULL, a value is not a
 * positive number, a key is unknown or given twice, or the levels do not
 * multiply out to N (the message names the values). Whether the host takes
 * that many vCPUs is checked by kvmcpu_resolve().
 * Thread safety: writes @cfg; no other thread may use @cfg meanwhile.
 */
KVMCPU_API int kvmcpu_config_set_smp(struct kvmcpu_config *cfg, const char *spec,
				     struct kvmcpu_error *err);
/**
 * kvmcpu_config_vcpu_count() - the number of vCPUs the topology starts
 * @cfg: the config
 *
 * Return: the count (1 unless smp says otherwise); 0 when @cfg is NULL.
 * Thread safety: reads @cfg; any thread.
 */
KVMCPU_API unsigned kvmcpu_config_vcpu_count(const struct kvmcpu_config *cfg);

#ifdef __cplusplus
}
#endif
#endif
