/* SPDX-License-Identifier: MIT */
/*
 * Hosts recorded by other tools: the dispatch from the content to an importer
 * (docs/host-format.md, "Recordings of other tools").
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "host/import.h"
#include "util/util.h"

static const struct {
	const char *name;
	bool (*detect)(const char *data, size_t len);
	int (*parse)(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		     struct kvmcpu_error *err);
	enum kvmcpu_host_kind kind;
} importers[] = {
	/* Firecracker's guest view: KVM's table after Firecracker's normalisation. */
	{ "firecracker-fingerprint", kc_import_firecracker_detect, kc_import_firecracker,
	  KVMCPU_HOST_KVM },
	{ "cpuid-r", kc_import_cpuid_detect, kc_import_cpuid, KVMCPU_HOST_RAW_CPUID },
	{ "instlatx64", kc_import_instlat_detect, kc_import_instlat, KVMCPU_HOST_RAW_CPUID },
};

/*
 * A JSON object whose first member is "schema" is kvmcpu's own recording (its
 * writer puts it first), never another tool's: no detector need search it.
 */
static bool starts_with_schema(const char *data, size_t len)
{
	size_t i = len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) ? 3 : 0;
	bool brace = false;
	for (; i < len; i++) {
		if (data[i] == '{' && !brace)
			brace = true;
		else if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' && data[i] != '\n')
			break;
	}
	return brace && len - i >= 8 && !memcmp(data + i, "\"schema\"", 8);
}

int kc_host_import(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		   struct kvmcpu_error *err)
{
	if (starts_with_schema(data, len))
		return 1;
	for (size_t i = 0; i < KC_ARRAY_SIZE(importers); i++) {
		if (!importers[i].detect(data, len))
			continue;
		h->source_format = importers[i].name;
		h->kind = importers[i].kind;
		return importers[i].parse(h, data, len, origin, err);
	}
	return 1;
}
