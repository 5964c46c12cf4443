/* SPDX-License-Identifier: MIT */
/* Does one host run a config unchanged: what it would drop, with the reasons. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster-priv.h"
#include "config/config-priv.h"
#include "resolve/resolve-priv.h"
#include "util/util.h"

struct kvmcpu_fit {
	struct kvmcpu_diff_list missing;
};

int kc_cluster_required(const struct kvmcpu_config *cfg, uint64_t req[KC_NWORDS])
{
	memset(req, 0, sizeof(uint64_t) * KC_NWORDS);
	if (cfg->kind != KC_CPU_MODEL)
		return 0;
	uint64_t want[KC_NWORDS], asked[KC_NWORDS];
	int r = kc_words_want(cfg, cfg->model, want);
	if (r)
		return r;
	memcpy(asked, cfg->model->words, sizeof(asked));
	for (unsigned i = 0; i < cfg->nmods; i++)
		kc_words_set(asked, cfg->mods[i].feature, cfg->mods[i].enable);
	for (unsigned w = 0; w < KC_NWORDS; w++)
		req[w] = want[w] & asked[w];
	return 0;
}

const char *kc_cluster_machine_field(uint32_t fn, enum kvmcpu_reg reg)
{
	switch (fn) {
	case 1:
		return reg == KVMCPU_EBX
			       ? "CLFLUSH size, logical processor count and APIC ID of the host"
			       : NULL;
	case 2:
	case 4:
	case 0x80000005:
	case 0x80000006:
	case 0x80000019:
	case 0x8000001d:
		return "cache and TLB geometry of the host's processor";
	case 0xb:
	case 0x1f:
	case 0x8000001e:
		return "topology and APIC IDs of the host's processor";
	case 0x15:
	case 0x16:
		return "TSC/crystal and processor frequencies of the host";
	case 0x8000001a:
		return "performance hints of the host's processor";
	case 0x80000008:
		if (reg == KVMCPU_ECX)
			return "core count and APIC ID size of the host";
		return reg == KVMCPU_EDX ? "INVLPGB and RDPRU limits of the host's processor"
					 : NULL;
	default:
		return NULL;
	}
}

unsigned kc_cluster_phys_bits(const struct kvmcpu_host *h)
{
	const struct kvmcpu_cpuid_entry *e = kvmcpu_host_cpuid_find(h, 0x80000008, 0);
	/* Without leaf 0x80000008 the SDM gives 36 bits to processors with PAE. */
	return e && (e->eax & 0xff) ? e->eax & 0xff : 36;
}

static bool hv_flag_has_bits(const struct kvmcpu_hv_flag *f)
{
	static const uint32_t leaves[] = { 0x40000003, 0x40000004, 0x4000000a };
	for (size_t l = 0; l < 3; l++)
		for (int reg = 0; reg < 4; reg++)
			if (kvmcpu_hv_flag_bits(f, leaves[l], (enum kvmcpu_reg)reg))
				return true;
	return false;
}

/* Whether every guest bit of @f is set, ignoring @ignored (bits other flags clear). */
static bool hv_flag_on(const struct kvmcpu_hv_flag *f, const struct kvmcpu_result *r,
		       const uint32_t ignored[3][4])
{
	static const uint32_t leaves[] = { 0x40000003, 0x40000004, 0x4000000a };
	bool any = false, all = true;
	for (size_t l = 0; l < 3; l++) {
		const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(r, leaves[l], 0);
		const uint32_t regs[4] = { e ? e->eax : 0, e ? e->ebx : 0, e ? e->ecx : 0,
					   e ? e->edx : 0 };
		for (int reg = 0; reg < 4; reg++) {
			uint32_t bits = kvmcpu_hv_flag_bits(f, leaves[l], (enum kvmcpu_reg)reg);
			any |= bits != 0;
			bits &= ignored ? ~ignored[l][reg] : ~0u;
			all &= (regs[reg] & bits) == bits;
		}
	}
	return any && all;
}

/*
 * The Hyper-V flags a resolved guest has: every guest bit of the flag is set,
 * apart from the bits another flag it has takes away (avic clears vapic's hint).
 */
uint32_t kc_cluster_hv_flags(const struct kvmcpu_result *r)
{
	const struct kvmcpu_cpuid_entry *sig = kvmcpu_result_cpuid_find(r, 0x40000001, 0);
	if (!sig || sig->eax != 0x31237648) /* "Hv#1": the Hyper-V interface */
		return 0;
	static const uint32_t leaves[] = { 0x40000003, 0x40000004, 0x4000000a };
	size_t n = kvmcpu_hv_flag_count() < 32 ? kvmcpu_hv_flag_count() : 32;
	uint32_t set = 0, cleared[3][4] = { { 0 } };
	for (size_t i = 0; i < n; i++)
		if (hv_flag_on(kvmcpu_hv_flag_at(i), r, NULL))
			set |= 1u << i;
	for (size_t i = 0; i < n; i++)
		for (size_t l = 0; l < 3 && (set >> i & 1); l++)
			for (int reg = 0; reg < 4; reg++)
				cleared[l][reg] |= kvmcpu_hv_flag_clear_bits(
					kvmcpu_hv_flag_at(i), leaves[l], (enum kvmcpu_reg)reg);
	for (size_t i = 0; i < n; i++)
		if (!(set >> i & 1) && hv_flag_on(kvmcpu_hv_flag_at(i), r, cleared))
			set |= 1u << i;
	/* A flag without guest bits (enforce_cpuid) shows as its vCPU capability in the plan. */
	for (size_t i = 0; i < n; i++) {
		const struct kvmcpu_hv_flag *f = kvmcpu_hv_flag_at(i);
		const char *cap = kvmcpu_hv_flag_vcpu_cap(f);
		if ((set >> i & 1) || !cap || hv_flag_has_bits(f))
			continue;
		for (size_t k = 0; k < kvmcpu_result_cap_count(r); k++)
			if (!strcmp(kvmcpu_result_cap_at(r, k)->name, cap))
				set |= 1u << i;
	}
	return set;
}

/*
 * A feature the config asks for and the host lacks (every DROPPED notice, as
 * `kvmcpu models` counts them), or a dropped Hyper-V flag of the spec, is missing.
 */
static int collect_missing(struct kvmcpu_fit *fit, const struct kvmcpu_result *r)
{
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
		int rc = 0;
		if (n->kind == KVMCPU_NOTICE_DROPPED)
			rc = kc_diff_add(&fit->missing, KVMCPU_DIFF_FEATURE, true, n->subject, "",
					 "", n->reason, "");
		else if (n->kind == KVMCPU_NOTICE_HV_DROPPED)
			rc = kc_diff_add(&fit->missing, KVMCPU_DIFF_HYPERV, true, n->subject, "",
					 "", n->reason, "");
		if (rc)
			return rc;
	}
	return 0;
}

int kvmcpu_fit_check(const struct kvmcpu_config *cfg, const struct kvmcpu_host *host,
		     struct kvmcpu_fit **out, struct kvmcpu_error *err)
{
	if (!cfg || !host || !out)
		return kc_fail(err, -EINVAL, NULL,
			       "kvmcpu_fit_check needs a config, a host and *out");
	struct kvmcpu_fit *fit = calloc(1, sizeof(*fit));
	if (!fit)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	struct kvmcpu_error rerr;
	struct kvmcpu_result *r = NULL;
	kvmcpu_error_clear(&rerr);
	int rc;
	if (kvmcpu_resolve(cfg, host, &r, &rerr))
		rc = kc_diff_add(&fit->missing, KVMCPU_DIFF_ERROR, true, cfg->cpu, "", "",
				 rerr.message, rerr.hint);
	else
		rc = collect_missing(fit, r);
	kvmcpu_result_free(r);
	if (rc) {
		kvmcpu_fit_free(fit);
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	}
	*out = fit;
	return 0;
}

bool kvmcpu_fit_ok(const struct kvmcpu_fit *fit)
{
	return fit && fit->missing.n == 0;
}

size_t kvmcpu_fit_count(const struct kvmcpu_fit *fit)
{
	return fit ? fit->missing.n : 0;
}

const struct kvmcpu_diff *kvmcpu_fit_at(const struct kvmcpu_fit *fit, size_t i)
{
	return fit ? kvmcpu_diff_list_at(&fit->missing, i) : NULL;
}

void kvmcpu_fit_free(struct kvmcpu_fit *fit)
{
	if (!fit)
		return;
	kc_diff_clear(&fit->missing);
	free(fit);
}
