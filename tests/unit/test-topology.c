/* SPDX-License-Identifier: MIT */
/*
 * Topology, per-vCPU tables, address sizes, levels, PMU and the fixed leaves.
 * Expected values are those QEMU 11.1.3 hands KVM_SET_CPUID2 for the same
 * model and -smp (-machine pc -accel kvm, recorded with an ioctl interposer),
 * checked against the SDM (CPUID leaves 1, 0xB, 0x1F) and the APM
 * (Fn8000_0008, Fn8000_001E); the hosts are the dumps in tests/hosts.
 */
#include <errno.h>
#include <string.h>

#include "helpers.h"

enum { EAX, EBX, ECX, EDX };

static struct kvmcpu_result *resolve_on(const char *host_file, const char *params,
					struct kvmcpu_error *err)
{
	struct kvmcpu_host *h = fixture_host(host_file);
	struct kvmcpu_result *r = resolve(params, h, err);
	kvmcpu_host_free(h);
	return r;
}

/* vCPU @vcpu's register, via the public per-vCPU accessor. */
static uint32_t vreg(const struct kvmcpu_result *r, unsigned vcpu, uint32_t fn, uint32_t idx,
		     int reg)
{
	static struct kvmcpu_cpuid_entry table[256];
	size_t n = 0;
	struct kvmcpu_error err;
	if (kvmcpu_result_cpuid_vcpu(r, vcpu, table, 256, &n, &err))
		return 0xdeadbeef;
	for (size_t i = 0; i < n; i++)
		if (table[i].function == fn && table[i].index == idx)
			return (&table[i].eax)[reg];
	return 0;
}

static unsigned vcpus_of(const char *smp)
{
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_error err;
	unsigned n = 0;
	if (!kvmcpu_config_new(&cfg, &err) && !kvmcpu_config_set_smp(cfg, smp, &err))
		n = kvmcpu_config_vcpu_count(cfg);
	kvmcpu_config_free(cfg);
	return n;
}

/* QEMU's -smp defaults (hw/core/machine-smp.c, machine types 6.2+) and its errors. */
static void test_smp_grammar(void)
{
	CHECK_EQ(vcpus_of("8"), 8);
	CHECK_EQ(vcpus_of("cpus=4,threads=2"), 4);
	CHECK_EQ(vcpus_of("8,sockets=2,cores=2,threads=2"), 8);
	CHECK_EQ(vcpus_of("4,dies=2,cores=2"), 4);
	static const char *const bad[] = { "0",		"4,cores=0", "6,sockets=4",
					   "5,cores=2", "4,bogus=1", "4,threads=2,threads=2",
					   "x",		"" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kvmcpu_config *cfg = NULL;
		struct kvmcpu_error err;
		CHECK_EQ(kvmcpu_config_new(&cfg, &err), 0);
		CHECK_EQ(kvmcpu_config_set_smp(cfg, bad[i], &err), -EINVAL);
		CHECK_EQ(kvmcpu_config_vcpu_count(cfg), 1);
		kvmcpu_config_free(cfg);
	}
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_error err;
	CHECK_EQ(kvmcpu_config_parse("cpu=Haswell,smp=6,sockets=4", &cfg, &err), -EINVAL);
	CHECK_STR_CONTAINS(err.message, "sockets (4)");
	CHECK_STR_CONTAINS(err.message, "not 6 vCPUs");
	CHECK_EQ(kvmcpu_config_parse("cpu=Haswell,smp=2,cores=0", &cfg, &err), -EINVAL);
	CHECK_STR_CONTAINS(err.message, "cores=0");
}

/*
 * Skylake-Server, smp=8,sockets=2,cores=2,threads=2: APIC IDs pkg<<2 | core<<1
 * | thread, so vCPU 5 (package 1, core 0, thread 1) is 5; 0xB: SMT shift 1
 * over 2 threads, package shift 2 over 4; leaf 1 EBX[23:16] 4; HTT set.
 */
static void test_intel_topology(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve_on("intel-skylake-server.txt",
					     "cpu=Skylake-Server,smp=8,sockets=2,cores=2,threads=2",
					     &err);
	CHECK(r);
	if (!r)
		return;
	CHECK_EQ(kvmcpu_result_vcpu_count(r), 8);
	CHECK_EQ(kvmcpu_result_vcpu_apic_id(r, 5), 5);
	CHECK_EQ(kvmcpu_result_vcpu_apic_id(r, 8), UINT32_MAX);
	CHECK_EQ(vreg(r, 0, 1, 0, EBX), 0x00040800);
	CHECK_EQ(vreg(r, 5, 1, 0, EBX), 0x05040800);
	CHECK_EQ((vreg(r, 5, 1, 0, EDX) >> 28) & 1, 1);
	CHECK_EQ(vreg(r, 5, 0xb, 0, EAX), 1);
	CHECK_EQ(vreg(r, 5, 0xb, 0, EBX), 2);
	CHECK_EQ(vreg(r, 5, 0xb, 0, ECX), 0x100);
	CHECK_EQ(vreg(r, 5, 0xb, 0, EDX), 5);
	CHECK_EQ(vreg(r, 5, 0xb, 1, EAX), 2);
	CHECK_EQ(vreg(r, 5, 0xb, 1, EBX), 4);
	CHECK_EQ(vreg(r, 5, 0xb, 1, ECX), 0x201);
	CHECK_EQ(vreg(r, 5, 0xb, 2, ECX), 0x2);
	/* Intel guests: no AMD core count in 0x80000008 ECX, no vendor in 0x80000000. */
	CHECK_EQ(vreg(r, 5, 0x80000008, 0, ECX), 0);
	CHECK_EQ(vreg(r, 5, 0x80000000, 0, EBX), 0);
	/* No dies or modules: no leaf 0x1F, level stays 0xD. */
	CHECK(kvmcpu_result_cpuid_find(r, 0x1f, 0) == NULL);
	CHECK_EQ(vreg(r, 0, 0, 0, EAX), 0xd);
	size_t n;
	struct kvmcpu_cpuid_entry table[256];
	CHECK_EQ(kvmcpu_result_cpuid_vcpu(r, 8, table, 256, &n, &err), -EINVAL);
	CHECK_STR_CONTAINS(err.message, "vCPU 8 is outside the topology: it has 8 vCPUs");
	CHECK_EQ(kvmcpu_result_cpuid_vcpu(r, 1, table, 2, &n, &err), -ENOSPC);
	kvmcpu_result_free(r);

	/* 3 cores: leaf 1 EBX[23:16] is the APIC ID space, 4, for Intel guests. */
	r = resolve_on("intel-skylake-server.txt", "cpu=Skylake-Server,smp=3", &err);
	CHECK(r);
	if (r)
		CHECK_EQ(vreg(r, 2, 1, 0, EBX), 0x02040800);
	kvmcpu_result_free(r);
}

/* Dies: leaf 0x1F lists SMT, core and die, and Intel guests get level 0x1F. */
static void test_dies(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve_on("intel-skylake-server.txt",
					     "cpu=Skylake-Server,smp=4,dies=2,cores=2", &err);
	CHECK(r);
	if (!r)
		return;
	CHECK_EQ(vreg(r, 3, 0, 0, EAX), 0x1f);
	static const uint32_t want[4][3] = {
		{ 0, 1, 0x100 },
		{ 1, 2, 0x201 },
		{ 2, 4, 0x502 },
		{ 0, 0, 0x3 },
	};
	for (uint32_t i = 0; i < 4; i++) {
		CHECK_EQ(vreg(r, 3, 0x1f, i, EAX), want[i][0]);
		CHECK_EQ(vreg(r, 3, 0x1f, i, EBX), want[i][1]);
		CHECK_EQ(vreg(r, 3, 0x1f, i, ECX), want[i][2]);
		CHECK_EQ(vreg(r, 3, 0x1f, i, EDX), 3);
	}
	kvmcpu_result_free(r);
}

/*
 * EPYC-Rome, smp=3 (3 cores): leaf 1 EBX[23:16] is the count, 3; 0x80000008
 * ECX ApicIdSize 2, NC 2; 0x8000001E of vCPU 1: extended APIC ID 1, core 1.
 */
static void test_amd_topology(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve_on("amd-epyc-rome.txt", "cpu=EPYC-Rome,smp=3", &err);
	CHECK(r);
	if (!r)
		return;
	CHECK_EQ(vreg(r, 0, 1, 0, EBX), 0x00030800);
	CHECK_EQ(vreg(r, 1, 0x80000008, 0, ECX), 0x2002);
	CHECK_EQ(vreg(r, 1, 0x8000001e, 0, EAX), 1);
	CHECK_EQ(vreg(r, 1, 0x8000001e, 0, EBX), 1);
	CHECK_EQ(vreg(r, 1, 0x8000001e, 0, ECX), 0);
	/* AMD guests name the vendor in 0x80000000: "Auth". */
	CHECK_EQ(vreg(r, 1, 0x80000000, 0, EBX), 0x68747541);
	kvmcpu_result_free(r);
	r = resolve_on("amd-epyc-rome.txt", "cpu=EPYC-Rome,smp=4,sockets=2,threads=2", &err);
	CHECK(r);
	if (r) {
		/* vCPU 3: package 1 (shift 1), thread 1: APIC ID 3; node = package. */
		CHECK_EQ(vreg(r, 3, 0x8000001e, 0, EAX), 3);
		CHECK_EQ(vreg(r, 3, 0x8000001e, 0, EBX), 0x100);
		CHECK_EQ(vreg(r, 3, 0x8000001e, 0, ECX), 1);
	}
	kvmcpu_result_free(r);
}

/* 0x80000008 EAX: 40 physical bits by default, 48 virtual; phys-bits and host-phys-bits. */
static void test_address_sizes(void)
{
	static const struct {
		const char *params;
		uint32_t eax;
	} cases[] = {
		{ "cpu=Skylake-Server", 0x3028 },
		{ "cpu=Skylake-Server,phys-bits=39", 0x3027 },
		{ "cpu=Skylake-Server,host-phys-bits", 0x302e }, /* the dump: 46 */
		{ "cpu=Skylake-Server,host-phys-bits,host-phys-bits-limit=42", 0x302a },
		{ "cpu=coreduo", 0x24 }, /* 32-bit, PAE: 36 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kvmcpu_error err;
		struct kvmcpu_result *r = resolve_on("intel-skylake-server.txt", cases[i].params,
						     &err);
		CHECK(r);
		if (r)
			CHECK_EQ(vreg(r, 0, 0x80000008, 0, EAX), cases[i].eax);
		kvmcpu_result_free(r);
	}
	struct kvmcpu_error err;
	CHECK(resolve_on("intel-skylake-server.txt", "cpu=Skylake-Server,phys-bits=48", &err) ==
	      NULL);
	CHECK_STR_CONTAINS(err.message, "phys-bits=48 is wider than this host's 46");
	CHECK(resolve_on("intel-skylake-server.txt", "cpu=coreduo,phys-bits=40", &err) == NULL);
	CHECK_STR_CONTAINS(err.message, "32-bit model");
	struct kvmcpu_config *cfg = NULL;
	CHECK_EQ(kvmcpu_config_parse("cpu=Haswell,phys-bits=60", &cfg, &err), -EINVAL);
	CHECK_STR_CONTAINS(err.message, "phys-bits=60");
}

/* Named models have no PMU (QEMU pmu=off): pdcm hidden even when asked for, 0xA empty; pmu gives the host's. */
static void test_pmu(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_host *h = fixture_host("intel-skylake-server.txt");
	const struct kvmcpu_cpuid_entry *ha = kvmcpu_host_cpuid_find(h, 0xa, 0);
	for (int pmu = 0; pmu < 2; pmu++) {
		struct kvmcpu_result *r = resolve(pmu ? "cpu=Skylake-Server-v4+pdcm,pmu"
						      : "cpu=Skylake-Server-v4+pdcm",
						  h, &err);
		CHECK(r);
		if (!r)
			continue;
		CHECK_EQ((vreg(r, 0, 1, 0, ECX) >> 15) & 1, (uint32_t)pmu);
		CHECK_EQ(vreg(r, 0, 0xa, 0, EAX), pmu && ha ? ha->eax : 0);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/*
 * EPYC-Genoa-v2 has perfmon-v2: without pmu, 0x80000022 is empty (QEMU pmu=off); with pmu,
 * EAX bit 0 and EBX[3:0] the core counters of the host (the Genoa dump: EBX 0x00304106 -> 6).
 */
static void test_amd_pmu(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve_on("amd-epyc-genoa.txt", "cpu=EPYC-Genoa-v2", &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(vreg(r, 0, 0x80000022, 0, EAX), 0);
		CHECK_EQ(vreg(r, 0, 0x80000022, 0, EBX), 0);
		CHECK(has_notice(r, KVMCPU_NOTICE_FORCED, "perfmon-v2"));
		kvmcpu_result_free(r);
	}
	r = resolve_on("amd-epyc-genoa.txt", "cpu=EPYC-Genoa-v2,pmu", &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(vreg(r, 0, 0x80000022, 0, EAX), 1);
		CHECK_EQ(vreg(r, 0, 0x80000022, 0, EBX), 6);
		kvmcpu_result_free(r);
	}
}

/* Levels as QEMU raises them; leaf 5 and 0x8000000A as QEMU fills them. */
static void test_levels_and_fixed_leaves(void)
{
	struct kvmcpu_error err;
	/* Opteron_G1 defines level 5; fsgsbase (leaf 7) raises it to 7. */
	struct kvmcpu_result *r = resolve_on("amd-epyc-rome.txt", "cpu=Opteron_G1+fsgsbase", &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(vreg(r, 0, 0, 0, EAX), 7);
		CHECK_EQ(vreg(r, 0, 7, 0, EBX) & 1, 1);
		kvmcpu_result_free(r);
	}
	/* Opteron_G2 defines xlevel 0x80000008: svm (off without nesting) does not raise it. */
	r = resolve_on("amd-epyc-rome.txt", "cpu=Opteron_G2", &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(vreg(r, 0, 0x80000000, 0, EAX), 0x80000008);
		/* MONITOR/MWAIT leaf: only the EMX and IBE flags. */
		CHECK_EQ(vreg(r, 0, 5, 0, ECX), 3);
		kvmcpu_result_free(r);
	}
	/* With nesting, svm raises it, and 0x8000000A has revision 1 and 16 ASIDs. */
	r = resolve_on("amd-epyc-rome.txt", "cpu=Opteron_G2,nested_virt", &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(vreg(r, 0, 0x80000000, 0, EAX), 0x8000000a);
		CHECK_EQ(vreg(r, 0, 0x8000000a, 0, EAX), 1);
		CHECK_EQ(vreg(r, 0, 0x8000000a, 0, EBX), 0x10);
		kvmcpu_result_free(r);
	}
}

/*
 * intel-pt raises the level to 0x14, whose contents are QEMU's fixed
 * capabilities (the Icelake dump offers exactly those); a host with fewer
 * (here no IP filtering and MTC, leaf 0x14.0 EBX 0x3) cannot give intel-pt.
 */
static void test_intel_pt(void)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve_on("intel-icelake-server.txt",
					     "cpu=Icelake-Server+intel-pt", &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(vreg(r, 0, 0, 0, EAX), 0x14);
		CHECK_EQ(vreg(r, 0, 0x14, 0, EAX), 1);
		CHECK_EQ(vreg(r, 0, 0x14, 0, EBX), 0xf);
		CHECK_EQ(vreg(r, 0, 0x14, 0, ECX), 0x7);
		CHECK_EQ(vreg(r, 0, 0x14, 1, EAX), 0x02490002);
		CHECK_EQ(vreg(r, 0, 0x14, 1, EBX), 0x003f1fff);
		kvmcpu_result_free(r);
	}
	static const char text[] = "0 0 00000014 756e6547 6c65746e 49656e69\n"
				   "1 0 00050654 00000800 7ffefbff bfebfbff\n"
				   "7 0 00000000 02000000 00000000 00000000\n"
				   "14 0 00000001 00000003 00000007 00000000\n"
				   "14 1 02490002 003f1fff 00000000 00000000\n";
	struct kvmcpu_host *h;
	CHECK_EQ(kvmcpu_host_load_mem(text, sizeof(text) - 1, "pt-lite", &h, &err), 0);
	CHECK(resolve("cpu=Skylake-Server+intel-pt", h, &err) == NULL);
	CHECK_STR_CONTAINS(err.message, "'intel-pt' was requested but this host");
	kvmcpu_host_free(h);
}

/* +vmx/+svm without nested_virt is an error that says to add nested_virt. */
static void test_vmx_needs_nested(void)
{
	struct kvmcpu_error err;
	CHECK(resolve_on("intel-skylake-server.txt", "cpu=Skylake-Server+vmx", &err) == NULL);
	CHECK_EQ(err.code, -EINVAL);
	CHECK_STR_CONTAINS(err.message, "'+vmx' needs nested_virt");
	CHECK(resolve_on("amd-epyc-rome.txt", "cpu=EPYC-Rome+svm", &err) == NULL);
	CHECK_STR_CONTAINS(err.message, "'+svm' needs nested_virt");
}

/* Recordings that do not say KVM_CAP_MAX_VCPUS take KVM's x86 limit, 1024. */
static void test_max_vcpus(void)
{
	struct kvmcpu_error err;
	CHECK(resolve_on("intel-skylake-server.txt", "cpu=Skylake-Server,smp=2048", &err) == NULL);
	CHECK_STR_CONTAINS(err.message, "smp=2048 is more than the 1024 vCPUs");
	struct kvmcpu_result *r = resolve_on("intel-skylake-server.txt",
					     "cpu=Skylake-Server,smp=1024", &err);
	CHECK(r);
	kvmcpu_result_free(r);
}

int main(void)
{
	test_smp_grammar();
	test_intel_topology();
	test_dies();
	test_amd_topology();
	test_address_sizes();
	test_pmu();
	test_amd_pmu();
	test_levels_and_fixed_leaves();
	test_vmx_needs_nested();
	test_intel_pt();
	test_max_vcpus();
	return check_finish("test-topology");
}
