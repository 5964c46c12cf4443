/* SPDX-License-Identifier: MIT */
/* The result object: a sorted CPUID table, the MSR and capability plans, notices. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result/result-priv.h"
#include "util/util.h"

/* Formatted notice strings are packed into chunks that never move. */
struct kc_text_chunk {
	struct kc_text_chunk *next;
	size_t used;
	char data[4096 - 2 * sizeof(void *)];
};

const char *kc_result_keep(struct kvmcpu_result *r, const char *text)
{
	size_t len = strlen(text) + 1;
	if (len > sizeof(r->texts->data))
		len = sizeof(r->texts->data);
	if (!r->texts || r->texts->used + len > sizeof(r->texts->data)) {
		struct kc_text_chunk *c = malloc(sizeof(*c));
		if (!c)
			return NULL;
		c->next = r->texts;
		c->used = 0;
		r->texts = c;
	}
	char *p = r->texts->data + r->texts->used;
	memcpy(p, text, len - 1);
	p[len - 1] = '\0';
	r->texts->used += len;
	return p;
}

void kvmcpu_result_free(struct kvmcpu_result *r)
{
	if (!r)
		return;
	while (r->texts) {
		struct kc_text_chunk *next = r->texts->next;
		free(r->texts);
		r->texts = next;
	}
	free(r->notices);
	free(r);
}

static size_t entry_pos(const struct kvmcpu_result *r, uint32_t fn, uint32_t idx, bool *found)
{
	size_t lo = 0, hi = r->nentries;
	/* The builders add leaves in order: appending is the common case. */
	if (hi) {
		const struct kvmcpu_cpuid_entry *last = &r->entries[hi - 1];
		if (last->function < fn || (last->function == fn && last->index < idx)) {
			*found = false;
			return hi;
		}
	}
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct kvmcpu_cpuid_entry *e = &r->entries[mid];
		if (e->function == fn && e->index == idx) {
			*found = true;
			return mid;
		}
		if (e->function < fn || (e->function == fn && e->index < idx))
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

struct kvmcpu_cpuid_entry *kc_result_set(struct kvmcpu_result *r, uint32_t function, uint32_t index,
					 uint32_t flags, uint32_t eax, uint32_t ebx, uint32_t ecx,
					 uint32_t edx)
{
	bool found;
	size_t pos = entry_pos(r, function, index, &found);
	if (!found) {
		if (r->nentries == KC_MAX_ENTRIES)
			return NULL;
		memmove(&r->entries[pos + 1], &r->entries[pos],
			(r->nentries - pos) * sizeof(r->entries[0]));
		r->nentries++;
	}
	r->entries[pos] = (struct kvmcpu_cpuid_entry){
		.function = function,
		.index = index,
		.flags = flags,
		.eax = eax,
		.ebx = ebx,
		.ecx = ecx,
		.edx = edx,
	};
	return &r->entries[pos];
}

struct kvmcpu_cpuid_entry *kc_result_get(struct kvmcpu_result *r, uint32_t function, uint32_t index)
{
	bool found;
	size_t pos = entry_pos(r, function, index, &found);
	return found ? &r->entries[pos] : NULL;
}

void kc_result_remove(struct kvmcpu_result *r, uint32_t function, uint32_t index)
{
	bool found;
	size_t pos = entry_pos(r, function, index, &found);
	if (!found)
		return;
	memmove(&r->entries[pos], &r->entries[pos + 1],
		(r->nentries - pos - 1) * sizeof(r->entries[0]));
	r->nentries--;
}

int kc_result_add_msr(struct kvmcpu_result *r, uint32_t index, uint64_t value, const char *name,
		      bool per_vcpu_index)
{
	size_t i = 0;
	while (i < r->nmsrs && r->msrs[i].index != index)
		i++;
	if (i == r->nmsrs) {
		if (r->nmsrs == KC_MAX_MSRS)
			return -ENOSPC;
		r->nmsrs++;
	}
	r->msrs[i] = (struct kvmcpu_msr){ index, value, name, per_vcpu_index };
	return 0;
}

int kc_result_add_cap(struct kvmcpu_result *r, const struct kvmcpu_cap *cap)
{
	if (r->ncaps == KC_MAX_CAPS)
		return -ENOSPC;
	r->caps[r->ncaps++] = *cap;
	return 0;
}

struct kvmcpu_result *kc_result_new(void)
{
	/* The tables are filled before they are read: only the header needs zeroing. */
	struct kvmcpu_result *r = malloc(sizeof(*r));
	if (!r)
		return NULL;
	r->nentries = r->nmsrs = r->ncaps = 0;
	r->notices = NULL;
	r->nnotices = r->capnotices = 0;
	r->texts = NULL;
	r->model = NULL;
	memset(r->words, 0, sizeof(r->words));
	r->topo = (struct kc_topology){ 1, 1, 1, 1, 1, 1 };
	return r;
}

static struct kvmcpu_notice *new_notice(struct kvmcpu_result *r, enum kvmcpu_notice_kind kind,
					int word, uint64_t mask, const char *subject)
{
	if (kc_grow((void **)&r->notices, &r->capnotices, r->nnotices + 1, sizeof(*r->notices)))
		return NULL;
	struct kvmcpu_notice *n = &r->notices[r->nnotices++];
	n->kind = kind;
	n->word = word;
	n->mask = mask;
	n->subject = subject ? subject : "";
	n->reason = "";
	return n;
}

int kc_result_notice_text(struct kvmcpu_result *r, enum kvmcpu_notice_kind kind, int word,
			  uint64_t mask, const char *subject, const char *reason)
{
	struct kvmcpu_notice *n = new_notice(r, kind, word, mask, subject);
	if (!n)
		return -ENOMEM;
	n->reason = reason;
	return 0;
}

int kc_result_notice(struct kvmcpu_result *r, enum kvmcpu_notice_kind kind, int word, uint64_t mask,
		     const char *subject, const char *fmt, ...)
{
	char reason[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	const char *kept_subject = kc_result_keep(r, subject ? subject : "");
	const char *kept_reason = kc_result_keep(r, reason);
	if (!kept_subject || !kept_reason)
		return -ENOMEM;
	return kc_result_notice_text(r, kind, word, mask, kept_subject, kept_reason);
}

const struct kvmcpu_cpuid_entry *kvmcpu_result_cpuid(const struct kvmcpu_result *r, size_t *count)
{
	if (count)
		*count = r ? r->nentries : 0;
	return r ? r->entries : NULL;
}

const struct kvmcpu_cpuid_entry *kvmcpu_result_cpuid_find(const struct kvmcpu_result *r,
							  uint32_t function, uint32_t index)
{
	bool found = false;
	size_t pos = r ? entry_pos(r, function, index, &found) : 0;
	return found ? &r->entries[pos] : NULL;
}

/* vCPU @vcpu's APIC ID and topology IDs in the entries that carry them (util/topology.h). */
static void vcpu_patch(const struct kvmcpu_result *r, unsigned vcpu, struct kvmcpu_cpuid_entry *e)
{
	const struct kc_topology *t = &r->topo;
	uint32_t apic = kc_topo_apic_id(t, vcpu);
	switch (e->function) {
	case 1:
		e->ebx = (e->ebx & 0x00ffffffu) | (apic & 0xff) << 24;
		break;
	case 0xb:
	case 0x1f:
		e->edx = apic;
		break;
	case 0x8000001e: {
		struct kc_topo_ids id = kc_topo_ids_of(t, vcpu);
		e->eax = apic;
		e->ebx = (e->ebx & ~0xffu) | (id.core & 0xff);
		e->ecx = (e->ecx & ~0xffu) | ((apic >> kc_topo_pkg_offset(t)) & 0xff);
		break;
	}
	}
}

unsigned kvmcpu_result_vcpu_count(const struct kvmcpu_result *r)
{
	return r ? r->topo.cpus : 0;
}

uint32_t kvmcpu_result_vcpu_apic_id(const struct kvmcpu_result *r, unsigned vcpu)
{
	return r && vcpu < r->topo.cpus ? kc_topo_apic_id(&r->topo, vcpu) : UINT32_MAX;
}

int kvmcpu_result_cpuid_vcpu(const struct kvmcpu_result *r, unsigned vcpu,
			     struct kvmcpu_cpuid_entry *out, size_t cap, size_t *count,
			     struct kvmcpu_error *err)
{
	if (!r || !out || !count)
		return kc_fail(err, -EINVAL, NULL,
			       "kvmcpu_result_cpuid_vcpu needs a result, "
			       "an output table and a count");
	if (vcpu >= r->topo.cpus)
		return kc_fail(err, -EINVAL, "vCPU indexes run from 0 to the smp count - 1",
			       "vCPU %u is outside the topology: it has %u vCPU%s (0..%u)", vcpu,
			       r->topo.cpus, r->topo.cpus == 1 ? "" : "s", r->topo.cpus - 1);
	if (cap < r->nentries)
		return kc_fail(err, -ENOSPC, "pass room for kvmcpu_result_cpuid()'s count",
			       "%zu entries do not fit in %zu", r->nentries, cap);
	memcpy(out, r->entries, r->nentries * sizeof(*out));
	for (size_t i = 0; vcpu && i < r->nentries; i++)
		vcpu_patch(r, vcpu, &out[i]);
	*count = r->nentries;
	return 0;
}

const struct kvmcpu_model *kvmcpu_result_model(const struct kvmcpu_result *r)
{
	return r ? r->model : NULL;
}

uint64_t kvmcpu_result_word(const struct kvmcpu_result *r, size_t word)
{
	return r && word < KC_NWORDS ? r->words[word] : 0;
}

size_t kvmcpu_result_msr_count(const struct kvmcpu_result *r)
{
	return r ? r->nmsrs : 0;
}

const struct kvmcpu_msr *kvmcpu_result_msr_at(const struct kvmcpu_result *r, size_t i)
{
	return r && i < r->nmsrs ? &r->msrs[i] : NULL;
}

size_t kvmcpu_result_cap_count(const struct kvmcpu_result *r)
{
	return r ? r->ncaps : 0;
}

const struct kvmcpu_cap *kvmcpu_result_cap_at(const struct kvmcpu_result *r, size_t i)
{
	return r && i < r->ncaps ? &r->caps[i] : NULL;
}

size_t kvmcpu_result_notice_count(const struct kvmcpu_result *r)
{
	return r ? r->nnotices : 0;
}

const struct kvmcpu_notice *kvmcpu_result_notice_at(const struct kvmcpu_result *r, size_t i)
{
	return r && i < r->nnotices ? &r->notices[i] : NULL;
}

const char *kvmcpu_notice_kind_name(enum kvmcpu_notice_kind kind)
{
	switch (kind) {
	case KVMCPU_NOTICE_DROPPED:
		return "dropped";
	case KVMCPU_NOTICE_DEPENDENCY:
		return "dependency";
	case KVMCPU_NOTICE_FORCED:
		return "forced";
	case KVMCPU_NOTICE_USER:
		return "user";
	case KVMCPU_NOTICE_HV_DROPPED:
		return "hv-dropped";
	case KVMCPU_NOTICE_WARNING:
		return "warning";
	}
	return "unknown";
}

const char *kvmcpu_result_psabi(const struct kvmcpu_result *r)
{
	/* The level models are additive: the first one whose features the guest has wins. */
	static const char *const levels[] = { "x86-64-v4", "x86-64-v3", "x86-64-v2", "x86-64-v1" };
	if (!r)
		return NULL;
	for (size_t i = 0; i < KC_ARRAY_SIZE(levels); i++) {
		const struct kvmcpu_model *m = kvmcpu_model_find(levels[i]);
		bool met = m != NULL;
		for (unsigned w = 0; met && w < KC_NWORDS; w++)
			met = !(m->words[w] & ~r->words[w]);
		if (met)
			return levels[i];
	}
	return "";
}
