/* SPDX-License-Identifier: MIT */
/*
 * The one JSON writer of the project: the library writes recorded hosts
 * (kvmcpu-host JSON) with it, and the CLI its --json documents.
 *
 * The CLI links only the public API, so this writer is not exported from
 * libkvmcpu: src/util/jsonw.c is compiled into both the library and the CLI
 * executable (cli/meson.build). It therefore depends on nothing but libc, and
 * this header is the one private header the CLI includes (tools/check-layers.py).
 *
 * Output: two-space indentation, members in the order written. Strings are
 * always valid UTF-8: a byte that does not start a valid sequence becomes
 * U+FFFD, '"' and '\\' are escaped, '\n' is written as \n and every other
 * control character below 0x20 as \u00XX.
 */
#ifndef KC_UTIL_JSONW_H
#define KC_UTIL_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Length of the valid UTF-8 sequence at @p (1-4), or 0 when @p does not start one. */
size_t kc_utf8_len(const unsigned char *p);

/* Writes @s (NUL-terminated) as a JSON string, quotes included. */
void kc_json_put_string(FILE *f, const char *s);

/*
 * A streaming writer. Commas and indentation are handled by the writer; keys
 * are written with kc_jw_key before each member. One thread writes a document.
 */
struct kc_jw {
	FILE *f;
	int depth;
	bool need_comma[32];
	bool one_line[32]; /* containers written on one line */
	bool spaced[32]; /* one-line objects: "{ "a": 1 }" */
	bool after_key;
};
void kc_jw_init(struct kc_jw *w, FILE *f);
void kc_jw_obj_begin(struct kc_jw *w);
/* An object written on one line: { "a": 1, "b": 2 }; for table rows. */
void kc_jw_obj_begin_line(struct kc_jw *w);
void kc_jw_obj_end(struct kc_jw *w);
void kc_jw_arr_begin(struct kc_jw *w);
/* An array written on one line: ["a", "b"]; for short lists of scalars. */
void kc_jw_arr_begin_line(struct kc_jw *w);
void kc_jw_arr_end(struct kc_jw *w);
void kc_jw_key(struct kc_jw *w, const char *key);
void kc_jw_str(struct kc_jw *w, const char *s); /* NULL writes null */
void kc_jw_u64(struct kc_jw *w, uint64_t v);
void kc_jw_i64(struct kc_jw *w, int64_t v);
void kc_jw_bool(struct kc_jw *w, bool v);
void kc_jw_null(struct kc_jw *w);
/* Finishes the document with a newline and flushes it. */
void kc_jw_end(struct kc_jw *w);
/* A member: key and value in one call. */
void kc_jw_kv_str(struct kc_jw *w, const char *key, const char *s);
void kc_jw_kv_u64(struct kc_jw *w, const char *key, uint64_t v);
void kc_jw_kv_bool(struct kc_jw *w, const char *key, bool v);
/* The "schema" member, "kvmcpu-<command>/<version>": the first member of every document. */
void kc_jw_schema(struct kc_jw *w, const char *command, unsigned version);
/* A 64-bit value (MSR, capability argument, feature word) as a "0x%016x" string. */
void kc_jw_hex64(struct kc_jw *w, uint64_t v);
void kc_jw_kv_hex64(struct kc_jw *w, const char *key, uint64_t v);
/* A 32-bit value (CPUID register, MSR index) as a "0x%08x" string. */
void kc_jw_kv_hex32(struct kc_jw *w, const char *key, uint32_t v);
/* A space-separated list of names ("avx2 fma") as a one-line array of strings. */
void kc_jw_word_list(struct kc_jw *w, const char *words);

#endif
