/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
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
			size_t cost = fold((unsigned char)a[i - 1]) !=
				      fold((unsigned char)b[j - 1]);
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
			int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 get(i, ctx));
			if (w < 0 || (size_t)w >= len - used)
				return;
			used += (size_t)w;
			max--;
		}
	}
}

/* Names what a non-regular file is, for the refusal message. */
static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO (named pipe)";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "not a regular file";
}

static int refuse_kind(const char *path, mode_t mode, struct kvmcpu_error *err)
{
	return kc_fail(err, S_ISDIR(mode) ? -EISDIR : -EINVAL, "give a regular file",
		       "'%s' is %s, not a regular file", path, file_kind(mode));
}

/* Kernel interfaces look like regular files but are no recordings (and may never end). */
static bool on_kernel_fs(int fd)
{
	struct statfs fs;
	return !fstatfs(fd, &fs) && (fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC);
}

static int too_large(const char *what, size_t limit, struct kvmcpu_error *err)
{
	return kc_fail(err, -EFBIG, "a recording of a real host is a few kilobytes",
		       "'%s' is larger than the %zu MiB limit", what, limit >> 20);
}

/*
 * The whole of @fd. @size is what fstat() said of a regular file (SIZE_MAX when
 * unknown): a short read that brings the total to it is at the end, which saves
 * the last read of nothing (a cluster command opens thousands of recordings).
 * Any other short read, as some FUSE file systems give, reads on.
 */
static int read_all(int fd, const char *what, size_t limit, size_t size, char **data, size_t *len,
		    struct kvmcpu_error *err)
{
	size_t cap = limit < 65536 ? limit + 1 : 65536, got = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		return kc_fail(err, -ENOMEM, NULL, "out of memory reading '%s'", what);
	/* Read to the end rather than trust st_size: the file may change while it is read. */
	for (;;) {
		if (got == cap) { /* got <= limit here, so the buffer can still grow */
			size_t ncap = cap > limit / 2 ? limit + 1 : cap * 2;
			char *p = realloc(buf, ncap + 1);
			if (!p) {
				free(buf);
				return kc_fail(err, -ENOMEM, NULL, "out of memory reading '%s'",
					       what);
			}
			buf = p;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			return kc_fail(err, -e, NULL, "cannot read '%s': %s", what, strerror(e));
		}
		if (!r)
			break;
		got += (size_t)r;
		if (got > limit) {
			free(buf);
			return too_large(what, limit, err);
		}
		if (got == size && got < cap)
			break;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int kc_read_fd(int fd, const char *what, size_t limit, char **data, size_t *len,
	       struct kvmcpu_error *err)
{
	return read_all(fd, what, limit, SIZE_MAX, data, len, err);
}

int kc_read_file(const char *path, size_t limit, char **data, size_t *len, struct kvmcpu_error *err)
{
	struct stat st;
	/* The type is checked before opening: open() blocks on a FIFO and fails on a socket. */
	if (stat(path, &st) < 0) {
		int e = errno;
		return kc_fail(err, -e, "check the path and its permissions",
			       "cannot open '%s': %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode))
		return refuse_kind(path, st.st_mode, err);
	if ((uint64_t)st.st_size > limit)
		return too_large(path, limit, err);
	/* O_NONBLOCK: a FIFO swapped in after stat() must not hang the open either. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		return kc_fail(err, -e, "check the path and its permissions",
			       "cannot open '%s': %s", path, strerror(e));
	}
	int r;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		r = kc_fail(err, -e, NULL, "cannot read '%s': %s", path, strerror(e));
	} else if (!S_ISREG(st.st_mode)) {
		r = refuse_kind(path, st.st_mode, err);
	} else if (on_kernel_fs(fd)) {
		r = kc_fail(err, -EINVAL, "record a host with: kvmcpu host --json > FILE",
			    "'%s' is a /proc or /sys file, not a host recording", path);
	} else {
		r = read_all(fd, path, limit, (size_t)st.st_size, data, len, err);
	}
	close(fd);
	return r;
}

uint32_t kc_leaf_flags(uint32_t function)
{
	switch (function) {
	case 0x4:
	case 0x7:
	case 0xb:
	case 0xd:
	case 0xf:
	case 0x10:
	case 0x12:
	case 0x14:
	case 0x17:
	case 0x18:
	case 0x1b:
	case 0x1d:
	case 0x1e:
	case 0x1f:
	case 0x20:
	case 0x23:
	case 0x24:
	case 0x29:
	case 0x8000001d:
	case 0x80000020:
	case 0x80000026:
		return KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX;
	default:
		return 0;
	}
}

struct kvmcpu_cpuid_entry kc_cpuid_entry_of(const uint64_t v[6])
{
	return (struct kvmcpu_cpuid_entry){
		.function = (uint32_t)v[0],
		.index = (uint32_t)v[1],
		.eax = (uint32_t)v[2],
		.ebx = (uint32_t)v[3],
		.ecx = (uint32_t)v[4],
		.edx = (uint32_t)v[5],
		.flags = kc_leaf_flags((uint32_t)v[0]),
	};
}

void kc_text_to_regs(const char *text, uint32_t *r0, uint32_t *r1, uint32_t *r2)
{
	char t[12] = { 0 };
	memcpy(t, text, strnlen(text, sizeof(t)));
	memcpy(r0, t, 4);
	memcpy(r1, t + 4, 4);
	memcpy(r2, t + 8, 4);
}

void kc_text_from_regs(uint32_t r0, uint32_t r1, uint32_t r2, char out[13])
{
	memcpy(out, &r0, 4);
	memcpy(out + 4, &r1, 4);
	memcpy(out + 8, &r2, 4);
	out[12] = '\0';
}

void kc_vendor_from_regs(uint32_t ebx, uint32_t ecx, uint32_t edx, char out[13])
{
	kc_text_from_regs(ebx, edx, ecx, out);
}

void kc_vendor_to_regs(const char *vendor, uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
	kc_text_to_regs(vendor, ebx, edx, ecx);
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

int kc_grow(void **array, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	void *p = realloc(*array, ncap * elem);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = ncap;
	return 0;
}
