/* SPDX-License-Identifier: MIT */
/*
 * The one table of KVM capabilities (util/kvm-caps.h) covers every capability
 * the library names anywhere: the Hyper-V flags' host, legacy and vCPU
 * capabilities, the vCPU plan of a resolved result, and a live host's record.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "helpers.h"
#include "kvmcpu/kvmcpu.h"
#include "util/kvm-caps.h"

/* Every KVM_CAP_ name in @text (a capability, or a sentence naming the evidence) is known. */
static void check_known(const char *text, const char *where)
{
	for (const char *p = text ? strstr(text, "KVM_CAP_") : NULL; p;
	     p = strstr(p + 1, "KVM_CAP_")) {
		char name[64];
		size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		CHECK_MSG(kc_kvm_cap_number(name) >= 0, "%s names %s, which the table lacks", where,
			  name);
	}
}

static void test_table(void)
{
	CHECK(kc_nkvm_caps > 0);
	for (size_t i = 0; i < kc_nkvm_caps; i++) {
		const struct kc_kvm_cap *c = &kc_kvm_caps[i];
		CHECK(!strncmp(c->name, "KVM_CAP_", 8));
		CHECK_EQ(kc_kvm_cap_number(c->name), c->number);
		CHECK(!strcmp(kc_kvm_cap_name(c->number), c->name));
		for (size_t j = 0; j < i; j++)
			CHECK_MSG(kc_kvm_caps[j].number != c->number, "%s and %s share number %u",
				  kc_kvm_caps[j].name, c->name, c->number);
	}
	CHECK_EQ(kc_kvm_cap_number("KVM_CAP_NO_SUCH"), -1);
	CHECK_EQ(kc_kvm_cap_number(NULL), -1);
}

static void test_hv_flags(void)
{
	for (size_t i = 0; i < kvmcpu_hv_flag_count(); i++) {
		const struct kvmcpu_hv_flag *f = kvmcpu_hv_flag_at(i);
		check_known(kvmcpu_hv_flag_host_cap(f), kvmcpu_hv_flag_name(f));
		check_known(kvmcpu_hv_flag_legacy_cap(f), kvmcpu_hv_flag_name(f));
		check_known(kvmcpu_hv_flag_vcpu_cap(f), kvmcpu_hv_flag_name(f));
	}
}

/* A Windows guest with eVMCS and SynIC: the plan's capabilities carry the table's numbers. */
static void test_plan(void)
{
	struct kvmcpu_host *host = fixture_host("hv-intel-evmcs.txt");
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_result *r = NULL;
	struct kvmcpu_error err;
	CHECK(host != NULL);
	CHECK_EQ(kvmcpu_config_parse("cpu=Skylake-Server,hv=windows,nested_virt", &cfg, &err), 0);
	int rc = kvmcpu_resolve(cfg, host, &r, &err);
	CHECK_MSG(rc == 0, "%s", err.message);
	CHECK(kvmcpu_result_cap_count(r) > 0);
	for (size_t i = 0; i < kvmcpu_result_cap_count(r); i++) {
		const struct kvmcpu_cap *c = kvmcpu_result_cap_at(r, i);
		CHECK_MSG(kc_kvm_cap_number(c->name) == (long)c->cap, "%s is %u in the plan",
			  c->name, c->cap);
	}
	kvmcpu_result_free(r);
	kvmcpu_config_free(cfg);
	kvmcpu_host_free(host);
}

int main(void)
{
	test_table();
	test_hv_flags();
	test_plan();
	return check_finish("test-kvm-caps");
}
