/* SPDX-License-Identifier: MIT */
/* Lists of differences, shared by fit, migration checks and host diffs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster-priv.h"
#include "util/util.h"

const char *kvmcpu_diff_kind_name(enum kvmcpu_diff_kind kind)
{
	static const char *const names[] = {
		[KVMCPU_DIFF_FEATURE] = "feature", [KVMCPU_DIFF_CPUID] = "cpuid",
		[KVMCPU_DIFF_HYPERV] = "hyperv",   [KVMCPU_DIFF_CAP] = "cap",
		[KVMCPU_DIFF_MSR] = "msr",	   [KVMCPU_DIFF_TIME] = "time",
		[KVMCPU_DIFF_ADDRESS] = "address", [KVMCPU_DIFF_HOST] = "host",
		[KVMCPU_DIFF_ERROR] = "error",
	};
	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

static char *copy(const char *s)
{
	return strdup(s ? s : "");
}

int kc_diff_add(struct kvmcpu_diff_list *l, enum kvmcpu_diff_kind kind, bool blocking,
		const char *subject, const char *a, const char *b, const char *reason,
		const char *fix)
{
	if (kc_grow((void **)&l->items, &l->cap, l->n + 1, sizeof(*l->items)))
		return -ENOMEM;
	struct kvmcpu_diff d = { kind,	  blocking,	copy(subject), copy(a),
				 copy(b), copy(reason), copy(fix) };
	if (!d.subject || !d.a || !d.b || !d.reason || !d.fix) {
		free((char *)d.subject), free((char *)d.a), free((char *)d.b);
		free((char *)d.reason), free((char *)d.fix);
		return -ENOMEM;
	}
	l->items[l->n++] = d;
	l->nblocking += blocking;
	return 0;
}

int kc_diff_addf(struct kvmcpu_diff_list *l, enum kvmcpu_diff_kind kind, bool blocking,
		 const char *a, const char *b, const char *reason, const char *fix,
		 const char *subject_fmt, ...)
{
	char subject[160];
	va_list ap;
	va_start(ap, subject_fmt);
	vsnprintf(subject, sizeof(subject), subject_fmt, ap);
	va_end(ap);
	return kc_diff_add(l, kind, blocking, subject, a, b, reason, fix);
}

void kc_diff_clear(struct kvmcpu_diff_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct kvmcpu_diff *d = &l->items[i];
		free((char *)d->subject), free((char *)d->a), free((char *)d->b);
		free((char *)d->reason), free((char *)d->fix);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

size_t kvmcpu_diff_list_count(const struct kvmcpu_diff_list *l)
{
	return l ? l->n : 0;
}

size_t kvmcpu_diff_list_blocking(const struct kvmcpu_diff_list *l)
{
	return l ? l->nblocking : 0;
}

const struct kvmcpu_diff *kvmcpu_diff_list_at(const struct kvmcpu_diff_list *l, size_t i)
{
	return l && i < l->n ? &l->items[i] : NULL;
}

void kvmcpu_diff_list_free(struct kvmcpu_diff_list *l)
{
	if (!l)
		return;
	kc_diff_clear(l);
	free(l);
}
