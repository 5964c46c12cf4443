/* SPDX-License-Identifier: MIT */
/* kvmcpu_resolve: config + host -> CPUID table, MSR and capability plans, notices. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv.h"
#include "resolve/resolve-priv.h"
#include "util/util.h"

/*
 * The vCPUs the host takes: KVM_CAP_MAX_VCPUS when the host says (live hosts
 * do), else KVM's own limit on x86 (KVM_MAX_VCPUS, 1024 since Linux 5.15).
 */
#define KC_DEFAULT_MAX_VCPUS 1024

static int check_vcpu_count(const struct kc_resolve *c)
{
	int64_t max = 0;
	bool known = kvmcpu_host_cap(c->host, "KVM_CAP_MAX_VCPUS", &max) == 1 && max > 0;
	if (!known)
		max = KC_DEFAULT_MAX_VCPUS;
	if (c->topo.cpus <= max)
		return 0;
	return kc_fail(c->err, -EINVAL, "use a smaller smp=N",
		       "smp=%u is more than the %lld vCPUs %s (%s)", c->topo.cpus, (long long)max,
		       known ? "this host's KVM takes (KVM_CAP_MAX_VCPUS)"
			     : "KVM takes (KVM_MAX_VCPUS; the host recording does not say)",
		       c->host->origin);
}

int kvmcpu_resolve(const struct kvmcpu_config *cfg, const struct kvmcpu_host *host,
		   struct kvmcpu_result **out, struct kvmcpu_error *err)
{
	if (!cfg || !host || !out)
		return kc_fail(err, -EINVAL, NULL,
			       "kvmcpu_resolve needs a config, a host and *out");
	struct kvmcpu_result *r = kc_result_new();
	if (!r)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	struct kc_resolve c = { .cfg = cfg, .host = host, .r = r, .err = err, .topo = cfg->topo };
	r->topo = cfg->topo;
	c.model = cfg->kind == KC_CPU_MODEL ? cfg->model : NULL;
	r->model = c.model;
	kc_strlcpy(c.vendor, c.model ? c.model->vendor : kvmcpu_host_vendor(host),
		   sizeof(c.vendor));
	c.intel_like = kc_vendor_is_intel_compatible(c.vendor);

	int ret = check_vcpu_count(&c);
	if (ret) {
		kvmcpu_result_free(r);
		return ret;
	}
	if (c.model) {
		ret = kc_words_resolve_model(&c);
		if (!ret)
			ret = kc_leaves_build_model(&c);
	} else {
		ret = kc_words_resolve_host(&c);
		if (!ret)
			ret = kc_leaves_build_host(&c);
	}
	if (!ret)
		ret = kc_caches_build(&c);
	if (!ret)
		ret = kc_xsave_build(&c);
	if (!ret)
		ret = kc_msrs_build(&c);
	/* Hyper-V enlightenments follow the host's hardware: eVMCS exists only on VMX hosts. */
	if (!ret)
		ret = kc_hv_resolve(cfg->hv_spec, cfg->nested,
				    kc_vendor_is_intel_compatible(kvmcpu_host_vendor(host)), host,
				    r, err);
	if (ret) {
		if (err && !err->code)
			kc_fail(err, ret, NULL, "resolving '%s' failed: %s", cfg->cpu,
				kvmcpu_strerror(ret));
		kvmcpu_result_free(r);
		return ret;
	}
	*out = r;
	return 0;
}
