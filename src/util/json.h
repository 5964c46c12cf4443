/* SPDX-License-Identifier: MIT */
/*
 * A small, strict JSON reader (RFC 8259) that builds a read-only tree.
 *
 * Strict means: no comments, no trailing commas, no duplicate object keys,
 * no unescaped control characters, well-formed UTF-8 only, a nesting limit.
 * Every syntax error names the line and column (both 1-based, columns count
 * characters) and what was expected there. Numbers keep their exact value
 * when they are integers that fit 64 bits, so register values and MSRs
 * survive a round trip.
 */
#ifndef KC_JSON_H
#define KC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kvmcpu/error.h"

/* Deepest nesting of arrays and objects accepted by kc_json_parse. */
#define KC_JSON_MAX_DEPTH 128

enum kc_json_type {
	KC_JSON_NULL,
	KC_JSON_BOOL,
	KC_JSON_NUMBER,
	KC_JSON_STRING,
	KC_JSON_ARRAY,
	KC_JSON_OBJECT,
};

struct kc_json;

/*
 * Parses @len bytes of @data (no terminating NUL needed) into *@out, which
 * the caller frees with kc_json_free. @origin (a file name, may be NULL)
 * starts every error message. Returns 0, -EINVAL on a syntax error or
 * -ENOMEM.
 */
int kc_json_parse(const char *data, size_t len, const char *origin, struct kc_json **out,
		  struct kvmcpu_error *err);
/*
 * The same with a budget: at most @max_values values (every array, object,
 * member value and element counts one), so that the tree's memory stays
 * bounded whatever the input. More gives -E2BIG, with the line and column
 * of the first value over the budget.
 */
int kc_json_parse_limited(const char *data, size_t len, const char *origin, size_t max_values,
			  struct kc_json **out, struct kvmcpu_error *err);
/* Frees a whole tree; @v is a root from kc_json_parse (its values live in one arena). Accepts NULL. */
void kc_json_free(struct kc_json *v);

enum kc_json_type kc_json_type(const struct kc_json *v);
/* "null", "boolean", "number", "string", "array", "object". */
const char *kc_json_type_name(enum kc_json_type t);
/* Where the value starts in the input (1-based), for messages. */
unsigned kc_json_line(const struct kc_json *v);
unsigned kc_json_column(const struct kc_json *v);

/* Members of an array or object; 0 for other types and for NULL. */
size_t kc_json_count(const struct kc_json *v);
/* Element @i of an array or the value of member @i of an object; NULL when out of range. */
const struct kc_json *kc_json_at(const struct kc_json *v, size_t i);
/* Key of member @i of an object (in input order); NULL when out of range. */
const char *kc_json_key_at(const struct kc_json *v, size_t i);
/* Member @key of an object; NULL when absent or when @v is not an object. */
const struct kc_json *kc_json_get(const struct kc_json *v, const char *key);

/*
 * Typed getters. Each returns false (and leaves *out alone) when @v is NULL
 * or of another type, or when the number does not fit the requested type.
 * Integer getters accept only numbers written without fraction or exponent.
 */
bool kc_json_bool(const struct kc_json *v, bool *out);
bool kc_json_u64(const struct kc_json *v, uint64_t *out);
bool kc_json_i64(const struct kc_json *v, int64_t *out);
bool kc_json_double(const struct kc_json *v, double *out);
/* The decoded string (NUL-terminated) and its length, or NULL. It may hold NUL bytes. */
const char *kc_json_str(const struct kc_json *v, size_t *len);
/* The number exactly as written in the input, or NULL. */
const char *kc_json_number_text(const struct kc_json *v);
/* True when @v is a number written as an integer (no fraction, no exponent). */
bool kc_json_is_integer(const struct kc_json *v);

#endif
