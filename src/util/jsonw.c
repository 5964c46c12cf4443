/* SPDX-License-Identifier: MIT */
/*
 * The JSON writer of the library (host recordings) and of the CLI (--json):
 * two-space indentation, stable order. Compiled into both, so it uses libc
 * only (see jsonw.h).
 */
#include <inttypes.h>
#include <string.h>

#include "util/jsonw.h"

size_t kc_utf8_len(const unsigned char *p)
{
	size_t n = p[0] < 0x80		   ? 1
		   : (p[0] & 0xe0) == 0xc0 ? 2
		   : (p[0] & 0xf0) == 0xe0 ? 3
		   : (p[0] & 0xf8) == 0xf0 ? 4
					   : 0;
	if (n == 2 && p[0] < 0xc2)
		return 0; /* overlong */
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0)))
		return 0; /* overlong, or a UTF-16 surrogate */
	if (n == 4 &&
	    ((p[0] == 0xf0 && p[1] < 0x90) || p[0] > 0xf4 || (p[0] == 0xf4 && p[1] >= 0x90)))
		return 0;
	return n;
}

void kc_jw_init(struct kc_jw *w, FILE *f)
{
	*w = (struct kc_jw){ .f = f };
}

/* Output goes through the unlocked stdio calls: one thread writes each document. */
static void indent(struct kc_jw *w)
{
	static const char spaces[] =
		"\n                                                                ";
	size_t n = 1 + 2 * (size_t)w->depth;
	fwrite_unlocked(spaces, 1, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1, w->f);
}

/* Separator and indentation before a value (not after a key). */
static void before_value(struct kc_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && w->one_line[w->depth]) {
		if (w->need_comma[w->depth])
			fwrite_unlocked(", ", 1, 2, w->f);
		else if (w->spaced[w->depth])
			fputc_unlocked(' ', w->f);
	} else if (w->depth > 0) {
		if (w->need_comma[w->depth])
			fputc_unlocked(',', w->f);
		indent(w);
	}
	w->need_comma[w->depth] = true;
}

static void open_(struct kc_jw *w, char c, bool one_line)
{
	before_value(w);
	fputc_unlocked(c, w->f);
	if (w->depth < 31)
		w->depth++;
	w->need_comma[w->depth] = false;
	w->one_line[w->depth] = one_line;
	w->spaced[w->depth] = one_line && c == '{';
}

static void close_(struct kc_jw *w, char c)
{
	bool empty = !w->need_comma[w->depth];
	bool one_line = w->one_line[w->depth];
	bool spaced = w->spaced[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (!empty && !one_line)
		indent(w);
	else if (!empty && spaced)
		fputc_unlocked(' ', w->f);
	fputc_unlocked(c, w->f);
}

void kc_jw_obj_begin(struct kc_jw *w)
{
	open_(w, '{', false);
}

void kc_jw_obj_begin_line(struct kc_jw *w)
{
	open_(w, '{', true);
}

void kc_jw_obj_end(struct kc_jw *w)
{
	close_(w, '}');
}

void kc_jw_arr_begin(struct kc_jw *w)
{
	open_(w, '[', false);
}

void kc_jw_arr_begin_line(struct kc_jw *w)
{
	open_(w, '[', true);
}

void kc_jw_arr_end(struct kc_jw *w)
{
	close_(w, ']');
}

/*
 * JSON text is UTF-8: a byte that does not start a valid sequence (a host path
 * in another encoding, a name cut mid-character) is written as U+FFFD.
 */
void kc_json_put_string(FILE *f, const char *s)
{
	fputc_unlocked('"', f);
	const unsigned char *p = (const unsigned char *)s, *run = p;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : kc_utf8_len(p);
		if (n > 1 || (n == 1 && *p != '"' && *p != '\\' && *p >= 0x20)) {
			p += n;
			continue;
		}
		/* Write the plain run, then the escape. */
		fwrite_unlocked(run, 1, (size_t)(p - run), f);
		if (n == 0)
			fputs_unlocked("\\ufffd", f);
		else if (*p == '\n')
			fputs_unlocked("\\n", f);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fprintf(f, "\\%c", *p);
		p++;
		run = p;
	}
	fwrite_unlocked(run, 1, (size_t)(p - run), f);
	fputc_unlocked('"', f);
}

void kc_jw_key(struct kc_jw *w, const char *key)
{
	before_value(w);
	kc_json_put_string(w->f, key);
	fwrite_unlocked(": ", 1, 2, w->f);
	w->after_key = true;
}

void kc_jw_str(struct kc_jw *w, const char *s)
{
	before_value(w);
	if (s)
		kc_json_put_string(w->f, s);
	else
		fputs("null", w->f);
}

void kc_jw_u64(struct kc_jw *w, uint64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRIu64, v);
}

void kc_jw_i64(struct kc_jw *w, int64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRId64, v);
}

void kc_jw_bool(struct kc_jw *w, bool v)
{
	before_value(w);
	fputs(v ? "true" : "false", w->f);
}

void kc_jw_null(struct kc_jw *w)
{
	before_value(w);
	fputs("null", w->f);
}

void kc_jw_end(struct kc_jw *w)
{
	fputc('\n', w->f);
	fflush(w->f);
}

void kc_jw_kv_str(struct kc_jw *w, const char *key, const char *s)
{
	kc_jw_key(w, key);
	kc_jw_str(w, s);
}

void kc_jw_kv_u64(struct kc_jw *w, const char *key, uint64_t v)
{
	kc_jw_key(w, key);
	kc_jw_u64(w, v);
}

void kc_jw_kv_bool(struct kc_jw *w, const char *key, bool v)
{
	kc_jw_key(w, key);
	kc_jw_bool(w, v);
}

/*
 * Every --json document names its schema, "kvmcpu-<command>/<version>"; the JSON
 * Schema of each is docs/schema/kvmcpu-<command>.schema.json (docs/cli-json.md).
 */
void kc_jw_schema(struct kc_jw *w, const char *command, unsigned version)
{
	char name[64];
	snprintf(name, sizeof(name), "kvmcpu-%s/%u", command, version);
	kc_jw_kv_str(w, "schema", name);
}

/* 64-bit values are "0x%016x" strings: readers holding numbers as doubles (jq) would round them. */
void kc_jw_hex64(struct kc_jw *w, uint64_t v)
{
	char s[24];
	snprintf(s, sizeof(s), "0x%016" PRIx64, v);
	kc_jw_str(w, s);
}

void kc_jw_kv_hex64(struct kc_jw *w, const char *key, uint64_t v)
{
	kc_jw_key(w, key);
	kc_jw_hex64(w, v);
}

void kc_jw_kv_hex32(struct kc_jw *w, const char *key, uint32_t v)
{
	char s[12];
	snprintf(s, sizeof(s), "0x%08" PRIx32, v);
	kc_jw_kv_str(w, key, s);
}

void kc_jw_word_list(struct kc_jw *w, const char *words)
{
	kc_jw_arr_begin_line(w);
	const char *p = words;
	while (*p) {
		size_t skip = strspn(p, " "), n;
		p += skip;
		n = strcspn(p, " ");
		if (!n)
			break;
		char word[128];
		snprintf(word, sizeof(word), "%.*s",
			 (int)(n < sizeof(word) - 1 ? n : sizeof(word) - 1), p);
		kc_jw_str(w, word);
		p += n;
	}
	kc_jw_arr_end(w);
}
