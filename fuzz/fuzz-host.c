/* SPDX-License-Identifier: MIT */
/*
 * Recorded host import, JSON or text (kvmcpu_host_load_mem). Whatever loads
 * must save in both formats and load back with the same content
 * (docs/host-format.md): entries with their flags, whether the Hyper-V CPUID
 * is known, capabilities in order, MSRs, kernel and module. A JSON document
 * is also read by the tree reader alone (kc_host_parse_json_tree): the one-pass
 * reader that loads the usual recordings must accept nothing the tree reader
 * refuses and give the same host, and it must read every JSON kvmcpu writes
 * without escapes.
 * Any difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/load-priv.h"
#include "kvmcpu/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void differ(const char *format, const char *what)
{
	fprintf(stderr, "fuzz-host: saved as %s and loaded back, the host differs in %s\n", format,
		what);
	abort();
}

static bool same_entry(const struct kvmcpu_cpuid_entry *a, const struct kvmcpu_cpuid_entry *b)
{
	return a->function == b->function && a->index == b->index && a->flags == b->flags &&
	       a->eax == b->eax && a->ebx == b->ebx && a->ecx == b->ecx && a->edx == b->edx;
}

static void compare(const struct kvmcpu_host *a, const struct kvmcpu_host *b, const char *format)
{
	if (kvmcpu_host_cpuid_count(a) != kvmcpu_host_cpuid_count(b))
		differ(format, "the number of CPUID entries");
	for (size_t i = 0; i < kvmcpu_host_cpuid_count(a); i++)
		if (!same_entry(kvmcpu_host_cpuid_at(a, i), kvmcpu_host_cpuid_at(b, i)))
			differ(format, "a CPUID entry");
	if (kvmcpu_host_has_hv_cpuid(a) != kvmcpu_host_has_hv_cpuid(b) ||
	    kvmcpu_host_hv_cpuid_count(a) != kvmcpu_host_hv_cpuid_count(b))
		differ(format, "the Hyper-V CPUID");
	for (size_t i = 0; i < kvmcpu_host_hv_cpuid_count(a); i++)
		if (!same_entry(kvmcpu_host_hv_cpuid_at(a, i), kvmcpu_host_hv_cpuid_at(b, i)))
			differ(format, "a Hyper-V CPUID entry");
	if (kvmcpu_host_cap_count(a) != kvmcpu_host_cap_count(b))
		differ(format, "the number of capabilities");
	for (size_t i = 0; i < kvmcpu_host_cap_count(a); i++) {
		int64_t va, vb;
		const char *na = kvmcpu_host_cap_at(a, i, &va), *nb = kvmcpu_host_cap_at(b, i, &vb);
		if (strcmp(na, nb) || va != vb)
			differ(format, "a capability");
	}
	if (kvmcpu_host_msr_count(a) != kvmcpu_host_msr_count(b))
		differ(format, "the number of MSRs");
	for (size_t i = 0; i < kvmcpu_host_msr_count(a); i++) {
		uint64_t va, vb;
		if (kvmcpu_host_msr_at(a, i, &va) != kvmcpu_host_msr_at(b, i, &vb) || va != vb)
			differ(format, "an MSR");
	}
	if (strcmp(kvmcpu_host_kernel(a), kvmcpu_host_kernel(b)) ||
	    strcmp(kvmcpu_host_module(a), kvmcpu_host_module(b)))
		differ(format, "kernel or module");
	if (strcmp(kvmcpu_host_vendor(a), kvmcpu_host_vendor(b)))
		differ(format, "the vendor");
	if (kvmcpu_host_kind(a) != kvmcpu_host_kind(b))
		differ(format, "the kind");
	if (kvmcpu_host_tsc_khz(a) != kvmcpu_host_tsc_khz(b))
		differ(format, "the TSC rate");
}

static void round_trip(const struct kvmcpu_host *h, enum kvmcpu_host_format format)
{
	const char *name = format == KVMCPU_HOST_JSON ? "JSON" : "text";
	struct kvmcpu_error err;
	struct kvmcpu_host *back = NULL;
	size_t len = 0;
	/* The length first, then a buffer that holds it and the NUL (kvmcpu_host_save_mem). */
	kvmcpu_host_save_mem(h, format, NULL, 0, &len, &err);
	char *buf = malloc(len + 1);
	if (!buf)
		return;
	if (kvmcpu_host_save_mem(h, format, buf, len + 1, &len, &err)) {
		free(buf);
		fprintf(stderr, "fuzz-host: cannot save as %s: %s\n", name, err.message);
		abort();
	}
	/*
	 * What kvmcpu writes is the usual recording: the one-pass reader must take
	 * it, unless a string needed an escape (a '"' or '\\' in a kernel release),
	 * which that reader leaves to the tree.
	 */
	struct kvmcpu_host *usual = kc_host_new();
	if (format == KVMCPU_HOST_JSON && usual && !memchr(buf, '\\', len) &&
	    kc_host_parse_json_usual(usual, buf, len)) {
		fprintf(stderr,
			"fuzz-host: the one-pass reader leaves kvmcpu's own JSON to the "
			"tree reader\n---\n%s---\n",
			buf);
		abort();
	}
	kvmcpu_host_free(usual);
	if (kvmcpu_host_load_mem(buf, len, "saved", &back, &err)) {
		fprintf(stderr, "fuzz-host: saved as %s, refused on reload: %s\n---\n%s---\n", name,
			err.message, buf);
		abort();
	}
	compare(h, back, name);
	kvmcpu_host_free(back);
	free(buf);
}

/* @loaded (NULL when refused) against the tree reader's reading of the same JSON bytes. */
static void against_tree(const struct kvmcpu_host *loaded, const uint8_t *data, size_t size)
{
	if (!loaded || strcmp(kvmcpu_host_source_format(loaded), "kvmcpu-json"))
		return;
	struct kvmcpu_host *tree = kc_host_new();
	struct kvmcpu_error err;
	if (!tree)
		return;
	int r = kc_host_parse_json_tree(tree, (const char *)data, size, "fuzz", &err);
	if (r) {
		fprintf(stderr, "fuzz-host: loaded, but the tree reader refuses it: %s\n",
			err.message);
		abort();
	}
	compare(loaded, tree, "JSON by the tree reader");
	kvmcpu_host_free(tree);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvmcpu_host *h = NULL;
	struct kvmcpu_error err;
	if (kvmcpu_host_load_mem((const char *)data, size, "fuzz", &h, &err) == 0) {
		round_trip(h, KVMCPU_HOST_JSON);
		round_trip(h, KVMCPU_HOST_TEXT);
	}
	against_tree(h, data, size);
	kvmcpu_host_free(h);
	return 0;
}
