/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util/util.h"

void kc_strlcpy(char *dst, const char *src, size_t size)
{
	if (!size)
		return;
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void kvmcpu_error_clear(struct kvmcpu_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->message[0] = '\0';
	err->hint[0] = '\0';
}

#undef kc_fail /* the analyzer-only macro of util.h */
int kc_fail(struct kvmcpu_error *err, int code, const char *hint, const char *fmt, ...)
{
	if (!err)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->code = code;
	kc_strlcpy(err->hint, hint ? hint : "", sizeof(err->hint));
	return code;
}

const char *kvmcpu_strerror(int code)
{
	if (code == 0)
		return "success";
	return strerror(code < 0 ? -code : code);
}

const char *kvmcpu_version(void)
{
	return KVMCPU_VERSION;
}

static int fold(int c)
{
	if (c == '_' || c == '.')
		return '-';
	return tolower(c);
}

bool kc_name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (fold((unsigned char)*a) != fold((unsigned char)*b))
			return false;
	return *a == *b;
}

size_t kc_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return la > lb ? la : lb;
	size_t row[64];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = fold((unsigned char)a[i - 1]) != fold((unsigned char)b[j - 1]);
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* A name whose prefix matches counts as close too: "Skylake" suggests "Skylake-Server". */
static size_t closeness(const char *word, const char *name)
{
	size_t lw = strlen(word);
	if (lw >= 3 && !strncasecmp(word, name, lw))
		return 1;
	return kc_edit_distance(word, name);
}

void kc_suggest(const char *word, size_t n, kc_name_at_fn get, const void *ctx, size_t max,
		char *buf, size_t len)
{
	size_t limit = strlen(word) / 3 + 2;
	size_t used = 0;
	unsigned char dist[2048];
	if (len)
		buf[0] = '\0';
	/* No name is this long; a suggestion would cost much and say nothing. */
	if (strlen(word) > 40)
		return;
	if (n > sizeof(dist))
		n = sizeof(dist);
	/* One distance per name, then the names in order of closeness. */
	for (size_t i = 0; i < n; i++) {
		const char *name = get(i, ctx);
		size_t d = name ? closeness(word, name) : 255;
		dist[i] = (unsigned char)(d > 255 ? 255 : d);
	}
	for (size_t d = 0; d <= limit && max; d++) {
		for (size_t i = 0; i < n && max; i++) {
			if (dist[i] != d)
				continue;
			int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", get(i, ctx));
			if (w < 0 || (size_t)w >= len - used)
				return;
			used += (size_t)w;
			max--;
		}
	}
}

bool kc_parse_u64(const char *s, size_t len, bool hex_default, uint64_t max, uint64_t *out)
{
	unsigned base = hex_default ? 16 : 10;
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (!len)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		int c = tolower((unsigned char)s[i]);
		unsigned digit;
		if (c >= '0' && c <= '9')
			digit = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			digit = (unsigned)(c - 'a' + 10);
		else
			return false;
		if (v > (UINT64_MAX - digit) / base)
			return false;
		v = v * base + digit;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

int kc_read_file(const char *path, char **data, size_t *len, struct kvmcpu_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kc_fail(err, -errno, "check the path and its permissions",
			       "cannot open '%s': %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
		int e = errno ? errno : EINVAL;
		close(fd);
		return kc_fail(err, -e, "give a regular file of at most 64 MiB",
			       "'%s' is not a readable regular file", path);
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return kc_fail(err, -ENOMEM, NULL, "out of memory reading '%s'", path);
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

bool kc_leaf_is_indexed(uint32_t function)
{
	switch (function) {
	case 0x4: case 0x7: case 0xb: case 0xd: case 0xf: case 0x10: case 0x12: case 0x14:
	case 0x17: case 0x18: case 0x1b: case 0x1d: case 0x1e: case 0x1f: case 0x20: case 0x23:
	case 0x24: case 0x29: case 0x8000001d: case 0x80000020: case 0x80000026:
		return true;
	default:
		return false;
	}
}

void kc_vendor_from_regs(uint32_t ebx, uint32_t ecx, uint32_t edx, char out[13])
{
	memcpy(out, &ebx, 4);
	memcpy(out + 4, &edx, 4);
	memcpy(out + 8, &ecx, 4);
	out[12] = '\0';
}

bool kc_vendor_is_intel_compatible(const char *vendor)
{
	return !vendor || (strcmp(vendor, "AuthenticAMD") && strcmp(vendor, "HygonGenuine"));
}

bool kc_opts_valid(const void *opts, size_t user_sz, size_t min_sz, size_t known_sz)
{
	if (user_sz < min_sz)
		return false;
	const unsigned char *p = opts;
	for (size_t i = known_sz; i < user_sz; i++)
		if (p[i])
			return false;
	return true;
}
