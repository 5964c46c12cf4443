/* SPDX-License-Identifier: MIT */
/* A streaming JSON writer for --json output: two-space indentation, stable order. */
#include <inttypes.h>
#include <string.h>

#include "cli.h"

void jw_init(struct jw *w, FILE *f)
{
	*w = (struct jw){ .f = f };
}

/* Output goes through the unlocked stdio calls: one thread writes each document. */
static void indent(struct jw *w)
{
	static const char spaces[] = "\n                                                                ";
	size_t n = 1 + 2 * (size_t)w->depth;
	fwrite_unlocked(spaces, 1, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1, w->f);
}

/* Separator and indentation before a value (not after a key). */
static void before_value(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && w->one_line[w->depth]) {
		if (w->need_comma[w->depth])
			fwrite_unlocked(", ", 1, 2, w->f);
	} else if (w->depth > 0) {
		if (w->need_comma[w->depth])
			fputc_unlocked(',', w->f);
		indent(w);
	}
	w->need_comma[w->depth] = true;
}

static void open_(struct jw *w, char c, bool one_line)
{
	before_value(w);
	fputc_unlocked(c, w->f);
	if (w->depth < 31)
		w->depth++;
	w->need_comma[w->depth] = false;
	w->one_line[w->depth] = one_line;
}

static void close_(struct jw *w, char c)
{
	bool empty = !w->need_comma[w->depth];
	bool one_line = w->one_line[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (!empty && !one_line)
		indent(w);
	fputc_unlocked(c, w->f);
}

void jw_obj_begin(struct jw *w)
{
	open_(w, '{', false);
}

void jw_obj_end(struct jw *w)
{
	close_(w, '}');
}

void jw_arr_begin(struct jw *w)
{
	open_(w, '[', false);
}

void jw_arr_begin_line(struct jw *w)
{
	open_(w, '[', true);
}

void jw_arr_end(struct jw *w)
{
	close_(w, ']');
}

/*
 * JSON text is UTF-8: a byte that does not start a valid sequence (a host path
 * in another encoding, a name cut mid-character) is written as U+FFFD.
 */
static void put_string(FILE *f, const char *s)
{
	fputc_unlocked('"', f);
	const unsigned char *p = (const unsigned char *)s, *run = p;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : cli_utf8_len(p);
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

void jw_key(struct jw *w, const char *key)
{
	before_value(w);
	put_string(w->f, key);
	fwrite_unlocked(": ", 1, 2, w->f);
	w->after_key = true;
}

void jw_str(struct jw *w, const char *s)
{
	before_value(w);
	if (s)
		put_string(w->f, s);
	else
		fputs("null", w->f);
}

void jw_u64(struct jw *w, uint64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRIu64, v);
}

void jw_i64(struct jw *w, int64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRId64, v);
}

void jw_bool(struct jw *w, bool v)
{
	before_value(w);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct jw *w)
{
	before_value(w);
	fputs("null", w->f);
}

void jw_end(struct jw *w)
{
	fputc('\n', w->f);
	fflush(w->f);
}

void jw_kv_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void jw_kv_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_u64(w, v);
}

void jw_kv_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

/*
 * Every --json document names its schema, "kvmcpu-<command>/<version>"; the JSON
 * Schema of each is docs/schema/kvmcpu-<command>.schema.json (docs/cli-json.md).
 */
void jw_schema(struct jw *w, const char *command, unsigned version)
{
	char name[64];
	snprintf(name, sizeof(name), "kvmcpu-%s/%u", command, version);
	jw_kv_str(w, "schema", name);
}

/* 64-bit values are "0x%016x" strings: readers holding numbers as doubles (jq) would round them. */
void jw_hex64(struct jw *w, uint64_t v)
{
	char s[24];
	snprintf(s, sizeof(s), "0x%016" PRIx64, v);
	jw_str(w, s);
}

void jw_kv_hex64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_hex64(w, v);
}

void jw_word_list(struct jw *w, const char *words)
{
	jw_arr_begin_line(w);
	const char *p = words;
	while (*p) {
		size_t skip = strspn(p, " "), n;
		p += skip;
		n = strcspn(p, " ");
		if (!n)
			break;
		char word[128];
		snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) - 1 ? n : sizeof(word) - 1), p);
		jw_str(w, word);
		p += n;
	}
	jw_arr_end(w);
}
