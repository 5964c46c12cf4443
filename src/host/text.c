/* SPDX-License-Identifier: MIT */
/*
 * The line-based recorded host format (docs/host-format.md):
 *   cpuid <leaf> <subleaf> <eax> <ebx> <ecx> <edx>
 *   hv-cpuid <leaf> <subleaf> <eax> <ebx> <ecx> <edx>   (hv-cpuid none: asked, none)
 *   cap <KVM_CAP_NAME> <value>
 *   msr <index> <value>
 *   kernel <release>   module <name>
 *   kind kvm|raw-cpuid   (what the CPUID lines are: KVM's report, the default, or a raw dump)
 *   <leaf> <subleaf> <eax> <ebx> <ecx> <edx>     (a cpuid line)
 * '#' starts a comment; every number is hex, with or without 0x. A cpuid line
 * may end in flags=<hex>. Lines end in LF, CRLF or CR; the last one too.
 * The tables are collected and handed to the host whole (kc_host_put_*).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "host/load-priv.h"
#include "util/util.h"

#define MAX_FIELDS 8

struct line {
	const char *origin;
	unsigned no;
	bool last; /* nothing follows: a short line may be a cut-off file */
	const char *field[MAX_FIELDS];
	size_t len[MAX_FIELDS];
	unsigned n;
};

/* What the file holds so far; installed in the host once every line is read. */
struct tables {
	struct kc_host_cpuid_in *cpuid, *hv;
	size_t ncpuid, capcpuid, nhv, caphv;
	struct kc_host_cap_in *caps;
	size_t ncaps, capcaps;
	struct kc_host_msr_in *msrs;
	size_t nmsrs, capmsrs;
	bool hv_known, have_kernel, have_module, kind_seen;
};

static int line_fail(const struct line *l, struct kvmcpu_error *err, const char *hint,
		     const char *what)
{
	return kc_fail(err, -EINVAL, hint, "%s:%u: %s", l->origin, l->no, what);
}

/* One more slot in @v, or NULL when out of memory. */
static void *push(void **v, size_t *n, size_t *cap, size_t elem)
{
	if (kc_grow(v, cap, *n + 1, elem))
		return NULL;
	return (char *)*v + (*n)++ * elem;
}

/* A table already at its limit: say so once, on the line that goes over. */
static int over_limit(const struct line *l, size_t n, size_t max, const char *what, const char *why,
		      struct kvmcpu_error *err)
{
	if (n < max)
		return 0;
	char msg[200];
	snprintf(msg, sizeof(msg), "more than %zu %s; %s", max, what, why);
	return line_fail(l, err, "this is not a recording of a KVM host", msg);
}

/*
 * White space between fields: isspace()'s set in the C locale (the line ends
 * are already cut off), and '#' which starts a comment: what ends a field.
 */
static const bool ends_field[256] = {
	[' '] = true,  ['\t'] = true, ['\v'] = true, ['\f'] = true,
	['\r'] = true, ['\n'] = true, ['#'] = true,
};

static bool is_blank(char c)
{
	return ends_field[(unsigned char)c] && c != '#';
}

/* Splits one line (comment stripped) into white-space separated fields. */
static bool split(struct line *l, const char *s, size_t len)
{
	l->n = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && is_blank(s[i]))
			i++;
		if (i >= len || s[i] == '#')
			break;
		if (l->n == MAX_FIELDS)
			return false;
		l->field[l->n] = s + i;
		while (i < len && !ends_field[(unsigned char)s[i]])
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

static int hex_text(const struct line *l, unsigned i, const char *s, size_t len, uint64_t max,
		    uint64_t *out, struct kvmcpu_error *err)
{
	if (!kc_parse_number(s, len, KC_NUM_HEX, max, out))
		return 0;
	char msg[160];
	snprintf(msg, sizeof(msg), "field %u '%.*s' is not a hex number of at most %u bits", i + 1,
		 (int)(l->len[i] > 40 ? 40 : l->len[i]), l->field[i], max > UINT32_MAX ? 64 : 32);
	return line_fail(l, err, "every number in a host text file is hex, e.g. 0000000d or 0xd",
			 msg);
}

static int hex_field(const struct line *l, unsigned i, uint64_t max, uint64_t *out,
		     struct kvmcpu_error *err)
{
	return hex_text(l, i, l->field[i], l->len[i], max, out, err);
}

/* The optional last field of a cpuid line: the entry's KVM_CPUID_FLAG_* bits. */
static int flags_field(const struct line *l, unsigned i, uint32_t *flags, struct kvmcpu_error *err)
{
	uint64_t v;
	if (l->len[i] < 6 || strncmp(l->field[i], "flags=", 6))
		return line_fail(
			l, err,
			"write: cpuid <leaf> <subleaf> <eax> <ebx> <ecx> <edx> [flags=<hex>]",
			"a cpuid line has six hex numbers and at most a flags=<hex> field");
	int r = hex_text(l, i, l->field[i] + 6, l->len[i] - 6, UINT32_MAX, &v, err);
	*flags = (uint32_t)v;
	return r;
}

static int parse_cpuid(struct tables *t, const struct line *l, unsigned first, bool hv,
		       struct kvmcpu_error *err)
{
	unsigned n = l->n - first;
	if (n != 6 && n != 7)
		return line_fail(l, err,
				 l->last ? "the file may be cut short; record it again"
					 : "write: cpuid <leaf> <subleaf> <eax> <ebx> <ecx> <edx>",
				 "a cpuid line needs exactly six hex numbers");
	uint64_t v[6];
	for (unsigned i = 0; i < 6; i++) {
		int r = hex_field(l, first + i, UINT32_MAX, &v[i], err);
		if (r)
			return r;
	}
	struct kvmcpu_cpuid_entry e = kc_cpuid_entry_of(v);
	if (n == 7) {
		int r = flags_field(l, first + 6, &e.flags, err);
		if (r)
			return r;
	}
	int r = hv ? over_limit(l, t->nhv, KC_HOST_MAX_HV_CPUID, "Hyper-V CPUID entries",
				"KVM reports a dozen", err)
		   : over_limit(l, t->ncpuid, KC_HOST_MAX_CPUID, "CPUID entries",
				"KVM reports at most 256 (KVM_MAX_CPUID_ENTRIES)", err);
	if (r)
		return r;
	struct kc_host_cpuid_in *in = hv ? push((void **)&t->hv, &t->nhv, &t->caphv, sizeof(*in))
					 : push((void **)&t->cpuid, &t->ncpuid, &t->capcpuid,
						sizeof(*in));
	if (!in)
		return line_fail(l, err, NULL, "out of memory");
	in->e = e;
	in->where = l->no;
	t->hv_known |= hv;
	return 0;
}

/* A capability value: hex, with a '-' for the negative values KVM_CHECK_EXTENSION may give. */
static int cap_value(const struct line *l, int64_t *value, struct kvmcpu_error *err)
{
	bool negative = l->len[2] > 1 && l->field[2][0] == '-';
	uint64_t max = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t m;
	if (kc_parse_number(l->field[2] + negative, l->len[2] - negative, KC_NUM_HEX, max, &m))
		return line_fail(l, err,
				 "write the value in hex, e.g. cap KVM_CAP_NESTED_STATE 4000",
				 "a capability value is a hex number, with '-' when negative, "
				 "within the signed 64-bit range");
	if (!negative)
		*value = (int64_t)m;
	else
		*value = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
	return 0;
}

static int parse_cap(struct tables *t, const struct line *l, struct kvmcpu_error *err)
{
	if (l->n != 3)
		return line_fail(l, err, "write: cap KVM_CAP_NAME <hex value>",
				 "a cap line needs a name and a value");
	if (l->len[1] < 8 || strncmp(l->field[1], "KVM_CAP_", 8))
		return line_fail(l, err, "capability names are Linux's, e.g. KVM_CAP_HYPERV",
				 "capability name must start with KVM_CAP_");
	if (!kc_host_cap_name_ok(l->field[1], l->len[1]))
		return line_fail(l, err, "capability names are Linux's, e.g. KVM_CAP_HYPERV",
				 "a capability name is KVM_CAP_ and up to 39 of A-Z, 0-9 and _");
	int64_t value = 0;
	int r = cap_value(l, &value, err);
	if (!r)
		r = over_limit(l, t->ncaps, KC_HOST_MAX_CAPS, "capabilities",
			       "Linux defines a few hundred", err);
	if (r)
		return r;
	struct kc_host_cap_in *in = push((void **)&t->caps, &t->ncaps, &t->capcaps, sizeof(*in));
	if (!in)
		return line_fail(l, err, NULL, "out of memory");
	snprintf(in->name, sizeof(in->name), "%.*s", (int)l->len[1], l->field[1]);
	in->value = value;
	in->where = l->no;
	return 0;
}

static int parse_msr(struct tables *t, const struct line *l, struct kvmcpu_error *err)
{
	if (l->n != 3)
		return line_fail(l, err, "write: msr <hex index> <hex value>",
				 "an msr line needs an index and a value");
	uint64_t index, value;
	int r = hex_field(l, 1, UINT32_MAX, &index, err);
	if (!r)
		r = hex_field(l, 2, UINT64_MAX, &value, err);
	if (!r)
		r = over_limit(l, t->nmsrs, KC_HOST_MAX_MSRS, "MSRs",
			       "KVM reports a few dozen feature MSRs", err);
	if (r)
		return r;
	struct kc_host_msr_in *in = push((void **)&t->msrs, &t->nmsrs, &t->capmsrs, sizeof(*in));
	if (!in)
		return line_fail(l, err, NULL, "out of memory");
	in->index = (uint32_t)index;
	in->value = value;
	in->where = l->no;
	return 0;
}

static int parse_info(struct kvmcpu_host *h, struct tables *t, const struct line *l, bool kernel,
		      struct kvmcpu_error *err)
{
	size_t size = kernel ? sizeof(h->kernel) : sizeof(h->module);
	bool *seen = kernel ? &t->have_kernel : &t->have_module;
	if (l->n != 2)
		return line_fail(l, err, NULL, "kernel and module lines take one word");
	if (*seen)
		return line_fail(l, err, "keep one of them",
				 kernel ? "a second kernel line" : "a second module line");
	if (l->len[1] >= size) {
		char msg[96];
		snprintf(msg, sizeof(msg), "%s longer than %zu characters",
			 kernel ? "kernel release" : "module name", size - 1);
		return line_fail(l, err, NULL, msg);
	}
	if (!kc_host_word_ok(l->field[1], l->len[1], size))
		return line_fail(l, err, NULL, "kernel and module names are printable ASCII");
	char v[128];
	snprintf(v, sizeof(v), "%.*s", (int)l->len[1], l->field[1]);
	*seen = true;
	return kc_host_set_info(h, NULL, kernel ? v : NULL, kernel ? NULL : v);
}

/* "kind raw-cpuid": the cpuid lines are a processor's own CPUID, not KVM's report. */
static int parse_kind(struct kvmcpu_host *h, struct tables *t, const struct line *l,
		      struct kvmcpu_error *err)
{
	enum kvmcpu_host_kind kind;
	if (l->n != 2 || !kc_host_kind_parse(l->field[1], l->len[1], &kind))
		return line_fail(l, err,
				 "write 'kind kvm' or 'kind raw-cpuid' (docs/host-format.md)",
				 "a kind line names kvm or raw-cpuid");
	if (t->kind_seen)
		return line_fail(l, err, "give the kind once", "duplicate kind line");
	t->kind_seen = true;
	return kvmcpu_host_set_kind(h, kind);
}

static int parse_line(struct kvmcpu_host *h, struct tables *t, const struct line *l,
		      struct kvmcpu_error *err)
{
	if (field_is(l, 0, "cpuid"))
		return parse_cpuid(t, l, 1, false, err);
	if (field_is(l, 0, "hv-cpuid") && l->n == 2 && field_is(l, 1, "none")) {
		/* The host was asked and supports no Hyper-V leaf at all. */
		t->hv_known = true;
		return 0;
	}
	if (field_is(l, 0, "hv-cpuid"))
		return parse_cpuid(t, l, 1, true, err);
	if (field_is(l, 0, "cap"))
		return parse_cap(t, l, err);
	if (field_is(l, 0, "msr"))
		return parse_msr(t, l, err);
	if (field_is(l, 0, "kernel") || field_is(l, 0, "module"))
		return parse_info(h, t, l, field_is(l, 0, "kernel"), err);
	if (field_is(l, 0, "kind"))
		return parse_kind(h, t, l, err);
	uint64_t dummy;
	if (field_is(l, 0, "tsc-khz")) {
		if (l->n != 2 ||
		    !kc_parse_u64(l->field[1], l->len[1], KC_NUM_HEX, UINT32_MAX, &dummy))
			return line_fail(l, err, "write tsc-khz and the frequency in kHz, in hex",
					 "tsc-khz takes one hex number of at most 32 bits");
		return kvmcpu_host_set_tsc_khz(h, (uint32_t)dummy);
	}
	if (kc_parse_u64(l->field[0], l->len[0], KC_NUM_HEX, UINT32_MAX, &dummy))
		return parse_cpuid(t, l, 0, false, err);
	char msg[128];
	snprintf(msg, sizeof(msg), "unknown keyword '%.*s'", (int)(l->len[0] > 40 ? 40 : l->len[0]),
		 l->field[0]);
	return line_fail(
		l, err,
		"lines start with cpuid, hv-cpuid, cap, msr, kernel, module, kind, tsc-khz or a hex leaf",
		msg);
}

/* A repeated key, reported on its line with the line of the first one. */
static int repeated(const char *origin, const size_t dup[2], const char *what, const char *hint,
		    struct kvmcpu_error *err)
{
	return kc_fail(err, -EINVAL, hint, "%s:%zu: %s (also line %zu)", origin, dup[0], what,
		       dup[1]);
}

/* Hands the collected tables to the host, each sorted once. */
static int install(struct kvmcpu_host *h, struct tables *t, const char *origin,
		   struct kvmcpu_error *err)
{
	size_t dup[2];
	int r = kc_host_put_cpuid(h, false, t->cpuid, t->ncpuid, dup);
	if (r == -EEXIST)
		return repeated(origin, dup, "duplicate CPUID leaf/subleaf",
				"each (leaf, subleaf) may appear once", err);
	if (!r)
		r = kc_host_put_cpuid(h, true, t->hv, t->nhv, dup);
	if (r == -EEXIST)
		return repeated(origin, dup, "duplicate Hyper-V CPUID leaf/subleaf",
				"each (leaf, subleaf) may appear once", err);
	if (!r)
		r = kc_host_put_caps(h, t->caps, t->ncaps, dup);
	if (r == -EEXIST)
		return repeated(origin, dup, "duplicate capability",
				"each capability may appear once", err);
	if (!r)
		r = kc_host_put_msrs(h, t->msrs, t->nmsrs, dup);
	if (r == -EEXIST)
		return repeated(origin, dup, "duplicate MSR", "each MSR may appear once", err);
	if (r)
		return kc_fail(err, r, NULL, "%s: out of memory", origin);
	kc_host_set_hv_known(h, t->hv_known);
	return 0;
}

/* The end of the line starting at @pos: the first LF, CR or NUL, or @len. */
static size_t line_end(const char *data, size_t pos, size_t len)
{
	/* memchr's wide compares find the LF; a CR or NUL can only be before it. */
	const char *lf = memchr(data + pos, '\n', len - pos);
	size_t end = lf ? (size_t)(lf - data) : len;
	const char *cr = memchr(data + pos, '\r', end - pos);
	if (cr)
		end = (size_t)(cr - data);
	const char *nul = memchr(data + pos, '\0', end - pos);
	return nul ? (size_t)(nul - data) : end;
}

static int parse_lines(struct kvmcpu_host *h, struct tables *t, const char *data, size_t len,
		       const char *origin, struct kvmcpu_error *err)
{
	struct line l = { .origin = origin };
	size_t pos = 0;
	/* A byte order mark says "UTF-8", which this ASCII format already is. */
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		pos = 3;
	while (pos < len) {
		size_t end = line_end(data, pos, len);
		l.no++;
		l.last = end + 1 >= len;
		if (end < len && !data[end])
			return line_fail(&l, err, "host files are text", "NUL byte in line");
		if (end == len)
			return line_fail(
				&l, err, "a recording ends with a line end; record it again",
				"the last line has no line end: the file may be cut short");
		if (!split(&l, data + pos, end - pos))
			return line_fail(&l, err, NULL, "too many fields");
		if (l.n) {
			int r = parse_line(h, t, &l, err);
			if (r)
				return r;
		}
		/* LF, CRLF and a lone CR each end one line. */
		pos = end + 1;
		if (data[end] == '\r' && pos < len && data[pos] == '\n')
			pos++;
	}
	return install(h, t, origin, err);
}

int kc_host_parse_text(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		       struct kvmcpu_error *err)
{
	struct tables t = { 0 };
	int r = parse_lines(h, &t, data, len, origin, err);
	free(t.cpuid);
	free(t.hv);
	free(t.caps);
	free(t.msrs);
	return r;
}
