/* SPDX-License-Identifier: MIT */
/*
 * Hosts recorded by other tools: the dispatch from the content to an importer, and
 * the line reading the text importers share (docs/host-format.md, "Recordings of
 * other tools").
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "host/import.h"
#include "util/util.h"

bool kc_line_next(const char *data, size_t len, size_t *pos, struct kc_line *l)
{
	if (*pos >= len)
		return false;
	const char *start = data + *pos;
	const char *nl = memchr(start, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - start) : len - *pos;
	*pos += n + 1;
	if (n && start[n - 1] == '\r') /* dumps made on Windows end lines with CR LF */
		n--;
	l->text = start;
	l->len = n;
	l->no++;
	return true;
}

struct kc_line kc_line_trim(struct kc_line l)
{
	while (l.len && isspace((unsigned char)l.text[0])) {
		l.text++;
		l.len--;
	}
	while (l.len && isspace((unsigned char)l.text[l.len - 1]))
		l.len--;
	return l;
}

bool kc_line_starts(const struct kc_line *l, const char *prefix)
{
	size_t n = strlen(prefix);
	return l->len >= n && !memcmp(l->text, prefix, n);
}

int kc_import_fail(struct kvmcpu_error *err, const char *origin, const char *format,
		   unsigned line, const char *hint, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return kc_fail(err, -EINVAL, hint, "%s:%u: %s: %s", origin, line, format, what);
}

int kc_import_add_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e,
			const char *origin, const char *format, unsigned line,
			struct kvmcpu_error *err)
{
	int r = kc_host_add_cpuid(h, e);
	if (r == -EEXIST)
		return kc_import_fail(err, origin, format, line, NULL,
				      "CPUID leaf 0x%08x subleaf 0x%x appears twice", e->function,
				      e->index);
	return r ? kc_fail(err, r, NULL, "%s: out of memory", origin) : 0;
}

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

int kc_host_import(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		   struct kvmcpu_error *err)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(importers); i++) {
		if (!importers[i].detect(data, len))
			continue;
		h->source_format = importers[i].name;
		h->kind = importers[i].kind;
		return importers[i].parse(h, data, len, origin, err);
	}
	return 1;
}
