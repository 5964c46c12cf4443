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

static int grow(void **array, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	void *p = realloc(*array, ncap * elem);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = ncap;
	return 0;
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
	if (grow((void **)v, cap, *n + 1, sizeof(**v)))
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
	if (grow((void **)&h->caps, &h->capcaps, h->ncaps + 1, sizeof(*h->caps)))
		return -ENOMEM;
	kc_strlcpy(h->caps[h->ncaps].name, name, sizeof(h->caps[0].name));
	h->caps[h->ncaps].value = value;
	h->ncaps++;
	return 0;
}

int kc_host_add_msr(struct kvmcpu_host *h, uint32_t index, uint64_t value)
{
	h->words_valid = false;
	size_t pos = 0;
	while (pos < h->nmsrs && h->msrs[pos].index < index)
		pos++;
	if (pos < h->nmsrs && h->msrs[pos].index == index)
		return -EEXIST;
	if (grow((void **)&h->msrs, &h->capmsrs, h->nmsrs + 1, sizeof(*h->msrs)))
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
	for (size_t i = 0; h && i < h->nmsrs; i++) {
		if (h->msrs[i].index == index) {
			if (value)
				*value = h->msrs[i].value;
			return 1;
		}
	}
	return 0;
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

const char *kvmcpu_host_vendor(const struct kvmcpu_host *h)
{
	return h ? h->vendor : NULL;
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

/* JSON starts with '{' after white space; anything else is the text format. */
static bool looks_like_json(const char *data, size_t len)
{
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) { /* UTF-8 byte order mark */
		data += 3;
		len -= 3;
	}
	for (size_t i = 0; i < len; i++) {
		if (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r')
			continue;
		return data[i] == '{';
	}
	return false;
}

int kvmcpu_host_load_mem(const char *data, size_t len, const char *origin,
			 struct kvmcpu_host **out, struct kvmcpu_error *err)
{
	if (!data || !out)
		return kc_fail(err, -EINVAL, NULL, "no host data given");
	struct kvmcpu_host *h = kc_host_new();
	if (!h)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	if (!origin)
		origin = "<memory>";
	kc_host_set_info(h, origin, NULL, NULL);
	int r = looks_like_json(data, len) ? kc_host_parse_json(h, data, len, origin, err)
					   : kc_host_parse_text(h, data, len, origin, err);
	if (!r && !h->ncpuid)
		r = kc_fail(err, -EINVAL, "a host file needs at least the CPUID leaves it supports",
			    "%s: no CPUID entries", origin);
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
	int r = kc_read_file(path, &data, &len, err);
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
