/* SPDX-License-Identifier: MIT */
/*
 * What the importers of other tools' recordings share: reading lines, and
 * errors and CPUID entries that name the file, the format and the line. The
 * importers call these; these call no importer.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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

int kc_import_fail(struct kvmcpu_error *err, const char *origin, const char *format, unsigned line,
		   const char *hint, const char *fmt, ...)
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
