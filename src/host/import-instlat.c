/* SPDX-License-Identifier: MIT */
/*
 * InstLatx64's CPUID dumps (github.com/InstLatx64/InstLatx64), as AIDA64, EVEREST or
 * the InstLatX64 CPUID tool wrote them:
 *   ------[ CPUID Registers / Logical CPU #0 ]------
 *   CPUID 00000004: 7C004121-01C0003F-0000003F-00000000 [SL 00] [L1D: 32 KB]
 * The first logical CPU's lines are the host; a processor's own CPUID (raw-cpuid kind).
 */
#include <errno.h>
#include <string.h>

#include "host/import.h"
#include "util/util.h"

#define FORMAT "InstLatx64 CPUID dump"

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return false;
	return true;
}

/* "CPUID " and eight hex digits and ':': a register line (not "CPUID Manufacturer: ..."). */
static bool is_cpuid_line(const struct kc_line *t)
{
	return t->len >= 15 && kc_line_starts(t, "CPUID ") && is_hex(t->text + 6, 8) &&
	       t->text[14] == ':';
}

static bool is_section(const struct kc_line *t)
{
	return kc_line_starts(t, "------[");
}

bool kc_import_instlat_detect(const char *data, size_t len)
{
	size_t pos = 0;
	struct kc_line l = { 0 };
	while (kc_line_next(data, len, &pos, &l)) {
		struct kc_line t = kc_line_trim(l);
		if (t.len)
			return is_section(&t) || is_cpuid_line(&t);
	}
	return false;
}

static uint32_t hex32(const char *s)
{
	uint64_t v = 0;
	kc_parse_u64(s, 8, true, UINT32_MAX, &v);
	return (uint32_t)v;
}

/* The registers "EAX-EBX-ECX-EDX" and an optional "[SL xx]" tag after the leaf. */
static bool parse_regs(const struct kc_line *t, struct kvmcpu_cpuid_entry *e, bool *tagged)
{
	const char *p = t->text + 15, *end = t->text + t->len;
	while (p < end && *p == ' ')
		p++;
	if (end - p < 35)
		return false;
	uint32_t r[4];
	for (int i = 0; i < 4; i++) {
		const char *f = p + 9 * i;
		if (!is_hex(f, 8) || (i < 3 && f[8] != '-'))
			return false;
		r[i] = hex32(f);
	}
	p += 35;
	if (p < end && *p != ' ')
		return false;
	while (p < end && *p == ' ')
		p++;
	*e = (struct kvmcpu_cpuid_entry){
		.function = hex32(t->text + 6), .eax = r[0], .ebx = r[1], .ecx = r[2], .edx = r[3]
	};
	*tagged = false;
	if (end - p >= 5 && !memcmp(p, "[SL ", 4)) {
		const char *s = p + 4, *close = memchr(s, ']', (size_t)(end - s));
		uint64_t sub;
		if (!close || !kc_parse_u64(s, (size_t)(close - s), true, UINT32_MAX, &sub))
			return false;
		e->index = (uint32_t)sub;
		*tagged = true;
	}
	e->flags = kc_leaf_flags(e->function);
	return true;
}

/*
 * Old dumps (EVEREST) list the subleaves of leaves 4 and 0xB without a tag: each
 * repeated untagged leaf takes the next subleaf, in dump order, as dumpers enumerate
 * them from subleaf 0 upward.
 */
static uint32_t untagged_subleaf(const struct kvmcpu_host *h, uint32_t function)
{
	uint32_t n = 0;
	for (size_t i = 0; i < kvmcpu_host_cpuid_count(h); i++)
		n += kvmcpu_host_cpuid_at(h, i)->function == function;
	return n;
}

int kc_import_instlat(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		      struct kvmcpu_error *err)
{
	size_t pos = 0;
	struct kc_line l = { 0 };
	unsigned first_line = 0;
	while (kc_line_next(data, len, &pos, &l)) {
		struct kc_line t = kc_line_trim(l);
		if (memchr(l.text, '\0', l.len))
			return kc_import_fail(err, origin, FORMAT, l.no, NULL, "NUL byte in line");
		if (is_section(&t) && first_line)
			break; /* the first logical CPU stands for the host */
		if (!is_cpuid_line(&t))
			continue; /* the tool's other reports: versions, motherboard, caches */
		struct kvmcpu_cpuid_entry e;
		bool tagged;
		if (!parse_regs(&t, &e, &tagged))
			return kc_import_fail(
				err, origin, FORMAT, l.no,
				"a register line reads: CPUID 00000001: EAX-EBX-ECX-EDX [SL 00]",
				"malformed CPUID line '%.*s'", (int)(t.len > 60 ? 60 : t.len),
				t.text);
		if (!tagged)
			e.index = untagged_subleaf(h, e.function);
		if (!first_line)
			first_line = l.no;
		int r = kc_import_add_cpuid(h, &e, origin, FORMAT, l.no, err);
		if (r)
			return r;
	}
	if (!first_line)
		return kc_import_fail(err, origin, FORMAT, l.no,
				      "is this an InstLatx64 CPUID dump?",
				      "no 'CPUID xxxxxxxx:' register line in the file");
	return 0;
}
