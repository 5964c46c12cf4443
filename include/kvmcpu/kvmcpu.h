/* SPDX-License-Identifier: MIT */
/*
 * libkvmcpu: named, versioned guest CPU models and host-aware Hyper-V
 * enlightenments for KVM-based virtual machine monitors. docs/api.md is the
 * guide; every call is documented where it is declared.
 *
 *   kvmcpu_host_open_live()  or  kvmcpu_host_load()      -> struct kvmcpu_host
 *   kvmcpu_config_parse("cpu=Skylake-Server,hv=windows")  -> struct kvmcpu_config
 *   kvmcpu_resolve(cfg, host)                             -> struct kvmcpu_result
 *   kvmcpu_result_cpuid() / kvmcpu_result_apply(vcpu_fd)
 *
 * Conventions, the same in every header:
 *  - Fallible calls return 0 or a negative errno and take a struct
 *    kvmcpu_error * last (NULL allowed), filled on failure.
 *  - Constructors return their object through an out-parameter; the caller
 *    owns it and frees it with the matching *_free(), which accepts NULL.
 *  - NULL handles: a fallible call given a NULL handle or out-parameter
 *    returns -EINVAL; an accessor given a NULL handle (or an index out of
 *    range) returns NULL, 0, -1 for file descriptors, or false; *_free(NULL)
 *    does nothing. No call dereferences a NULL handle.
 *  - Lookups by name (kvmcpu_model_find, kvmcpu_feature_find, ...) return a
 *    pointer into a const table, or NULL when the name is unknown.
 *  - Options structs start with a size field (sz) so they can grow.
 *
 * Threading model:
 *  - The library has no global mutable state and creates no threads. The
 *    const tables (models, features, words, Hyper-V flags) may be read from
 *    any thread at any time.
 *  - An object (host, config, result, VM, report, calibration) may be read
 *    by any number of threads at once: every call taking a const pointer
 *    only reads. Calls taking a non-const pointer (kvmcpu_host_add_*,
 *    kvmcpu_config_set_*, *_free) need the caller to keep other threads off
 *    that object meanwhile. Different objects are independent.
 *  - kvmcpu_resolve() may run concurrently on the same host and config.
 *    kvmcpu_result_apply() may run concurrently for different vCPUs of one
 *    result; a vCPU fd is the caller's and is used by one thread at a time.
 *  - kvmcpu_probe_run() and kvmcpu_probe_calibrate() block a real-time signal
 *    (SIGRTMAX-3) in the calling thread while they run and change no signal
 *    disposition; each creates its own VM.
 */
#ifndef KVMCPU_KVMCPU_H
#define KVMCPU_KVMCPU_H

#include "common.h"
#include "cpuid.h"
#include "model.h"
#include "host.h"
#include "config.h"
#include "result.h"
#include "hv.h"
#include "vm.h"
#include "probe.h"
#include "cluster.h"
#include "export.h"

#endif
