/* SPDX-License-Identifier: MIT */
/*
 * Loading and saving a recorded host: reads the file, tells the two formats
 * apart, hands the bytes to the format's reader (json.c, text.c) and checks
 * what every host needs. It sits above the formats, which sit above the host
 * container (host.c): data flows one way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host/load-priv.h"
#include "util/util.h"

/* The first byte that is neither white space nor a UTF-8 byte order mark, or 0. */
static char first_char(const char *data, size_t len)
{
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
		data += 3;
		len -= 3;
	}
	for (size_t i = 0; i < len; i++)
		if (data[i] != ' ' && data[i] != '\t' && data[i] != '\n' && data[i] != '\r')
			return data[i];
	return 0;
}

/* Resolution needs the vendor (leaf 0) and the family and basic features (leaf 1). */
static int check_complete(const struct kvmcpu_host *h, const char *origin, struct kvmcpu_error *err)
{
	if (!kvmcpu_host_cpuid_count(h))
		return kc_fail(err, -EINVAL,
			       "a host file needs at least the CPUID leaves it supports",
			       "%s: no CPUID entries", origin);
	if (!kvmcpu_host_cpuid_find(h, 0, 0))
		return kc_fail(
			err, -EINVAL,
			"a recording starts with leaf 0, e.g. "
			"00000000 00 0000000d 756e6547 6c65746e 49656e69",
			"%s: no CPUID leaf 0x0 (vendor and highest basic leaf); the recording "
			"is incomplete",
			origin);
	if (!kvmcpu_host_cpuid_find(h, 1, 0))
		return kc_fail(err, -EINVAL, "record the host again, or add its leaf 1 line",
			       "%s: no CPUID leaf 0x1 (family, model and basic features); the "
			       "recording is incomplete",
			       origin);
	return 0;
}

static int parse(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		 struct kvmcpu_error *err)
{
	int r = kc_host_import(h, data, len, origin, err); /* another tool's recording? */
	if (r != 1)
		return r;
	h->source_format = first_char(data, len) == '{' ? "kvmcpu-json" : "kvmcpu-text";
	switch (first_char(data, len)) {
	case '{':
		return kc_host_parse_json(h, data, len, origin, err);
	case '[':
		return kc_fail(err, -EINVAL, "kvmcpu host --json writes a recording",
			       "%s: not a kvmcpu recording: the JSON is an array, and a host "
			       "recording is an object",
			       origin);
	default:
		return kc_host_parse_text(h, data, len, origin, err);
	}
}

int kvmcpu_host_load_mem(const char *data, size_t len, const char *origin, struct kvmcpu_host **out,
			 struct kvmcpu_error *err)
{
	if (!data || !out)
		return kc_fail(err, -EINVAL, NULL, "no host data given");
	struct kvmcpu_host *h = kc_host_new();
	if (!h)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	if (!origin)
		origin = "<memory>";
	kc_host_set_info(h, origin, NULL, NULL);
	int r = parse(h, data, len, origin, err);
	if (!r)
		r = check_complete(h, origin, err);
	if (r) {
		kvmcpu_host_free(h);
		return r;
	}
	kc_host_finish(h);
	*out = h;
	return 0;
}

int kvmcpu_host_load(const char *path, struct kvmcpu_host **out, struct kvmcpu_error *err)
{
	char *data;
	size_t len;
	if (!path)
		return kc_fail(err, -EINVAL, NULL, "no host file given");
	int r = kc_read_file(path, KC_HOST_FILE_MAX, &data, &len, err);
	if (r)
		return r;
	r = kvmcpu_host_load_mem(data, len, path, out, err);
	free(data);
	return r;
}

int kc_host_save_file(const struct kvmcpu_host *h, FILE *out, enum kvmcpu_host_format format,
		      struct kvmcpu_error *err)
{
	switch (format) {
	case KVMCPU_HOST_JSON:
		return kc_host_write_json(h, out, err);
	case KVMCPU_HOST_TEXT:
		return kc_host_write_text(h, out, err);
	}
	return kc_fail(err, -EINVAL, NULL, "unknown host format %d", (int)format);
}
