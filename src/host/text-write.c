/* SPDX-License-Identifier: MIT */
/*
 * Writes a host in the line-based text format that src/host/text.c reads
 * (docs/host-format.md). Every number is hex without a prefix, padded so
 * that the columns line up; a '#' header names where the host came from.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "host/load-priv.h"
#include "util/util.h"

/* Text values are single words the reader takes back: anything else goes into the header only. */
static bool is_word(const char *s)
{
	return *s && kc_host_word_ok(s, strlen(s), SIZE_MAX);
}

/* A header line "# key: value" with control characters replaced, so it stays one line. */
static void tw_comment(FILE *f, const char *key, const char *value)
{
	fprintf(f, "# %s: ", key);
	for (; *value; value++)
		fputc((unsigned char)*value < ' ' ? '?' : *value, f);
	fputc('\n', f);
}

/*
 * The reader derives the flags from the leaf; a flags= field says where the
 * host's differ (some kernels report 0x1B or 0x80000020 without the flag).
 */
static void tw_cpuid(FILE *f, const char *keyword, const struct kvmcpu_cpuid_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t implied = kc_leaf_flags(v[i].function);

		fprintf(f, "%s %08x %08x %08x %08x %08x %08x", keyword, v[i].function, v[i].index,
			v[i].eax, v[i].ebx, v[i].ecx, v[i].edx);
		if (v[i].flags != implied)
			fprintf(f, " flags=%x", v[i].flags);
		fputc('\n', f);
	}
}

int kc_host_write_text(const struct kvmcpu_host *h, FILE *out, struct kvmcpu_error *err)
{
	size_t i;

	fputs("# kvmcpu host recording, text format (docs/host-format.md)\n", out);
	tw_comment(out, "origin", h->origin);
	tw_comment(out, "kernel", h->kernel);
	tw_comment(out, "module", h->module);
	if (is_word(h->kernel))
		fprintf(out, "kernel %s\n", h->kernel);
	if (is_word(h->module))
		fprintf(out, "module %s\n", h->module);
	/* Only a raw dump says its kind: a recording without one is KVM's report. */
	if (h->kind != KVMCPU_HOST_KVM)
		fprintf(out, "kind %s\n", kvmcpu_host_kind_name(h->kind));
	if (h->tsc_khz)
		fprintf(out, "tsc-khz %" PRIx32 " # %" PRIu32 " kHz\n", h->tsc_khz, h->tsc_khz);
	tw_cpuid(out, "cpuid", h->cpuid, h->ncpuid);
	if (!h->hv_cpuid_known)
		fputs("# hv-cpuid: not recorded (KVM_GET_SUPPORTED_HV_CPUID unavailable)\n", out);
	else if (!h->nhv)
		fputs("hv-cpuid none\n", out);
	tw_cpuid(out, "hv-cpuid", h->hv, h->nhv);
	for (i = 0; i < h->ncaps; i++) {
		/* Hex magnitude, with '-' for a negative value (-(uint64_t) is exact for INT64_MIN). */
		int64_t v = h->caps[i].value;
		fprintf(out, "cap %s %s%" PRIx64 "\n", h->caps[i].name, v < 0 ? "-" : "",
			v < 0 ? -(uint64_t)v : (uint64_t)v);
	}
	for (i = 0; i < h->nmsrs; i++)
		fprintf(out, "msr %08" PRIx32 " %016" PRIx64 "\n", h->msrs[i].index,
			h->msrs[i].value);
	if (fflush(out) || ferror(out))
		return kc_fail(err, -EIO, NULL, "cannot write the host text: %s", strerror(errno));
	return 0;
}
