/* SPDX-License-Identifier: MIT */
/*
 * The Hyper-V spec grammar:
 *
 *   spec   := [preset '+'] token ('+' token)*  |  preset
 *   preset := none | default | windows | passthrough
 *   token  := flag | no_flag | spinlocks=N | vendor_id=TEXT | no_kvm_leaves | kvm_leaves
 *           | flag=on|off
 *
 * Tokens apply left to right and a later token wins. Enabling a flag enables
 * what it requires; disabling one disables what requires it, unless a flag
 * named earlier needs it (an error naming both). Without a preset the base
 * is "default".
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv-priv.h"
#include "util/util.h"

/* One token being parsed: its text and 1-based position, for messages. */
struct tok {
	const char *s;
	size_t len;
	unsigned pos;
	const char *spec;
};

static bool span_eq_name(const char *s, size_t len, const char *name)
{
	char buf[64];
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return kc_name_eq(buf, name);
}

static int preset_of(const char *s, size_t len)
{
	for (int p = 0; p < KC_HV_NPRESETS; p++)
		if (span_eq_name(s, len, kc_hv_preset_name(p)))
			return p;
	return -1;
}

/* Every name a token can start with, for did-you-mean. */
static const char *const extra_words[] = {
	"none", "default", "windows", "passthrough", "spinlocks=", "vendor_id=", "no_kvm_leaves"
};

static const char *candidate_at(size_t i, const void *ctx)
{
	(void)ctx;
	if (i < KC_ARRAY_SIZE(extra_words))
		return extra_words[i];
	i -= KC_ARRAY_SIZE(extra_words);
	size_t per = 1 + KC_ARRAY_SIZE(kc_hv_flags[0].aliases);
	if (i >= KC_HV_NFLAGS * per)
		return NULL;
	const struct kvmcpu_hv_flag *f = &kc_hv_flags[i / per];
	return i % per == 0 ? f->name : f->aliases[i % per - 1];
}

static int unknown_token(const struct tok *t, const char *word, size_t wlen,
			 struct kvmcpu_error *err)
{
	char w[64], near[160], hint[224];
	snprintf(w, sizeof(w), "%.*s", (int)(wlen < 63 ? wlen : 63), word);
	size_t n = KC_ARRAY_SIZE(extra_words) +
		   KC_HV_NFLAGS * (1 + KC_ARRAY_SIZE(kc_hv_flags[0].aliases));
	near[0] = '\0';
	if (wlen <= 32) /* no flag name is longer; nothing is close to a longer word */
		kc_suggest(w, n, candidate_at, NULL, 3, near, sizeof(near));
	if (near[0])
		snprintf(hint, sizeof(hint), "did you mean: %s? ('kvmcpu hv' lists every flag)",
			 near);
	else
		snprintf(hint, sizeof(hint), "'kvmcpu hv' lists every flag");
	return kc_fail(err, -EINVAL, hint, "unknown Hyper-V flag '%.*s' (token %u of hv=%s)",
		       (int)t->len, t->s, t->pos, t->spec);
}

/* Names a flag set: "time" or "hv-time (time, reference_tsc_page)". */
static const char *set_names(kc_hv_set set, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < KC_HV_NFLAGS && used < len; i++) {
		if (!(set & KC_HV_BIT(i)))
			continue;
		int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
				 kc_hv_flags[i].name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

static void enable(struct kc_hv_spec *s, kc_hv_set set, unsigned pos)
{
	kc_hv_set all = kc_hv_closure(set);
	s->on |= all;
	s->off &= ~all;
	s->named_on |= set;
	for (int i = 0; i < KC_HV_NFLAGS; i++)
		if (set & KC_HV_BIT(i))
			s->named_pos[i] = (uint8_t)(pos > 255 ? 255 : pos);
}

static int disable(struct kc_hv_spec *s, kc_hv_set set, const struct tok *t,
		   struct kvmcpu_error *err)
{
	char a[128], b[128];
	if (set & KC_HV_MANDATORY)
		return kc_fail(
			err, -EINVAL, "use hv=none to emit no Hyper-V leaves at all",
			"'%.*s' (token %u of hv=%s): %s is mandatory whenever Hyper-V leaves "
			"are present (TLFS: guests need 0x40000003 EAX bits 5 and 6)",
			(int)t->len, t->s, t->pos, t->spec,
			set_names(set & KC_HV_MANDATORY, a, sizeof(a)));
	kc_hv_set gone = set | kc_hv_dependents(set);
	kc_hv_set clash = gone & s->named_on;
	if (clash & ~set)
		return kc_fail(err, -EINVAL, "drop one of the two tokens",
			       "'%.*s' (token %u of hv=%s) disables %s, which %s (enabled by name "
			       "earlier) requires",
			       (int)t->len, t->s, t->pos, t->spec, set_names(set, a, sizeof(a)),
			       set_names(clash & ~set, b, sizeof(b)));
	s->off |= gone;
	s->named_on &= ~gone;
	/* What only the disabled flags needed goes back to the preset's say. */
	s->on = kc_hv_closure(s->named_on);
	return 0;
}

/* spinlocks=never / no_spinlocks: 0x40000004 EBX 0xFFFFFFFF, the guest never notifies. */
static void spinlocks_never(struct kc_hv_spec *s)
{
	s->spinlocks = KC_HV_SPINLOCKS_NEVER;
	s->spinlocks_given = true;
	s->named_on &= ~KC_HV_BIT(KC_HV_SPINLOCKS);
	s->on = kc_hv_closure(s->named_on);
}

/* True for a well-formed number too large for 64 bits (kc_parse_u64 says no to both). */
static bool is_huge_number(const char *v, size_t len)
{
	bool hex = len > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
	size_t i = hex ? 2 : 0;
	if (i == len)
		return false;
	for (; i < len; i++)
		if (!(hex ? isxdigit((unsigned char)v[i]) : isdigit((unsigned char)v[i])))
			return false;
	return true;
}

static int parse_spinlocks(struct kc_hv_spec *s, const struct tok *t, const char *v, size_t vlen,
			   struct kvmcpu_error *err)
{
	uint64_t n = 0;
	bool parsed = kc_parse_u64(v, vlen, false, UINT64_MAX, &n);
	if (span_eq_name(v, vlen, "never")) {
		s->spinlocks = KC_HV_SPINLOCKS_NEVER;
	} else if (!parsed && !is_huge_number(v, vlen)) {
		return kc_fail(err, -EINVAL, "write a decimal or 0x-hex number, or 'never'",
			       "malformed number in '%.*s' (token %u of hv=%s)", (int)t->len, t->s,
			       t->pos, t->spec);
	} else if (!parsed || n > KC_HV_SPINLOCKS_NEVER || n == 0) {
		/* Neither KVM nor the TLFS sets a minimum; 0 would notify before the first spin
		 * and KVM with enforce_cpuid refuses the notification then. */
		return kc_fail(err, -ERANGE,
			       "the retry count is 1 .. 0xFFFFFFFF; 0xFFFFFFFF or 'never' disables "
			       "notifications, 0xFFF is KVM's suggestion",
			       "spinlocks value out of range in '%.*s' (token %u of hv=%s)",
			       (int)t->len, t->s, t->pos, t->spec);
	} else {
		s->spinlocks = (uint32_t)n;
	}
	s->spinlocks_given = true;
	if (s->spinlocks == KC_HV_SPINLOCKS_NEVER)
		spinlocks_never(s);
	else
		enable(s, KC_HV_BIT(KC_HV_SPINLOCKS), t->pos);
	return 0;
}

static int parse_vendor(struct kc_hv_spec *s, const struct tok *t, const char *v, size_t vlen,
			struct kvmcpu_error *err)
{
	if (vlen < 1 || vlen > 12)
		return kc_fail(err, -EINVAL, "the vendor id is 1 to 12 characters",
			       "vendor id of %zu characters in '%.*s' (token %u of hv=%s)", vlen,
			       (int)t->len, t->s, t->pos, t->spec);
	for (size_t i = 0; i < vlen; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return kc_fail(err, -EINVAL, "use printable ASCII",
				       "vendor id with a non-printable character in token %u of "
				       "hv=%s",
				       t->pos, t->spec);
	memset(s->vendor, 0, sizeof(s->vendor));
	memcpy(s->vendor, v, vlen);
	s->vendor_given = true;
	return 0;
}

/* "name=value": spinlocks=, vendor_id= (also QEMU's hv-spinlocks=, hv-vendor-id=), flag=on|off. */
static int parse_assignment(struct kc_hv_spec *s, const struct tok *t, size_t eq,
			    struct kvmcpu_error *err)
{
	const char *k = t->s, *v = t->s + eq + 1;
	size_t klen = eq, vlen = t->len - eq - 1;
	if (klen > 3 && (!strncmp(k, "hv-", 3) || !strncmp(k, "hv_", 3))) {
		k += 3;
		klen -= 3;
	}
	if (span_eq_name(k, klen, "spinlocks"))
		return parse_spinlocks(s, t, v, vlen, err);
	if (span_eq_name(k, klen, "vendor_id"))
		return parse_vendor(s, t, v, vlen, err);
	kc_hv_set set = kc_hv_lookup(k, klen);
	if (!set)
		return unknown_token(t, k, klen, err);
	if (span_eq_name(v, vlen, "on") || span_eq_name(v, vlen, "yes") ||
	    span_eq_name(v, vlen, "true")) {
		enable(s, set, t->pos);
		return 0;
	}
	if (span_eq_name(v, vlen, "off") || span_eq_name(v, vlen, "no") ||
	    span_eq_name(v, vlen, "false"))
		return disable(s, set, t, err);
	return kc_fail(err, -EINVAL, "a flag takes =on or =off, or no value at all",
		       "bad value in '%.*s' (token %u of hv=%s)", (int)t->len, t->s, t->pos,
		       t->spec);
}

static int parse_token(struct kc_hv_spec *s, const struct tok *t, struct kvmcpu_error *err)
{
	const char *eq = memchr(t->s, '=', t->len);
	if (eq)
		return parse_assignment(s, t, (size_t)(eq - t->s), err);
	if (preset_of(t->s, t->len) >= 0)
		return kc_fail(err, -EINVAL, "put the preset first, e.g. hv=windows+relaxed",
			       "preset '%.*s' is token %u of hv=%s; a preset may only be the first "
			       "token",
			       (int)t->len, t->s, t->pos, t->spec);
	if (span_eq_name(t->s, t->len, "no_kvm_leaves") || span_eq_name(t->s, t->len, "kvm=off")) {
		s->no_kvm_leaves = true;
		return 0;
	}
	if (span_eq_name(t->s, t->len, "kvm_leaves")) {
		s->no_kvm_leaves = false;
		return 0;
	}
	kc_hv_set set = kc_hv_lookup(t->s, t->len);
	if (set == KC_HV_BIT(KC_HV_SPINLOCKS))
		return kc_fail(err, -EINVAL,
			       "write spinlocks=N (1 .. 0xFFFFFFFF) or spinlocks=never",
			       "'spinlocks' without a value (token %u of hv=%s)", t->pos, t->spec);
	if (set) {
		enable(s, set, t->pos);
		return 0;
	}
	if (t->len > 3 && (!strncmp(t->s, "no_", 3) || !strncmp(t->s, "no-", 3))) {
		set = kc_hv_lookup(t->s + 3, t->len - 3);
		if (set == KC_HV_BIT(KC_HV_SPINLOCKS)) {
			spinlocks_never(s);
			return 0;
		}
		if (set)
			return disable(s, set, t, err);
		return unknown_token(t, t->s + 3, t->len - 3, err);
	}
	return unknown_token(t, t->s, t->len, err);
}

int kc_hv_spec_parse(const char *spec, struct kc_hv_spec **out, struct kvmcpu_error *err)
{
	*out = NULL;
	if (!spec || !spec[0])
		return kc_fail(err, -EINVAL, "use hv=none for no enlightenments, or a preset",
			       "empty Hyper-V spec");
	if (strlen(spec) > KC_HV_SPEC_MAX)
		return kc_fail(err, -EINVAL, NULL, "Hyper-V spec longer than %d characters",
			       KC_HV_SPEC_MAX);
	struct kc_hv_spec *s = calloc(1, sizeof(*s));
	if (!s)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	kc_strlcpy(s->text, spec, sizeof(s->text));
	s->preset = KC_HV_PRESET_DEFAULT;
	s->spinlocks = KC_HV_SPINLOCKS_NEVER;

	const char *p = spec;
	for (unsigned pos = 1;; pos++) {
		const char *end = strchr(p, '+');
		struct tok t = { p, end ? (size_t)(end - p) : strlen(p), pos, spec };
		int rc;
		if (!t.len) {
			rc = kc_fail(err, -EINVAL, "remove the extra '+'",
				     "empty token %u in hv=%s", pos, spec);
		} else if (pos == 1 && preset_of(t.s, t.len) >= 0) {
			s->preset = (enum kc_hv_preset_id)preset_of(t.s, t.len);
			s->preset_given = true;
			rc = 0;
		} else {
			rc = parse_token(s, &t, err);
		}
		if (rc) {
			free(s);
			return rc;
		}
		if (!end)
			break;
		p = end + 1;
	}
	*out = s;
	return 0;
}

void kc_hv_spec_free(struct kc_hv_spec *spec)
{
	free(spec);
}
