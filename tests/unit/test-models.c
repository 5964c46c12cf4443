/* SPDX-License-Identifier: MIT */
/* The model table: names, alias resolution, and the psABI level models bit by bit. */
#include "helpers.h"

static int find_word(const char *name)
{
	for (size_t i = 0; i < kvmcpu_word_count(); i++)
		if (!strcmp(kvmcpu_word_at(i)->name, name))
			return (int)i;
	return -1;
}

static uint64_t word(const char *model, const char *w)
{
	const struct kvmcpu_model *m = kvmcpu_model_find(model);
	int i = find_word(w);
	if (!m || i < 0)
		return 0xdeadbeefdeadbeefull;
	return kvmcpu_model_word(m, (size_t)i);
}

static void test_counts_and_aliases(void)
{
	size_t qemu = 0, psabi = 0;
	for (size_t i = 0; i < kvmcpu_model_count(); i++)
		kvmcpu_model_is_psabi_level(kvmcpu_model_at(i)) ? psabi++ : qemu++;
	/* QEMU 11.1.3 registers 186 names (data/PROVENANCE.md); plus five psABI levels. */
	CHECK_EQ(qemu, 186);
	CHECK_EQ(psabi, 5);
	const struct kvmcpu_model *m = kvmcpu_model_find("Skylake-Server-IBRS");
	CHECK(m && !strcmp(kvmcpu_model_alias_of(m), "Skylake-Server-v2"));
	m = kvmcpu_model_find("Skylake-Server");
	CHECK(m && !strcmp(kvmcpu_model_alias_of(m), "Skylake-Server-v1"));
	CHECK(m && !strcmp(kvmcpu_model_name(kvmcpu_model_resolve_alias(m)), "Skylake-Server-v1"));
	m = kvmcpu_model_find("Haswell-noTSX-IBRS");
	CHECK(m && !strcmp(kvmcpu_model_alias_of(m), "Haswell-v4"));
	CHECK(kvmcpu_model_find("DiamondRapids-v2") != NULL);
	CHECK(kvmcpu_model_find("EPYC-Turin-v2") != NULL);
	CHECK(kvmcpu_model_find("Skylake-Server-v99") == NULL);
	/* Versions apply cumulatively: Haswell-v4 = table + v2 (no hle/rtm) + v3 + v4. */
	CHECK_EQ(word("Haswell-v4", "FEAT_7_0_EBX") & ((1u << 4) | (1u << 11)), 0);
	CHECK_EQ(word("Haswell-v1", "FEAT_7_0_EBX") & ((1u << 4) | (1u << 11)),
		 (1u << 4) | (1u << 11));
}

/* Additive psABI levels (x86-64 psABI), bits from the SDM leaf layouts. */
static void test_psabi_levels(void)
{
	/* baseline: fpu..sse2 = bits 0-9, 11-17, 19, 23-26 of leaf 1 EDX. */
	CHECK_EQ(word("x86-64-v1", "FEAT_1_EDX"), 0x078bfbff);
	CHECK_EQ(word("x86-64-v1", "FEAT_1_ECX"), 0);
	/* syscall (11), nx (20), lm (29). */
	CHECK_EQ(word("x86-64-v1", "FEAT_8000_0001_EDX"), 0x20100800);
	/* v2: pni(0) ssse3(9) cx16(13) sse4.1(19) sse4.2(20) popcnt(23); lahf-lm. */
	CHECK_EQ(word("x86-64-v2", "FEAT_1_ECX"), 0x00982201);
	CHECK_EQ(word("x86-64-v2", "FEAT_8000_0001_ECX"), 0x1);
	/* v2-AES: + aes (25). */
	CHECK_EQ(word("x86-64-v2-AES", "FEAT_1_ECX"), 0x02982201);
	/* v3: + fma(12) movbe(22) xsave(26) avx(28) f16c(29); bmi1 avx2 bmi2; abm. No aes. */
	CHECK_EQ(word("x86-64-v3", "FEAT_1_ECX"), 0x34d83201);
	CHECK_EQ(word("x86-64-v3", "FEAT_7_0_EBX"), 0x128);
	CHECK_EQ(word("x86-64-v3", "FEAT_8000_0001_ECX"), 0x21);
	/* v4: + avx512f(16) dq(17) cd(28) bw(30) vl(31). */
	CHECK_EQ(word("x86-64-v4", "FEAT_7_0_EBX"), 0xd0030128);
	const struct kvmcpu_model *m = kvmcpu_model_find("x86-64-v4");
	CHECK(m && !strcmp(kvmcpu_model_psabi(m), "x86-64-v4"));
}

static void test_feature_lookup(void)
{
	const struct kvmcpu_feature_info *fi = kvmcpu_feature_find("avx512f");
	CHECK(fi != NULL);
	if (fi) {
		CHECK(!strcmp(kvmcpu_word_at(fi->word)->name, "FEAT_7_0_EBX"));
		CHECK_EQ(fi->mask, 1u << 16);
	}
	CHECK_EQ(kvmcpu_feature_find("sse4_2"), kvmcpu_feature_find("sse4.2"));
	CHECK_EQ(kvmcpu_feature_find("sse3"), kvmcpu_feature_find("pni"));
	CHECK(kvmcpu_feature_find("nosuchfeature") == NULL);
	CHECK(kvmcpu_feature_find(NULL) == NULL);
	/* QEMU accepts '-', '_' and '.' alike in property names (sse4-1 is sse4.1). */
	CHECK(kvmcpu_feature_find("sse4-1") != NULL);
	CHECK(kvmcpu_feature_find("sse4-1") == kvmcpu_feature_find("sse4.1"));
	/* Skylake-Server has AVX-512F (QEMU target/i386/cpu.c), Haswell does not. */
	CHECK(kvmcpu_model_has_feature(kvmcpu_model_find("Skylake-Server"), fi));
	CHECK(!kvmcpu_model_has_feature(kvmcpu_model_find("Haswell"), fi));
}

int main(void)
{
	test_counts_and_aliases();
	test_psabi_levels();
	test_feature_lookup();
	return check_finish("test-models");
}
