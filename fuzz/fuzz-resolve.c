/* SPDX-License-Identifier: MIT */
/*
 * Resolves a set of CPU specs against each fuzzed host and checks, for every
 * feature word, guest ⊆ host ∧ model: a guest bit must be one the host gives
 * and one the model (or a rule or modifier that says so) asks for. Anything
 * else aborts. The host word is computed here from the public accessors, not
 * by the code under test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmcpu/config.h"
#include "kvmcpu/host.h"
#include "kvmcpu/model.h"
#include "kvmcpu/result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* CPUID[0x80000001].EDX bits an AMD guest mirrors from CPUID[1].EDX (APM Vol. 3, E.4.2). */
#define AMD_ALIAS_BITS 0x0183f3ffull

static const char *const specs[] = {
	"cpu=host",
	"cpu=max",
	"cpu=qemu64",
	"cpu=Skylake-Server-v4,nested_virt",
	"cpu=EPYC-Genoa",
	"cpu=Haswell-noTSX+avx512f",
	"cpu=kvm64",
	"cpu=Denverton-v3+no_sse4.2",
	"cpu=EPYC-Rome,nested_virt",
	"cpu=Cascadelake-Server+no_hle",
};

/*
 * Bits every KVM guest may get beyond the host's CPUID: the hypervisor bit
 * (KVM reports it; bare-metal dumps lack it) and MCA overflow recovery and
 * SUCCOR, which QEMU offers for the machine-check banks KVM emulates, and
 * topoext, which QEMU offers on every KVM host because it only announces the
 * topology leaves (0x8000001D/1E) QEMU builds itself.
 */
static const char *const host_extras[] = { "hypervisor", "overflow-recov", "succor", "topoext" };

/* QEMU's kvm_default_props (target/i386/kvm/kvm-cpu.c) turn these on for every named model. */
static const char *const kvm_defaults[] = {
	"kvmclock",   "kvm-nopiodelay",	     "kvm-asyncpf", "kvm-steal-time",
	"kvm-pv-eoi", "kvmclock-stable-bit", "x2apic",
};

static uint64_t feature_mask(const char *name, size_t word)
{
	const struct kvmcpu_feature_info *fi = kvmcpu_feature_find(name);
	return fi && fi->word == word ? fi->mask : 0;
}

/* The host's word: the register, or the MSR (VMX controls: the allowed-1 half, SDM A.3-A.5). */
static uint64_t host_word(const struct kvmcpu_host *h, size_t w)
{
	const struct kvmcpu_word_info *wi = kvmcpu_word_at(w);
	uint64_t v = 0;
	if (wi->is_msr) {
		if (kvmcpu_host_msr(h, wi->msr, &v) != 1)
			return 0;
		return strstr(wi->name, "_CTLS") ? v >> 32 : v;
	}
	const struct kvmcpu_cpuid_entry *e = kvmcpu_host_cpuid_find(
		h, wi->leaf, wi->has_subleaf ? wi->subleaf : 0);
	if (!e)
		return 0;
	return (&e->eax)[wi->reg];
}

static void check(const struct kvmcpu_host *h, const char *spec, const struct kvmcpu_result *r)
{
	const struct kvmcpu_model *m = kvmcpu_result_model(r);
	/* The guest's vendor: the model's, or the host's for host/max. */
	bool amd = !strcmp(m ? kvmcpu_model_vendor(m) : kvmcpu_host_vendor(h), "AuthenticAMD");
	for (size_t w = 0; w < kvmcpu_word_count(); w++) {
		uint64_t guest = kvmcpu_result_word(r, w);
		/* XSAVE component words follow the enabled features (QEMU's
		 * x86_cpu_enable_xsave_components): only the host bounds them. */
		bool derived = !strncmp(kvmcpu_word_at(w)->name, "FEAT_XSAVE_X", 12);
		uint64_t host = host_word(h, w);
		uint64_t allowed = m && !derived ? kvmcpu_model_word(m, w) : ~0ull;
		for (size_t i = 0; i < sizeof(host_extras) / sizeof(host_extras[0]); i++)
			host |= feature_mask(host_extras[i], w);
		for (size_t i = 0; m && i < sizeof(kvm_defaults) / sizeof(kvm_defaults[0]); i++)
			allowed |= feature_mask(kvm_defaults[i], w);
		/* A rule or a +feature that sets a bit says so in a notice. */
		for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++) {
			const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
			if (n->word == (int)w &&
			    (n->kind == KVMCPU_NOTICE_FORCED || n->kind == KVMCPU_NOTICE_USER))
				allowed |= n->mask;
		}
		uint64_t extra = guest & ~(host & allowed);
		if (amd && !strcmp(kvmcpu_word_at(w)->name, "FEAT_8000_0001_EDX"))
			extra &= ~AMD_ALIAS_BITS;
		if (extra) {
			fprintf(stderr,
				"fuzz-resolve: %s: %s has bits 0x%llx beyond host 0x%llx and "
				"model 0x%llx (guest 0x%llx)\n",
				spec, kvmcpu_word_at(w)->name, (unsigned long long)extra,
				(unsigned long long)host, (unsigned long long)allowed,
				(unsigned long long)guest);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvmcpu_host *h = NULL;
	struct kvmcpu_error err;
	if (kvmcpu_host_load_mem((const char *)data, size, "fuzz", &h, &err))
		return 0;
	/*
	 * The property is checked against the recorded CPUID itself: a raw dump is read
	 * as KVM's report, so no bit KVM would add to it (tests/unit/test-host-kind.c
	 * covers those) counts as the host's.
	 */
	kvmcpu_host_set_kind(h, KVMCPU_HOST_KVM);
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct kvmcpu_config *cfg = NULL;
		struct kvmcpu_result *r = NULL;
		if (kvmcpu_config_parse(specs[i], &cfg, &err)) {
			fprintf(stderr, "fuzz-resolve: spec %s: %s\n", specs[i], err.message);
			abort();
		}
		if (!kvmcpu_resolve(cfg, h, &r, &err))
			check(h, specs[i], r);
		kvmcpu_result_free(r);
		kvmcpu_config_free(cfg);
	}
	kvmcpu_host_free(h);
	return 0;
}
