/* SPDX-License-Identifier: MIT */
/* The normalized host object: sorted CPUID tables, capabilities, feature MSRs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host/host-priv.h"
#include "util/util.h"

struct kvmcpu_host *kc_host_new(void)
{
	return calloc(1, sizeof(struct kvmcpu_host));
}

void kvmcpu_host_free(struct kvmcpu_host *h)
{
	if (!h)
		return;
	free(h->cpuid);
	free(h->hv);
	free(h->caps);
	free(h->msrs);
	free(h);
}

static int cmp_entry(const struct kvmcpu_cpuid_entry *a, uint32_t fn, uint32_t idx)
{
	if (a->function != fn)
		return a->function < fn ? -1 : 1;
	if (a->index != idx)
		return a->index < idx ? -1 : 1;
	return 0;
}

/* Binary search: the position of (fn, idx) or where it would go. */
static size_t entry_pos(const struct kvmcpu_cpuid_entry *v, size_t n, uint32_t fn, uint32_t idx,
			bool *found)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = cmp_entry(&v[mid], fn, idx);
		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static int add_entry(struct kvmcpu_cpuid_entry **v, size_t *n, size_t *cap,
		     const struct kvmcpu_cpuid_entry *e)
{
	bool found;
	size_t pos = entry_pos(*v, *n, e->function, e->index, &found);
	if (found)
		return -EEXIST;
	if (kc_grow((void **)v, cap, *n + 1, sizeof(**v)))
		return -ENOMEM;
	memmove(&(*v)[pos + 1], &(*v)[pos], (*n - pos) * sizeof(**v));
	(*v)[pos] = *e;
	memset((*v)[pos].padding, 0, sizeof((*v)[pos].padding));
	(*n)++;
	return 0;
}

static const struct kvmcpu_cpuid_entry *find_entry(const struct kvmcpu_cpuid_entry *v, size_t n,
						   uint32_t fn, uint32_t idx)
{
	bool found;
	size_t pos = entry_pos(v, n, fn, idx, &found);
	if (found)
		return &v[pos];
	/* A leaf without a significant index answers every subleaf with the same values. */
	pos = entry_pos(v, n, fn, 0, &found);
	if (found && !(v[pos].flags & KVMCPU_CPUID_FLAG_SIGNIFICANT_INDEX))
		return &v[pos];
	return NULL;
}

int kc_host_add_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e)
{
	h->words_valid = false;
	int r = add_entry(&h->cpuid, &h->ncpuid, &h->capcpuid, e);
	if (!r && e->function == 0 && e->index == 0) {
		kc_vendor_from_regs(e->ebx, e->ecx, e->edx, h->vendor);
	}
	return r;
}

int kc_host_add_hv_cpuid(struct kvmcpu_host *h, const struct kvmcpu_cpuid_entry *e)
{
	h->hv_cpuid_known = true;
	return add_entry(&h->hv, &h->nhv, &h->caphv, e);
}

void kc_host_set_hv_known(struct kvmcpu_host *h, bool known)
{
	h->hv_cpuid_known = known;
}

int kc_host_add_cap(struct kvmcpu_host *h, const char *name, int64_t value)
{
	if (!name || !*name || strlen(name) >= sizeof(h->caps[0].name))
		return -EINVAL;
	for (size_t i = 0; i < h->ncaps; i++)
		if (!strcmp(h->caps[i].name, name))
			return -EEXIST;
	if (kc_grow((void **)&h->caps, &h->capcaps, h->ncaps + 1, sizeof(*h->caps)))
		return -ENOMEM;
	kc_strlcpy(h->caps[h->ncaps].name, name, sizeof(h->caps[0].name));
	h->caps[h->ncaps].value = value;
	h->ncaps++;
	return 0;
}

/* Binary search: the position of MSR @index or where it would go. */
static size_t msr_pos(const struct kvmcpu_host *h, uint32_t index)
{
	size_t lo = 0, hi = h->nmsrs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (h->msrs[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int kc_host_add_msr(struct kvmcpu_host *h, uint32_t index, uint64_t value)
{
	h->words_valid = false;
	size_t pos = msr_pos(h, index);
	if (pos < h->nmsrs && h->msrs[pos].index == index)
		return -EEXIST;
	if (kc_grow((void **)&h->msrs, &h->capmsrs, h->nmsrs + 1, sizeof(*h->msrs)))
		return -ENOMEM;
	memmove(&h->msrs[pos + 1], &h->msrs[pos], (h->nmsrs - pos) * sizeof(*h->msrs));
	h->msrs[pos].index = index;
	h->msrs[pos].value = value;
	h->nmsrs++;
	return 0;
}

size_t kvmcpu_host_cpuid_count(const struct kvmcpu_host *h)
{
	return h ? h->ncpuid : 0;
}

const struct kvmcpu_cpuid_entry *kvmcpu_host_cpuid_at(const struct kvmcpu_host *h, size_t i)
{
	return h && i < h->ncpuid ? &h->cpuid[i] : NULL;
}

const struct kvmcpu_cpuid_entry *kvmcpu_host_cpuid_find(const struct kvmcpu_host *h,
							uint32_t function, uint32_t index)
{
	return h ? find_entry(h->cpuid, h->ncpuid, function, index) : NULL;
}

const struct kvmcpu_cpuid_entry *kc_host_cpuid_leaf(const struct kvmcpu_host *h, uint32_t fn,
						    size_t *count)
{
	bool found;
	size_t first = entry_pos(h->cpuid, h->ncpuid, fn, 0, &found);
	size_t end = first;
	while (end < h->ncpuid && h->cpuid[end].function == fn)
		end++;
	*count = end - first;
	return h->cpuid + first;
}

uint32_t kc_host_cpuid_reg(const struct kvmcpu_host *h, uint32_t fn, uint32_t idx, int reg)
{
	const struct kvmcpu_cpuid_entry *e = find_entry(h->cpuid, h->ncpuid, fn, idx);
	if (!e)
		return 0;
	return (&e->eax)[reg];
}

size_t kvmcpu_host_hv_cpuid_count(const struct kvmcpu_host *h)
{
	return h ? h->nhv : 0;
}

const struct kvmcpu_cpuid_entry *kvmcpu_host_hv_cpuid_at(const struct kvmcpu_host *h, size_t i)
{
	return h && i < h->nhv ? &h->hv[i] : NULL;
}

const struct kvmcpu_cpuid_entry *kvmcpu_host_hv_cpuid_find(const struct kvmcpu_host *h,
							   uint32_t function, uint32_t index)
{
	return h ? find_entry(h->hv, h->nhv, function, index) : NULL;
}

bool kvmcpu_host_has_hv_cpuid(const struct kvmcpu_host *h)
{
	return h && h->hv_cpuid_known;
}

int kvmcpu_host_cap(const struct kvmcpu_host *h, const char *name, int64_t *value)
{
	for (size_t i = 0; h && name && i < h->ncaps; i++) {
		if (!strcmp(h->caps[i].name, name)) {
			if (value)
				*value = h->caps[i].value;
			return 1;
		}
	}
	return 0;
}

size_t kvmcpu_host_cap_count(const struct kvmcpu_host *h)
{
	return h ? h->ncaps : 0;
}

const char *kvmcpu_host_cap_at(const struct kvmcpu_host *h, size_t i, int64_t *value)
{
	if (!h || i >= h->ncaps)
		return NULL;
	if (value)
		*value = h->caps[i].value;
	return h->caps[i].name;
}

int kvmcpu_host_msr(const struct kvmcpu_host *h, uint32_t index, uint64_t *value)
{
	if (!h)
		return 0;
	size_t pos = msr_pos(h, index);
	if (pos == h->nmsrs || h->msrs[pos].index != index)
		return 0;
	if (value)
		*value = h->msrs[pos].value;
	return 1;
}

size_t kvmcpu_host_msr_count(const struct kvmcpu_host *h)
{
	return h ? h->nmsrs : 0;
}

uint32_t kvmcpu_host_msr_at(const struct kvmcpu_host *h, size_t i, uint64_t *value)
{
	if (!h || i >= h->nmsrs)
		return 0;
	if (value)
		*value = h->msrs[i].value;
	return h->msrs[i].index;
}

const char *kvmcpu_host_origin(const struct kvmcpu_host *h)
{
	return h ? h->origin : NULL;
}

const char *kvmcpu_host_kernel(const struct kvmcpu_host *h)
{
	return h ? h->kernel : NULL;
}

const char *kvmcpu_host_module(const struct kvmcpu_host *h)
{
	return h ? h->module : NULL;
}

uint32_t kvmcpu_host_tsc_khz(const struct kvmcpu_host *h)
{
	return h ? h->tsc_khz : 0;
}

int kvmcpu_host_set_tsc_khz(struct kvmcpu_host *h, uint32_t khz)
{
	if (!h)
		return -EINVAL;
	h->tsc_khz = khz;
	return 0;
}

const char *kvmcpu_host_vendor(const struct kvmcpu_host *h)
{
	return h ? h->vendor : NULL;
}

static const char *const kind_names[] = {
	[KVMCPU_HOST_KVM] = "kvm",
	[KVMCPU_HOST_RAW_CPUID] = "raw-cpuid",
};

const char *kvmcpu_host_kind_name(enum kvmcpu_host_kind kind)
{
	return (unsigned)kind < KC_ARRAY_SIZE(kind_names) ? kind_names[kind] : NULL;
}

bool kc_host_kind_parse(const char *name, size_t len, enum kvmcpu_host_kind *kind)
{
	for (size_t i = 0; i < KC_ARRAY_SIZE(kind_names); i++) {
		if (strlen(kind_names[i]) == len && !memcmp(name, kind_names[i], len)) {
			*kind = (enum kvmcpu_host_kind)i;
			return true;
		}
	}
	return false;
}

enum kvmcpu_host_kind kvmcpu_host_kind(const struct kvmcpu_host *h)
{
	return h ? h->kind : KVMCPU_HOST_KVM;
}

int kvmcpu_host_set_kind(struct kvmcpu_host *h, enum kvmcpu_host_kind kind)
{
	if (!h || !kvmcpu_host_kind_name(kind))
		return -EINVAL;
	h->kind = kind;
	h->words_valid = false;
	return 0;
}

const char *kvmcpu_host_source_format(const struct kvmcpu_host *h)
{
	if (!h)
		return NULL;
	if (h->source_format)
		return h->source_format;
	return strncmp(h->origin, "live:", 5) ? "" : "live";
}

int kc_host_set_info(struct kvmcpu_host *h, const char *origin, const char *kernel,
		     const char *module)
{
	if (origin)
		kc_strlcpy(h->origin, origin, sizeof(h->origin));
	if (kernel)
		kc_strlcpy(h->kernel, kernel, sizeof(h->kernel));
	if (module)
		kc_strlcpy(h->module, module, sizeof(h->module));
	return 0;
}

/* ---- whole tables from a loader ---- */

static int cmp_cpuid_in(const void *pa, const void *pb)
{
	const struct kc_host_cpuid_in *a = pa, *b = pb;
	int c = cmp_entry(&a->e, b->e.function, b->e.index);
	if (c)
		return c;
	return a->where < b->where ? -1 : a->where > b->where;
}

/* Recordings are written in order; checking that is cheaper than sorting them again. */
static bool cpuid_in_sorted(const struct kc_host_cpuid_in *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (cmp_cpuid_in(&v[i - 1], &v[i]) > 0)
			return false;
	return true;
}

/* After sorting by (key, where): the earliest repeat among adjacent equal keys. */
static void note_repeat(size_t first, size_t again, bool *found, size_t dup[2])
{
	if (!*found || again < dup[0]) {
		dup[0] = again;
		dup[1] = first;
		*found = true;
	}
}

int kc_host_put_cpuid(struct kvmcpu_host *h, bool hv, struct kc_host_cpuid_in *v, size_t n,
		      size_t dup[2])
{
	bool repeated = false;
	if (n > 1 && !cpuid_in_sorted(v, n)) /* qsort wants a non-NULL array even for none */
		qsort(v, n, sizeof(*v), cmp_cpuid_in);
	for (size_t i = 1; i < n; i++)
		if (!cmp_entry(&v[i - 1].e, v[i].e.function, v[i].e.index))
			note_repeat(v[i - 1].where, v[i].where, &repeated, dup);
	if (repeated)
		return -EEXIST;
	struct kvmcpu_cpuid_entry *t = malloc((n ? n : 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		t[i] = v[i].e;
		memset(t[i].padding, 0, sizeof(t[i].padding));
	}
	h->words_valid = false;
	if (hv) {
		free(h->hv);
		h->hv = t;
		h->nhv = h->caphv = n;
		return 0;
	}
	free(h->cpuid);
	h->cpuid = t;
	h->ncpuid = h->capcpuid = n;
	h->vendor[0] = '\0';
	if (n && t[0].function == 0 && t[0].index == 0)
		kc_vendor_from_regs(t[0].ebx, t[0].ecx, t[0].edx, h->vendor);
	return 0;
}

static int cmp_cap_in(const void *pa, const void *pb)
{
	const struct kc_host_cap_in *a = *(const struct kc_host_cap_in *const *)pa;
	const struct kc_host_cap_in *b = *(const struct kc_host_cap_in *const *)pb;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	return a->where < b->where ? -1 : a->where > b->where;
}

int kc_host_put_caps(struct kvmcpu_host *h, const struct kc_host_cap_in *v, size_t n, size_t dup[2])
{
	bool repeated = false;
	/* Sorted pointers find repeats; the table itself keeps the input order. */
	const struct kc_host_cap_in **sorted = malloc((n ? n : 1) * sizeof(*sorted));
	struct kc_host_cap *t = malloc((n ? n : 1) * sizeof(*t));
	if (!sorted || !t) {
		free(sorted);
		free(t);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		sorted[i] = &v[i];
	if (n > 1)
		qsort(sorted, n, sizeof(*sorted), cmp_cap_in);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(sorted[i - 1]->name, sorted[i]->name))
			note_repeat(sorted[i - 1]->where, sorted[i]->where, &repeated, dup);
	free(sorted);
	if (repeated) {
		free(t);
		return -EEXIST;
	}
	for (size_t i = 0; i < n; i++) {
		kc_strlcpy(t[i].name, v[i].name, sizeof(t[i].name));
		t[i].value = v[i].value;
	}
	free(h->caps);
	h->caps = t;
	h->ncaps = h->capcaps = n;
	return 0;
}

static int cmp_msr_in(const void *pa, const void *pb)
{
	const struct kc_host_msr_in *a = pa, *b = pb;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	return a->where < b->where ? -1 : a->where > b->where;
}

int kc_host_put_msrs(struct kvmcpu_host *h, struct kc_host_msr_in *v, size_t n, size_t dup[2])
{
	bool repeated = false;
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_msr_in);
	for (size_t i = 1; i < n; i++)
		if (v[i - 1].index == v[i].index)
			note_repeat(v[i - 1].where, v[i].where, &repeated, dup);
	if (repeated)
		return -EEXIST;
	struct kc_host_msr *t = malloc((n ? n : 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		t[i].index = v[i].index;
		t[i].value = v[i].value;
	}
	free(h->msrs);
	h->msrs = t;
	h->nmsrs = h->capmsrs = n;
	h->words_valid = false;
	return 0;
}

bool kc_host_cap_name_ok(const char *s, size_t len)
{
	if (len <= 8 || len >= sizeof(((struct kc_host_cap *)0)->name) || strncmp(s, "KVM_CAP_", 8))
		return false;
	for (size_t i = 8; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

bool kc_host_word_ok(const char *s, size_t len, size_t size)
{
	if (len >= size)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == '#')
			return false;
	return true;
}
