/* SPDX-License-Identifier: MIT */
/*
 * The resolution rules, one test each. Expected values are written by hand
 * from the SDM/APM encodings, the QEMU definitions in data/ and the
 * recorded CPUID dumps in tests/hosts/.
 */
#include <errno.h>

#include "helpers.h"

enum { EAX, EBX, ECX, EDX };

/* Skylake-Server-v4 on a real Skylake-SP: every feature word is model AND host. */
static void test_mask_model_and_host(void)
{
	struct kvmcpu_host *h = fixture_host("intel-skylake-server.txt");
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=Skylake-Server-v4", h, &err);
	CHECK(r);
	if (!r)
		goto out;
	/* data: FEAT_1_ECX 0xf7fa3203 (with hypervisor); host 0x7ffefbff | hypervisor. */
	CHECK_EQ(reg_of(r, 1, 0, ECX), 0xf7fa3203);
	/* FEAT_1_EDX 0x078bfbff AND host 0xbfebfbff. */
	CHECK_EQ(reg_of(r, 1, 0, EDX), 0x078bfbff);
	/* FEAT_7_0_EBX 0xd11f07a9 AND host 0xd39ffffb; 7.0 ECX 0x8; 7.0 EDX 0x04000000. */
	CHECK_EQ(reg_of(r, 7, 0, EBX), 0xd11f07a9);
	CHECK_EQ(reg_of(r, 7, 0, ECX), 0x8);
	CHECK_EQ(reg_of(r, 7, 0, EDX), 0x04000000);
	/* 0x80000001: model ECX 0x121, EDX 0x2c100800; host 0x121, 0x2c100800. */
	CHECK_EQ(reg_of(r, 0x80000001, 0, ECX), 0x121);
	CHECK_EQ(reg_of(r, 0x80000001, 0, EDX), 0x2c100800);
	/* Identity: leaf 1 EAX as the real part (06_55_4), vendor, leaf limits. */
	CHECK_EQ(reg_of(r, 1, 0, EAX), 0x00050654);
	CHECK_EQ(reg_of(r, 0, 0, EAX), 0xd);
	CHECK_EQ(reg_of(r, 0, 0, EBX), 0x756e6547); /* "Genu" */
	CHECK_EQ(reg_of(r, 0, 0, EDX), 0x49656e69); /* "ineI" */
	CHECK_EQ(reg_of(r, 0, 0, ECX), 0x6c65746e); /* "ntel" */
	CHECK_EQ(reg_of(r, 0x80000000, 0, EAX), 0x80000008);
	/* Brand "Intel Xeon Processor (Skylake, IBRS, no TSX)": first and last dwords. */
	CHECK_EQ(reg_of(r, 0x80000002, 0, EAX), 0x65746e49); /* "Inte" */
	CHECK_EQ(reg_of(r, 0x80000004, 0, ECX), 0x29585354); /* "TSX)" */
	CHECK_EQ(reg_of(r, 0x80000004, 0, EDX), 0);
	/* No leaf past the model's level. */
	CHECK(kvmcpu_result_cpuid_find(r, 0xe, 0) == NULL);
	CHECK(kvmcpu_result_cpuid_find(r, 0x80000009, 0) == NULL);
	kvmcpu_result_free(r);
out:
	kvmcpu_host_free(h);
}

/* A word the model leaves empty is zero, even where the host has every bit. */
static void test_empty_word_is_zero(void)
{
	struct kvmcpu_host *h = all_ones_host();
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=Conroe", h, &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(reg_of(r, 7, 0, EBX), 0);
		CHECK_EQ(reg_of(r, 7, 0, ECX), 0);
		CHECK_EQ(reg_of(r, 7, 0, EDX), 0);
		CHECK_EQ(reg_of(r, 6, 0, EAX), 0);
		/* OSXSAVE (leaf 1 ECX bit 27) is KVM's to set from CR4, never the table's. */
		CHECK_EQ(reg_of(r, 1, 0, ECX) & (1u << 27), 0);
		/* Hypervisor bit always set. */
		CHECK_EQ(reg_of(r, 1, 0, ECX) >> 31, 1);
		/* x2apic (bit 21) is on for every model under KVM, Conroe's table lacks it. */
		CHECK_EQ((reg_of(r, 1, 0, ECX) >> 21) & 1, 1);
		CHECK(has_notice(r, KVMCPU_NOTICE_FORCED, "x2apic"));
		/* MONITOR (bit 3) is forced off under KVM though Conroe lists it. */
		CHECK_EQ((reg_of(r, 1, 0, ECX) >> 3) & 1, 0);
		/* Conroe: level 0xa (data), so no leaf 0xb. */
		CHECK_EQ(reg_of(r, 0, 0, EAX), 0xa);
		CHECK(kvmcpu_result_cpuid_find(r, 0xb, 0) == NULL);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/* VME is a baseline bit: qemu64's QEMU table lacks it, the guest gets it. */
static void test_vme_baseline(void)
{
	struct kvmcpu_host *h = all_ones_host();
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=qemu64", h, &err);
	CHECK(r);
	if (r) {
		CHECK_EQ((reg_of(r, 1, 0, EDX) >> 1) & 1, 1);
		CHECK(has_notice(r, KVMCPU_NOTICE_FORCED, "vme"));
		/* qemu64: AuthenticAMD family 15 model 107 stepping 1 -> 0x00060fb1. */
		CHECK_EQ(reg_of(r, 1, 0, EAX), 0x00060fb1);
		/* AMD: 0x80000001 EDX mirrors the alias bits of leaf 1 EDX (mask 0x0183f3ff). */
		CHECK_EQ(reg_of(r, 0x80000001, 0, EDX) & 0x0183f3ff,
			 reg_of(r, 1, 0, EDX) & 0x0183f3ff);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/* Leaf 1 EAX encodings (SDM Vol. 2A Figure 3-6; APM E.3.2), hand-encoded. */
static void test_family_model_stepping(void)
{
	static const struct {
		const char *model;
		uint32_t eax;
	} cases[] = {
		{ "EPYC-Rome", 0x00830f10 }, /* 0x17/0x31/0, as the EPYC 7742 dump */
		{ "EPYC-Genoa", 0x00a10f10 }, /* 0x19/0x11/0 */
		{ "EPYC-Turin", 0x00b00f00 }, /* 0x1a/0x00/0 */
		{ "Dhyana", 0x00900f01 }, /* 0x18/0x00/1 */
		{ "YongFeng", 0x000007b3 }, /* 7/0x0b/3 */
		{ "YongFeng-v2", 0x000507b3 }, /* 7/0x5b/3, as the KH-40000 dump */
		{ "486", 0x00000480 }, /* 4/8/0 */
		{ "SapphireRapids", 0x000806f4 }, /* 6/0x8f/4 */
	};
	struct kvmcpu_host *h = all_ones_host();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char params[64];
		struct kvmcpu_error err;
		snprintf(params, sizeof(params), "cpu=%s", cases[i].model);
		struct kvmcpu_result *r = resolve(params, h, &err);
		CHECK(r);
		if (!r)
			continue;
		if (reg_of(r, 1, 0, EAX) != cases[i].eax)
			fprintf(stderr, "model %s\n", cases[i].model);
		CHECK_EQ(reg_of(r, 1, 0, EAX), cases[i].eax);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/* Leaves inside the model's level that the host lacks read as zero. */
static void test_leaves_host_lacks_are_zero(void)
{
	/* The Conroe dump stops at level 0xa; Skylake-Server asks for 0xd. */
	struct kvmcpu_host *h = fixture_host("intel-conroe.txt");
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=Skylake-Server", h, &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(reg_of(r, 0, 0, EAX), 0xd);
		/* 0xB is the topology's, whatever the host: one SMT level of 1 thread (QEMU). */
		const struct kvmcpu_cpuid_entry *e = kvmcpu_result_cpuid_find(r, 0xb, 0);
		CHECK(e && !e->eax && e->ebx == 1 && e->ecx == 0x100 && !e->edx);
		/* No XSAVE on Conroe: leaf 0xD is empty. */
		e = kvmcpu_result_cpuid_find(r, 0xd, 0);
		CHECK(e && !e->eax && !e->ebx && !e->ecx && !e->edx);
		CHECK(has_notice(r, KVMCPU_NOTICE_DROPPED, "avx512f"));
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/* Leaf 7 subleaf 0 EAX is the highest subleaf carrying model features. */
static void test_leaf7_max_subleaf(void)
{
	struct kvmcpu_host *h = all_ones_host();
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=Skylake-Server", h, &err);
	CHECK(r && reg_of(r, 7, 0, EAX) == 0);
	CHECK(r && kvmcpu_result_cpuid_find(r, 7, 1) == NULL);
	kvmcpu_result_free(r);
	/* SapphireRapids has avx-vnni and avx512-bf16 in 7.1 EAX. */
	r = resolve("cpu=SapphireRapids", h, &err);
	CHECK(r && reg_of(r, 7, 0, EAX) == 1);
	CHECK(r && reg_of(r, 7, 1, EAX) != 0);
	kvmcpu_result_free(r);
	/* GraniteRapids has 7.2 EDX features. */
	r = resolve("cpu=GraniteRapids", h, &err);
	CHECK(r && reg_of(r, 7, 0, EAX) == 2);
	kvmcpu_result_free(r);
	kvmcpu_host_free(h);
}

/* Leaf 0xD offers only the state of features that survived, with the host's sizes. */
static void test_xsave_components(void)
{
	struct kvmcpu_host *h = fixture_host("intel-skylake-server.txt");
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=Skylake-Server-v4", h, &err);
	CHECK(r);
	if (r) {
		/* x87 SSE AVX opmask ZMM_Hi256 Hi16_ZMM PKRU = bits 0,1,2,5,6,7,9. */
		CHECK_EQ(reg_of(r, 0xd, 0, EAX), 0x2e7);
		/* PKRU at offset 0xa80, 8 bytes (host subleaf 9) ends the area. */
		CHECK_EQ(reg_of(r, 0xd, 0, ECX), 0xa88);
		/* FEAT_XSAVE: xsaveopt xsavec xgetbv1 (model 0x7 AND host 0xf). */
		CHECK_EQ(reg_of(r, 0xd, 1, EAX), 0x7);
		CHECK_EQ(reg_of(r, 0xd, 2, EAX), 0x100);
		CHECK_EQ(reg_of(r, 0xd, 2, EBX), 0x240);
		/* MPX (3, 4) is not in this model: no subleaf. */
		CHECK(kvmcpu_result_cpuid_find(r, 0xd, 3) == NULL);
		kvmcpu_result_free(r);
	}
	r = resolve("cpu=Skylake-Server-v4+no_avx512f", h, &err);
	CHECK(r);
	if (r) {
		/* No AVX-512 state without AVX-512F; PKRU still ends at 0xa88. */
		CHECK_EQ(reg_of(r, 0xd, 0, EAX), 0x207);
		CHECK_EQ(reg_of(r, 0xd, 0, ECX), 0xa88);
		CHECK(kvmcpu_result_cpuid_find(r, 0xd, 5) == NULL);
		/* avx512f (7.0 EBX bit 16) is off; QEMU's dependency table leaves dq/cd/bw/vl
		 * (bits 17, 28, 30, 31) to the guest, which checks AVX512F first. */
		CHECK_EQ(reg_of(r, 7, 0, EBX) & (1u << 16), 0);
		CHECK_EQ(reg_of(r, 7, 0, EBX) & 0xd0020000, 0xd0020000);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);

	h = fixture_host("intel-sapphirerapids.txt");
	r = resolve("cpu=SapphireRapids", h, &err);
	CHECK(r);
	if (r) {
		/* AMX tile state (17, 18) with amx-tile; the area ends at 0xb00 + 0x2000. */
		CHECK_EQ(reg_of(r, 0xd, 0, EAX) & 0x60000, 0x60000);
		CHECK_EQ(reg_of(r, 0xd, 0, ECX), 0x2b00);
		kvmcpu_result_free(r);
	}
	r = resolve("cpu=SapphireRapids+no_amx-tile", h, &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(reg_of(r, 0xd, 0, EAX) & 0x60000, 0);
		CHECK_EQ(reg_of(r, 0xd, 0, ECX), 0xa88);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/*
 * Topology (0xB), address sizes and leaf 1 EBX come from the config as QEMU
 * builds them at -smp 1: one thread per package, 40 physical and 48 virtual
 * address bits, CLFLUSH 64 bytes. (Cache leaves: test_cache_leaves.)
 */
static void test_host_leaves(void)
{
	struct kvmcpu_host *h = fixture_host("intel-skylake-server.txt");
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=Cascadelake-Server", h, &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(reg_of(r, 0xb, 1, EBX), 1);
		CHECK_EQ(reg_of(r, 0x80000008, 0, EAX), 0x00003028);
		CHECK_EQ(reg_of(r, 1, 0, EBX), 0x00000800);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/*
 * Cache leaves come from the model, not the host: Cascadelake-Server has no
 * table of its own and gets QEMU's legacy Intel one. Expected values: what
 * QEMU 11.1.3 hands KVM_SET_CPUID2 for -cpu Cascadelake-Server -smp 1.
 * With host-cache-info they are the dump's, with the leaf 4 core and sharing
 * counts of a one-vCPU guest (the dump's L3 is shared by 64 IDs > 1: package).
 */
static void test_cache_leaves(void)
{
	struct kvmcpu_host *h = fixture_host("intel-skylake-server.txt");
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=Cascadelake-Server", h, &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(reg_of(r, 2, 0, EAX), 1);
		CHECK_EQ(reg_of(r, 2, 0, EDX), 0xff);
		CHECK_EQ(reg_of(r, 4, 3, EAX), 0x163);
		CHECK_EQ(reg_of(r, 4, 3, EBX), 0x03c0003f);
		CHECK_EQ(reg_of(r, 4, 3, ECX), 0x3fff);
		CHECK_EQ(reg_of(r, 4, 3, EDX), 6);
		CHECK(kvmcpu_result_cpuid_find(r, 4, 4) != NULL);
		CHECK_EQ(reg_of(r, 4, 4, EAX), 0);
		CHECK_EQ(reg_of(r, 0x80000006, 0, ECX), 0x10008040);
		kvmcpu_result_free(r);
	}
	r = resolve("cpu=Cascadelake-Server,host-cache-info", h, &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(reg_of(r, 2, 0, EAX), 0x76036301);
		CHECK_EQ(reg_of(r, 2, 0, EBX), 0x00f0b5ff);
		CHECK_EQ(reg_of(r, 4, 0, EAX), 0x121);
		CHECK_EQ(reg_of(r, 4, 3, EAX), 0x163);
		CHECK_EQ(reg_of(r, 4, 3, EBX), 0x0280003f);
		CHECK_EQ(reg_of(r, 4, 3, ECX), 0xbfff);
		CHECK_EQ(reg_of(r, 0x80000006, 0, ECX), 0x01006040);
		kvmcpu_result_free(r);
	}
	r = resolve("cpu=Cascadelake-Server,host-cache-info=maybe", h, &err);
	CHECK(!r);
	CHECK_STR_CONTAINS(err.message, "'maybe'");
	kvmcpu_host_free(h);
}

/* IA32_ARCH_CAPABILITIES = host AND model, in the MSR plan. */
static void test_arch_capabilities(void)
{
	struct kvmcpu_host *h = fixture_host("intel-icelake-server.txt");
	kvmcpu_host_add_msr(h, 0x10a, 0xeb,
			    NULL); /* rdctl-no ibrs-all skip-l1dfl ssb-no mds-no (0xeb) */
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=Cascadelake-Server-v2", h, &err);
	CHECK(r);
	if (r) {
		bool found;
		/* data: Cascadelake-Server-v2 FEAT_ARCH_CAPABILITIES 0x2b; 0x2b AND 0xeb. */
		CHECK_EQ(msr_of(r, 0x10a, &found), 0x2b);
		CHECK(found);
		kvmcpu_result_free(r);
	}
	/* A model without arch-capabilities gets the MSR as zero: QEMU writes it whenever KVM
	 * has it (kvm_init_msrs), and KVM emulates it on every processor. */
	r = resolve("cpu=Skylake-Server", h, &err);
	CHECK(r);
	if (r) {
		bool found;
		CHECK_EQ(msr_of(r, 0x10a, &found), 0);
		CHECK(found);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/* +feature / no_feature / -feature modifiers, aliases, and what the host lacks. */
static void test_modifiers(void)
{
	struct kvmcpu_host *h = fixture_host("intel-icelake-server.txt");
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=Cascadelake-Server-v1+no_hle+-rtm", h, &err);
	CHECK(r);
	if (r) {
		/* hle is 7.0 EBX bit 4, rtm bit 11. */
		CHECK_EQ(reg_of(r, 7, 0, EBX) & ((1u << 4) | (1u << 11)), 0);
		CHECK(has_notice(r, KVMCPU_NOTICE_USER, "hle"));
		kvmcpu_result_free(r);
	}
	/* QEMU's alias spellings: sse4_1 is sse4.1 (leaf 1 ECX bit 19), sse3 is pni (bit 0). */
	r = resolve("cpu=kvm64+sse4_1+sse3", h, &err);
	CHECK(r);
	if (r) {
		CHECK_EQ((reg_of(r, 1, 0, ECX) >> 19) & 1, 1);
		CHECK_EQ(reg_of(r, 1, 0, ECX) & 1, 1);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);

	h = fixture_host("intel-skylake-server.txt");
	r = resolve("cpu=Cascadelake-Server-v5+avx512vnni", h, &err);
	CHECK(!r);
	CHECK_STR_CONTAINS(err.message, "'avx512vnni'");
	CHECK_STR_CONTAINS(err.message, "does not support");
	CHECK_EQ(err.code, -ENOTSUP);
	kvmcpu_host_free(h);
}

/* host and max pass the host through, plus the hypervisor bit. */
static void test_host_passthrough(void)
{
	struct kvmcpu_host *h = fixture_host("intel-haswell.txt");
	struct kvmcpu_error err;
	for (int i = 0; i < 2; i++) {
		struct kvmcpu_result *r = resolve(i ? "cpu=max" : "cpu=host", h, &err);
		CHECK(r);
		if (!r)
			continue;
		/* The dump's own values; vmx (bit 5) hidden without nested_virt. */
		CHECK_EQ(reg_of(r, 1, 0, EAX), 0x000306c3);
		CHECK_EQ(reg_of(r, 1, 0, ECX), (0x7ffafbffu | 0x80000000u) & ~(1u << 5));
		CHECK_EQ(reg_of(r, 7, 0, EBX), 0x000027ab);
		/* Caches as QEMU 11.1.3 gives -cpu host/max without host-cache-info: the
		 * legacy Intel L1d, no longer the dump's 0x1c004121. */
		CHECK_EQ(reg_of(r, 4, 0, EAX), 0x121);
		/* Leaf 1 EBX is QEMU's for one vCPU (the dump's 0x00100800 is not taken), 0xB EDX vCPU 0's. */
		CHECK_EQ(reg_of(r, 1, 0, EBX), 0x00000800);
		CHECK_EQ(reg_of(r, 0xb, 1, EDX), 0);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/* Unknown names: the error names the input and suggests the closest names. */
static void test_unknown_names(void)
{
	struct kvmcpu_config *cfg;
	struct kvmcpu_error err;
	CHECK(kvmcpu_config_parse("cpu=Skylake-Servr", &cfg, &err) == -ENOENT);
	CHECK_STR_CONTAINS(err.message, "unknown CPU model 'Skylake-Servr'");
	CHECK_STR_CONTAINS(err.hint, "Skylake-Server");
	CHECK(kvmcpu_config_parse("cpu=Haswell+avx2x", &cfg, &err) == -ENOENT);
	CHECK_STR_CONTAINS(err.message, "unknown CPU feature 'avx2x'");
	CHECK_STR_CONTAINS(err.hint, "avx2");
	CHECK(kvmcpu_config_parse("cpu=Haswell++avx2", &cfg, &err) == -EINVAL);
	CHECK_STR_CONTAINS(err.message, "empty feature name");
	CHECK(kvmcpu_config_parse("cpu=", &cfg, &err) == -EINVAL);
}

/* nested_virt: vmx for Intel-compatible guests, svm for AMD; VMX MSRs host AND model. */
static void test_nested(void)
{
	struct kvmcpu_host *h = fixture_host("intel-skylake-server.txt");
	/* IA32_VMX_BASIC as kvm_intel reports it: without it, no VMX MSR is written. */
	kvmcpu_host_add_msr(h, 0x480, 0x00d8100011e57ed0ull, NULL);
	/* IA32_VMX_TRUE_PROCBASED_CTLS: allowed-1 lacks bit 3 (vmx-tsc-offset). */
	kvmcpu_host_add_msr(h, 0x48e, 0xfff9fff204006172ull, NULL);
	kvmcpu_host_add_msr(h, 0x486, 0x80000021ull, NULL); /* CR0_FIXED0, QEMU's constant */
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=Skylake-Server-v4", h, &err);
	CHECK(r);
	if (r) {
		bool found;
		CHECK_EQ((reg_of(r, 1, 0, ECX) >> 5) & 1, 0);
		msr_of(r, 0x48e, &found);
		CHECK(!found);
		kvmcpu_result_free(r);
	}
	r = resolve("cpu=Skylake-Server-v4,nested_virt", h, &err);
	CHECK(r);
	if (r) {
		bool found;
		CHECK_EQ((reg_of(r, 1, 0, ECX) >> 5) & 1, 1);
		/* data: model word 0xfbf99e8c; host word 0xfff9fff2 & ~0x04006172 = 0xfbf99e80;
		 * QEMU's default1 0x0401e172: allowed-1 0xfbf99e80 | 0x0401e172 = 0xfff9fff2,
		 * allowed-0 0x0401e172 & ~0xfbf99e80 = 0x04006172. */
		CHECK_EQ(msr_of(r, 0x48e, &found), 0xfff9fff204006172ull);
		CHECK(found);
		CHECK_EQ(msr_of(r, 0x486, &found), 0x80000021ull);
		CHECK(found);
		CHECK(has_notice(r, KVMCPU_NOTICE_DROPPED, "vmx-tsc-offset"));
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);

	/* EPYC-Rome on the Rome dump: svm (0x80000001 ECX bit 2) only with nested_virt. */
	h = fixture_host("amd-epyc-rome.txt");
	r = resolve("cpu=EPYC-Rome", h, &err);
	CHECK(r && ((reg_of(r, 0x80000001, 0, ECX) >> 2) & 1) == 0);
	kvmcpu_result_free(r);
	r = resolve("cpu=EPYC-Rome,nested_virt", h, &err);
	CHECK(r && ((reg_of(r, 0x80000001, 0, ECX) >> 2) & 1) == 1);
	kvmcpu_result_free(r);
	/* An Intel guest on an AMD host cannot nest: the host has no vmx. */
	r = resolve("cpu=Skylake-Server,nested_virt", h, &err);
	CHECK(!r);
	CHECK_STR_CONTAINS(err.message, "nested_virt needs 'vmx'");
	kvmcpu_host_free(h);
}

/* A host read on CPU 5: its APIC IDs must not reach the table. */
static void test_per_cpu_ids(void)
{
	static const char text[] = "0 0 0000000b 756e6547 6c65746e 49656e69\n"
				   "1 0 00050654 05400800 7ffefbff bfebfbff\n"
				   "b 0 00000001 00000002 00000100 00000005\n"
				   "b 1 00000006 00000030 00000201 00000005\n";
	struct kvmcpu_error err;
	struct kvmcpu_host *h;
	CHECK_EQ(kvmcpu_host_load_mem(text, sizeof(text) - 1, "cpu5", &h, &err), 0);
	for (int i = 0; i < 2; i++) {
		struct kvmcpu_result *r = resolve(i ? "cpu=host" : "cpu=Skylake-Server", h, &err);
		CHECK(r);
		if (!r)
			continue;
		/* host and models alike get QEMU's counts for the config (one vCPU here), not the host's. */
		CHECK_EQ(reg_of(r, 1, 0, EBX), 0x00000800);
		CHECK_EQ(reg_of(r, 0xb, 0, EDX), 0);
		CHECK_EQ(reg_of(r, 0xb, 1, EDX), 0);
		CHECK_EQ(reg_of(r, 0xb, 1, EBX), 1);
		kvmcpu_result_free(r);
	}
	kvmcpu_host_free(h);
}

/* The original design's parameter string. */
static void test_parameter_string(void)
{
	struct kvmcpu_config *cfg;
	struct kvmcpu_error err;
	int r = kvmcpu_config_parse("hv=windows+no_evmcs,cpu=Skylake-Server,nested_virt", &cfg,
				    &err);
	CHECK_EQ(r, 0);
	if (!r) {
		CHECK(!strcmp(kvmcpu_config_cpu(cfg), "Skylake-Server"));
		CHECK(kvmcpu_config_hv(cfg) && !strcmp(kvmcpu_config_hv(cfg), "windows+no_evmcs"));
		CHECK(kvmcpu_config_nested(cfg));
		kvmcpu_config_free(cfg);
	}
	CHECK(kvmcpu_config_parse("cpu=Haswell,bogus=1", &cfg, &err) == -EINVAL);
	CHECK_STR_CONTAINS(err.message, "unknown parameter 'bogus'");
	CHECK(kvmcpu_config_parse("cpu=Haswell,cpu=Broadwell", &cfg, &err) == -EINVAL);
	CHECK_STR_CONTAINS(err.message, "given twice");
	CHECK(kvmcpu_config_parse("cpu=Haswell,,nested_virt", &cfg, &err) == -EINVAL);
	CHECK_STR_CONTAINS(err.message, "empty parameter (item 2)");
	CHECK(kvmcpu_config_parse("nested_virt=maybe", &cfg, &err) == -EINVAL);
	CHECK(kvmcpu_config_parse("cpu", &cfg, &err) == -EINVAL);
	CHECK_STR_CONTAINS(err.message, "needs a value");
}

/*
 * QEMU's vmware-cpuid-freq (target/i386/kvm/kvm.c, on by default): a guest with
 * invtsc on a host whose TSC rate is known gets leaf 0x40000010 = {TSC kHz, APIC
 * bus kHz (KVM: 1 GHz), 0, 0}, and 0x40000000 EAX raised to it; not while Hyper-V
 * owns 0x40000000, and not without a known rate.
 */
static void test_tsc_freq_leaf(void)
{
	struct kvmcpu_host *h = fixture_host("zhaoxin-yongfeng.txt");
	struct kvmcpu_error err;
	struct kvmcpu_result *r = resolve("cpu=YongFeng", h, &err);
	CHECK(r && !kvmcpu_result_cpuid_find(r, 0x40000010, 0));
	CHECK(r && reg_of(r, 0x40000000, 0, EAX) == 0x40000001);
	kvmcpu_result_free(r);
	CHECK_EQ(kvmcpu_host_set_tsc_khz(h, 2100000), 0);
	r = resolve("cpu=YongFeng", h, &err);
	CHECK(r);
	if (r) {
		CHECK_EQ(reg_of(r, 0x40000000, 0, EAX), 0x40000010);
		CHECK_EQ(reg_of(r, 0x40000010, 0, EAX), 2100000);
		CHECK_EQ(reg_of(r, 0x40000010, 0, EBX), 1000000);
		kvmcpu_result_free(r);
	}
	r = resolve("cpu=YongFeng+no_invtsc", h, &err);
	CHECK(r && !kvmcpu_result_cpuid_find(r, 0x40000010, 0));
	kvmcpu_result_free(r);
	kvmcpu_host_free(h);
}

int main(void)
{
	test_tsc_freq_leaf();
	test_mask_model_and_host();
	test_empty_word_is_zero();
	test_vme_baseline();
	test_family_model_stepping();
	test_leaves_host_lacks_are_zero();
	test_leaf7_max_subleaf();
	test_xsave_components();
	test_host_leaves();
	test_cache_leaves();
	test_arch_capabilities();
	test_modifiers();
	test_host_passthrough();
	test_unknown_names();
	test_nested();
	test_parameter_string();
	test_per_cpu_ids();
	return check_finish("test-resolve");
}
