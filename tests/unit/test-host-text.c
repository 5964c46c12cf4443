/* SPDX-License-Identifier: MIT */
/* The line-based host format: what it accepts, and every error with its message. */
#include <errno.h>

#include "helpers.h"

static struct kvmcpu_host *load(const char *text, struct kvmcpu_error *err)
{
	struct kvmcpu_host *h = NULL;
	kvmcpu_error_clear(err);
	if (kvmcpu_host_load_mem(text, strlen(text), "host.txt", &h, err))
		return NULL;
	return h;
}

static void test_accepts(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *h = load(
		"# a comment\n"
		"00000000 00 0000000d 756e6547 6c65746e 49656e69\n"
		"00000001 00 000306c3 00100800 7ffafbff bfebfbff\n"
		"cpuid 0x7 0x0 0 0xd19ffffb 0x8 0x9c002400  # trailing comment\n"
		"cpuid 4 1 7c004122 01c0003f 0000003f 0\n"
		"hv-cpuid 40000003 0 00003fff 002bb9ff 00000002 00f7fbfe\n"
		"cap KVM_CAP_HYPERV 1\n"
		"msr 10a 00000000000000eb\n"
		"kernel 6.1.0-18-amd64\nmodule kvm_intel\n\n",
		&err);
	CHECK(h);
	if (!h) {
		fprintf(stderr, "%s\n", err.message);
		return;
	}
	CHECK_EQ(kvmcpu_host_cpuid_count(h), 4);
	CHECK(!strcmp(kvmcpu_host_vendor(h), "GenuineIntel"));
	CHECK_EQ(kvmcpu_host_cpuid_find(h, 7, 0)->ebx, 0xd19ffffb);
	/* Leaf 4 is indexed: subleaf 1 is its own entry, subleaf 2 is absent. */
	CHECK(kvmcpu_host_cpuid_find(h, 4, 1) != NULL);
	CHECK(kvmcpu_host_cpuid_find(h, 4, 2) == NULL);
	CHECK_EQ(kvmcpu_host_cpuid_find(h, 4, 1)->flags, KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX);
	CHECK(kvmcpu_host_has_hv_cpuid(h));
	CHECK_EQ(kvmcpu_host_hv_cpuid_find(h, 0x40000003, 0)->edx, 0x00f7fbfe);
	int64_t cap = 0;
	CHECK_EQ(kvmcpu_host_cap(h, "KVM_CAP_HYPERV", &cap), 1);
	CHECK_EQ(cap, 1);
	CHECK_EQ(kvmcpu_host_cap(h, "KVM_CAP_HYPERV_SYNIC", &cap), 0);
	uint64_t msr = 0;
	CHECK_EQ(kvmcpu_host_msr(h, 0x10a, &msr), 1);
	CHECK_EQ(msr, 0xeb);
	CHECK(!strcmp(kvmcpu_host_kernel(h), "6.1.0-18-amd64"));
	CHECK(!strcmp(kvmcpu_host_module(h), "kvm_intel"));
	kvmcpu_host_free(h);
}

static void expect_error(const char *text, const char *message)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *h = load(text, &err);
	CHECK(h == NULL);
	CHECK_EQ(err.code, -EINVAL);
	CHECK_STR_CONTAINS(err.message, message);
	kvmcpu_host_free(h);
}

static void test_errors(void)
{
	expect_error("cpuid 1 2 3\n", "host.txt:1: a cpuid line needs exactly six hex numbers");
	expect_error("0 0 d 0 0 0\ncpuid 1 0 zz 0 0 0\n",
		     "host.txt:2: field 4 'zz' is not a hex number");
	expect_error("cpuid 1 0 100000000 0 0 0\n",
		     "field 4 '100000000' is not a hex number of at most 32 bits");
	expect_error("cpuidx 1 0 0 0 0 0\n", "host.txt:1: unknown keyword 'cpuidx'");
	expect_error("1 0 0 0 0 0\n1 0 0 0 0 0\n", "host.txt:2: duplicate CPUID leaf/subleaf");
	expect_error("0 0 1 0 0 0\ncap HYPERV 1\n",
		     "host.txt:2: capability name must start with KVM_CAP_");
	expect_error("0 0 1 0 0 0\ncap KVM_CAP_HYPERV\n", "a cap line needs a name and a value");
	expect_error("0 0 1 0 0 0\nmsr 10a 10000000000000000\n",
		     "is not a hex number of at most 64 bits");
	expect_error("# only a comment\n", "host.txt: no CPUID entries");
	expect_error("0 0 1 0 0 0\nkernel\n", "kernel and module lines take one word");
	expect_error("0 0 1 0 0 0\nmodule kvm\x1b[31m\n",
		     "kernel and module names are printable ASCII");
}

static void test_truncated_json(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *h = load("{\"schema\": \"kvmcpu-host/1\", \"cpuid\": [", &err);
	CHECK(h == NULL);
	CHECK(err.code < 0);
	CHECK(err.message[0] != '\0');
	kvmcpu_host_free(h);
}

static void test_fixtures_load(void)
{
	static const char *const files[] = {
		"amd-epyc-genoa.txt",	    "amd-epyc-rome.txt",	"amd-epyc-turin-dense.txt",
		"amd-opteron-g2.txt",	    "amd-opteron-g3.txt",	"amd-opteron-g5.txt",
		"hygon-dhyana.txt",	    "intel-conroe.txt",		"intel-haswell.txt",
		"intel-icelake-server.txt", "intel-nehalem.txt",	"intel-sandybridge.txt",
		"intel-sapphirerapids.txt", "intel-skylake-server.txt", "zhaoxin-yongfeng.txt",
	};
	/* Vendors as the fixture README lists them. */
	static const char *const vendors[] = {
		"AuthenticAMD", "AuthenticAMD", "AuthenticAMD", "AuthenticAMD", "AuthenticAMD",
		"AuthenticAMD", "HygonGenuine", "GenuineIntel", "GenuineIntel", "GenuineIntel",
		"GenuineIntel", "GenuineIntel", "GenuineIntel", "GenuineIntel", "CentaurHauls",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct kvmcpu_host *h = fixture_host(files[i]);
		CHECK(!strcmp(kvmcpu_host_vendor(h), vendors[i]));
		kvmcpu_host_free(h);
	}
}

int main(void)
{
	test_accepts();
	test_errors();
	test_truncated_json();
	test_fixtures_load();
	return check_finish("test-host-text");
}
