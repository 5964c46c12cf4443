/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe-print.h"

static int word_of(uint32_t leaf, uint32_t subleaf, int reg)
{
	for (size_t i = 0; i < kvmcpu_word_count(); i++) {
		const struct kvmcpu_word_info *w = kvmcpu_word_at(i);
		if (!w->is_msr && w->leaf == leaf && (int)w->reg == reg &&
		    (!w->has_subleaf || w->subleaf == subleaf))
			return (int)i;
	}
	return -1;
}

static const char *feature_name(int word, uint32_t bit)
{
	for (size_t i = 0; word >= 0 && i < kvmcpu_feature_count(); i++) {
		const struct kvmcpu_feature_info *f = kvmcpu_feature_at(i);
		if ((int)f->word == word && (f->mask & bit))
			return f->name;
	}
	return NULL;
}

void pp_bit_names(uint32_t leaf, uint32_t subleaf, int reg, uint32_t mask, char *buf, size_t len)
{
	int word = word_of(leaf, subleaf, reg);
	size_t used = 0;
	buf[0] = '\0';
	for (int b = 0; b < 32 && used < len; b++) {
		if (!(mask & (1u << b)))
			continue;
		const char *name = feature_name(word, 1u << b);
		int n = name ? snprintf(buf + used, len - used, "%s%s", used ? " " : "", name)
			     : snprintf(buf + used, len - used, "%sbit%d", used ? " " : "", b);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int pp_open_live(const char *cmd, const char *dev, struct kvmcpu_host **out)
{
	struct kvmcpu_error err;
	kvmcpu_error_clear(&err);
	if (!kvmcpu_host_open_live(dev, out, &err))
		return EXIT_OK;
	/* A --dev path that names no KVM device is the user's input, not the host failing. */
	bool bad_path = dev && (err.code == -ENOENT || err.code == -ENOTTY ||
				err.code == -ENOTDIR || err.code == -EISDIR);
	return cli_report(cmd, &err, bad_path ? EXIT_USAGE : EXIT_HOST);
}

bool pp_parse_ms(const char *s, unsigned *out)
{
	uint64_t v;
	if (!cli_parse_number(s, 1, 600000, &v))
		return false;
	*out = (unsigned)v;
	return true;
}

void pp_json_row(struct kc_jw *w, const struct kvmcpu_probe_row *row)
{
	char names[512];
	kc_jw_obj_begin(w);
	kc_jw_kv_u64(w, "leaf", row->function);
	kc_jw_kv_u64(w, "subleaf", row->index);
	kc_jw_kv_str(w, "reg", cli_reg_name(row->reg));
	kc_jw_kv_bool(w, "in_table", row->in_table);
	kc_jw_kv_u64(w, "configured", row->configured);
	kc_jw_kv_u64(w, "seen", row->seen);
	kc_jw_kv_str(w, "rule", row->rule[0] ? row->rule : NULL);
	kc_jw_kv_u64(w, "ignored", row->ignored);
	kc_jw_kv_u64(w, "unhonoured", row->unhonoured);
	kc_jw_kv_u64(w, "forced", row->forced);
	kc_jw_kv_u64(w, "mismatch", row->mismatch);
	pp_bit_names(row->function, row->index, row->reg, row->forced | row->mismatch, names,
		     sizeof(names));
	kc_jw_key(w, "differing_features");
	kc_jw_word_list(w, names);
	kc_jw_obj_end(w);
}

void pp_json_calibration(struct kc_jw *w, const struct kvmcpu_probe_calibration *cal)
{
	char names[1024];
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < kvmcpu_probe_calibration_count(cal); i++) {
		const struct kvmcpu_probe_cal_reg *c = kvmcpu_probe_calibration_at(cal, i);
		if (!c->unhonoured)
			continue;
		pp_bit_names(c->function, c->index, c->reg, c->unhonoured, names, sizeof(names));
		kc_jw_obj_begin(w);
		kc_jw_kv_u64(w, "leaf", c->function);
		kc_jw_kv_u64(w, "subleaf", c->index);
		kc_jw_kv_str(w, "reg", cli_reg_name(c->reg));
		kc_jw_kv_u64(w, "tested", c->tested);
		kc_jw_kv_u64(w, "host_forced", c->unhonoured);
		kc_jw_key(w, "features");
		kc_jw_word_list(w, names);
		kc_jw_obj_end(w);
	}
	kc_jw_arr_end(w);
}
