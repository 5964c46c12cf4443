/* SPDX-License-Identifier: MIT */
/*
 * The line-based recorded host format (docs/host-format.md):
 *   cpuid <leaf> <subleaf> <eax> <ebx> <ecx> <edx>
 *   hv-cpuid <leaf> <subleaf> <eax> <ebx> <ecx> <edx>   (hv-cpuid none: asked, none)
 *   cap <KVM_CAP_NAME> <value>
 *   msr <index> <value>
 *   kernel <release>   module <name>
 *   <leaf> <subleaf> <eax> <ebx> <ecx> <edx>     (a cpuid line)
 * '#' starts a comment; every number is hex, with or without 0x.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "host/host-priv.h"
#include "util/util.h"

#define MAX_FIELDS 8

struct line {
	const char *origin;
	unsigned no;
	const char *field[MAX_FIELDS];
	size_t len[MAX_FIELDS];
	unsigned n;
};

static int line_fail(const struct line *l, struct kvmcpu_error *err, const char *hint,
		     const char *what)
{
	return kc_fail(err, -EINVAL, hint, "%s:%u: %s", l->origin, l->no, what);
}

/* Splits one line (comment stripped) into white-space separated fields. */
static bool split(struct line *l, const char *s, size_t len)
{
	l->n = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i >= len || s[i] == '#')
			break;
		if (l->n == MAX_FIELDS)
			return false;
		l->field[l->n] = s + i;
		while (i < len && !isspace((unsigned char)s[i]) && s[i] != '#')
			i++;
		l->len[l->n] = (size_t)(s + i - l->field[l->n]);
		l->n++;
	}
	return true;
}

static bool field_is(const struct line *l, unsigned i, const char *word)
{
	return l->len[i] == strlen(word) && !strncmp(l->field[i], word, l->len[i]);
}

static int hex_field(const struct line *l, unsigned i, uint64_t max, uint64_t *out,
		     struct kvmcpu_error *err)
{
	if (kc_parse_u64(l->field[i], l->len[i], true, max, out))
		return 0;
	char msg[160];
	snprintf(msg, sizeof(msg), "field %u '%.*s' is not a hex number of at most %u bits", i + 1,
		 (int)(l->len[i] > 40 ? 40 : l->len[i]), l->field[i], max > UINT32_MAX ? 64 : 32);
	return line_fail(l, err, "every number in a host text file is hex, e.g. 0000000d or 0xd",
			 msg);
}

static int parse_cpuid(struct kvmcpu_host *h, const struct line *l, unsigned first, bool hv,
		       struct kvmcpu_error *err)
{
	if (l->n - first != 6)
		return line_fail(l, err, "write: cpuid <leaf> <subleaf> <eax> <ebx> <ecx> <edx>",
				 "a cpuid line needs exactly six hex numbers");
	uint64_t v[6];
	for (unsigned i = 0; i < 6; i++) {
		int r = hex_field(l, first + i, UINT32_MAX, &v[i], err);
		if (r)
			return r;
	}
	struct kvmcpu_cpuid_entry e = {
		.function = (uint32_t)v[0], .index = (uint32_t)v[1],
		.eax = (uint32_t)v[2], .ebx = (uint32_t)v[3], .ecx = (uint32_t)v[4], .edx = (uint32_t)v[5],
		.flags = kc_leaf_is_indexed((uint32_t)v[0]) ? KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX : 0,
	};
	int r = hv ? kc_host_add_hv_cpuid(h, &e) : kc_host_add_cpuid(h, &e);
	if (r == -EEXIST)
		return line_fail(l, err, "each (leaf, subleaf) may appear once",
				 "duplicate CPUID leaf/subleaf");
	return r ? line_fail(l, err, NULL, "out of memory") : 0;
}

static int parse_cap(struct kvmcpu_host *h, const struct line *l, struct kvmcpu_error *err)
{
	if (l->n != 3)
		return line_fail(l, err, "write: cap KVM_CAP_NAME <hex value>",
				 "a cap line needs a name and a value");
	if (l->len[1] < 8 || strncmp(l->field[1], "KVM_CAP_", 8) || l->len[1] >= 48)
		return line_fail(l, err, "capability names are Linux's, e.g. KVM_CAP_HYPERV",
				 "capability name must start with KVM_CAP_");
	uint64_t v;
	int r = hex_field(l, 2, UINT32_MAX, &v, err);
	if (r)
		return r;
	char name[48];
	snprintf(name, sizeof(name), "%.*s", (int)l->len[1], l->field[1]);
	r = kc_host_add_cap(h, name, (int64_t)v);
	if (r == -EEXIST)
		return line_fail(l, err, "each capability may appear once", "duplicate capability");
	return r ? line_fail(l, err, NULL, "out of memory") : 0;
}

static int parse_msr(struct kvmcpu_host *h, const struct line *l, struct kvmcpu_error *err)
{
	if (l->n != 3)
		return line_fail(l, err, "write: msr <hex index> <hex value>",
				 "an msr line needs an index and a value");
	uint64_t index, value;
	int r = hex_field(l, 1, UINT32_MAX, &index, err);
	if (!r)
		r = hex_field(l, 2, UINT64_MAX, &value, err);
	if (r)
		return r;
	r = kc_host_add_msr(h, (uint32_t)index, value);
	if (r == -EEXIST)
		return line_fail(l, err, "each MSR may appear once", "duplicate MSR");
	return r ? line_fail(l, err, NULL, "out of memory") : 0;
}

static int parse_info(struct kvmcpu_host *h, const struct line *l, bool kernel,
		      struct kvmcpu_error *err)
{
	if (l->n != 2)
		return line_fail(l, err, NULL, "kernel and module lines take one word");
	for (size_t i = 0; i < l->len[1]; i++)
		if (l->field[1][i] < 0x21 || l->field[1][i] > 0x7e)
			return line_fail(l, err, NULL, "kernel and module names are printable ASCII");
	char v[128];
	snprintf(v, sizeof(v), "%.*s", (int)l->len[1], l->field[1]);
	return kc_host_set_info(h, NULL, kernel ? v : NULL, kernel ? NULL : v);
}

static int parse_line(struct kvmcpu_host *h, const struct line *l, struct kvmcpu_error *err)
{
	if (field_is(l, 0, "cpuid"))
		return parse_cpuid(h, l, 1, false, err);
	if (field_is(l, 0, "hv-cpuid") && l->n == 2 && field_is(l, 1, "none")) {
		/* The host was asked and supports no Hyper-V leaf at all. */
		kc_host_set_hv_known(h, true);
		return 0;
	}
	if (field_is(l, 0, "hv-cpuid"))
		return parse_cpuid(h, l, 1, true, err);
	if (field_is(l, 0, "cap"))
		return parse_cap(h, l, err);
	if (field_is(l, 0, "msr"))
		return parse_msr(h, l, err);
	if (field_is(l, 0, "kernel") || field_is(l, 0, "module"))
		return parse_info(h, l, field_is(l, 0, "kernel"), err);
	uint64_t dummy;
	if (kc_parse_u64(l->field[0], l->len[0], true, UINT32_MAX, &dummy))
		return parse_cpuid(h, l, 0, false, err);
	char msg[128];
	snprintf(msg, sizeof(msg), "unknown keyword '%.*s'", (int)(l->len[0] > 40 ? 40 : l->len[0]),
		 l->field[0]);
	return line_fail(l, err, "lines start with cpuid, hv-cpuid, cap, msr, kernel, module or a hex leaf",
			 msg);
}

int kc_host_parse_text(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		       struct kvmcpu_error *err)
{
	struct line l = { .origin = origin };
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		l.no++;
		if (memchr(data + pos, '\0', end - pos))
			return line_fail(&l, err, "host files are text", "NUL byte in line");
		if (!split(&l, data + pos, end - pos))
			return line_fail(&l, err, NULL, "too many fields");
		if (l.n) {
			int r = parse_line(h, &l, err);
			if (r)
				return r;
		}
		pos = end + 1;
	}
	return 0;
}
