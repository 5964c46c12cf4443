/* SPDX-License-Identifier: MIT */
/*
 * libkvmcpu: named, versioned guest CPU models and host-aware Hyper-V
 * enlightenments for KVM-based virtual machine monitors.
 *
 *   kvmcpu_host_open_live()  or  kvmcpu_host_load()      -> struct kvmcpu_host
 *   kvmcpu_config_parse("cpu=Skylake-Server,hv=windows")  -> struct kvmcpu_config
 *   kvmcpu_resolve(cfg, host)                             -> struct kvmcpu_result
 *   kvmcpu_result_cpuid() / kvmcpu_result_apply(vcpu_fd)
 */
#ifndef KVMCPU_KVMCPU_H
#define KVMCPU_KVMCPU_H

#include "error.h"
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
