/* SPDX-License-Identifier: MIT */
/*
 * The raw output of the cpuid tool (Debian's cpuid package, `cpuid -r`):
 *   CPU 0:
 *      0x00000000 0x00: eax=0x0000000d ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69
 * one block per logical CPU ("CPU:" alone with -1). The first CPU's block is the host.
 * What it records is the processor's own CPUID (raw-cpuid kind), as the running kernel
 * sees it.
 */
#include <errno.h>
#include <string.h>

#include "host/import.h"
#include "util/util.h"

#define FORMAT "cpuid -r output"

/* "CPU:" or "CPU <n>:" */
static bool is_cpu_header(struct kc_line l)
{
	l = kc_line_trim(l);
	if (!kc_line_starts(&l, "CPU") || l.len < 4 || l.text[l.len - 1] != ':')
		return false;
	for (size_t i = 3; i < l.len - 1; i++)
		if (l.text[i] != ' ' && (l.text[i] < '0' || l.text[i] > '9'))
			return false;
	return true;
}

bool kc_import_cpuid_detect(const char *data, size_t len)
{
	size_t pos = 0;
	struct kc_line l = { 0 };
	while (kc_line_next(data, len, &pos, &l)) {
		struct kc_line t = kc_line_trim(l);
		if (t.len)
			return is_cpu_header(t);
	}
	return false;
}

/* One hex field "0x" + digits ending at @end_char (or the end of the line for '\0'). */
static bool hex_field(const char **p, const char *end, const char *prefix, char end_char,
		      uint64_t max, uint64_t *out)
{
	size_t np = strlen(prefix);
	if ((size_t)(end - *p) < np || memcmp(*p, prefix, np))
		return false;
	*p += np;
	const char *start = *p;
	while (*p < end && **p != end_char && **p != ' ')
		(*p)++;
	/* cpuid -r writes every number as 0x and hex digits. */
	size_t n = (size_t)(*p - start);
	if (n < 3 || start[0] != '0' || start[1] != 'x' || !kc_parse_u64(start, n, true, max, out))
		return false;
	if (end_char && (*p >= end || **p != end_char))
		return false;
	if (end_char)
		(*p)++;
	while (*p < end && **p == ' ')
		(*p)++;
	return true;
}

static bool parse_entry(struct kc_line t, struct kvmcpu_cpuid_entry *e)
{
	const char *p = t.text, *end = t.text + t.len;
	uint64_t v[6];
	if (!hex_field(&p, end, "", ' ', UINT32_MAX, &v[0]) ||
	    !hex_field(&p, end, "", ':', UINT32_MAX, &v[1]) ||
	    !hex_field(&p, end, "eax=", ' ', UINT32_MAX, &v[2]) ||
	    !hex_field(&p, end, "ebx=", ' ', UINT32_MAX, &v[3]) ||
	    !hex_field(&p, end, "ecx=", ' ', UINT32_MAX, &v[4]) ||
	    !hex_field(&p, end, "edx=", '\0', UINT32_MAX, &v[5]) || p != end)
		return false;
	*e = kc_cpuid_entry_of(v);
	return true;
}

int kc_import_cpuid(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		    struct kvmcpu_error *err)
{
	size_t pos = 0;
	struct kc_line l = { 0 };
	unsigned cpus = 0;
	while (kc_line_next(data, len, &pos, &l)) {
		struct kc_line t = kc_line_trim(l);
		if (!t.len)
			continue;
		if (memchr(l.text, '\0', l.len))
			return kc_import_fail(err, origin, FORMAT, l.no, NULL, "NUL byte in line");
		if (is_cpu_header(t)) {
			if (++cpus > 1)
				break; /* the first logical CPU stands for the host */
			continue;
		}
		struct kvmcpu_cpuid_entry e;
		if (!parse_entry(t, &e))
			return kc_import_fail(
				err, origin, FORMAT, l.no,
				"record the host again with: cpuid -r > FILE",
				"expected '0xLEAF 0xSUBLEAF: eax=0x... ebx=0x... ecx=0x... edx=0x...', got '%.*s'",
				(int)(t.len > 60 ? 60 : t.len), t.text);
		int r = kc_import_add_cpuid(h, &e, origin, FORMAT, l.no, err);
		if (r)
			return r;
	}
	return 0;
}
