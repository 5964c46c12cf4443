/* SPDX-License-Identifier: MIT */
/*
 * The generic JSON reader: every syntax error with its exact message and
 * position, escapes, UTF-8, exact 64-bit integers, nesting, lookups.
 * Expected values are written by hand.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util/json.h"
#include "util/jsonw.h"

/* Parses a C string (or @len bytes when not 0) and returns the tree or NULL. */
static struct kc_json *parse(const char *text, size_t len, struct kvmcpu_error *err)
{
	struct kc_json *v = NULL;
	int r;

	kvmcpu_error_clear(err);
	r = kc_json_parse(text, len ? len : strlen(text), "t.json", &v, err);
	if (r)
		return NULL;
	return v;
}

struct bad_case {
	const char *input;
	size_t len; /* 0: strlen */
	const char *message;
};

static const struct bad_case bad[] = {
	{ "", 0, "t.json: line 1, column 1: empty input: expected a JSON value" },
	{ "  \n  ", 0, "t.json: line 2, column 3: empty input: expected a JSON value" },
	{ "{", 0, "t.json: line 1, column 2: unexpected end of input (truncated JSON?)" },
	{ "{\"a\":1", 0, "t.json: line 1, column 7: unexpected end of input (truncated JSON?)" },
	{ "{\"a\"", 0, "t.json: line 1, column 5: unexpected end of input (truncated JSON?)" },
	{ "{\"a\" 1}", 0, "t.json: line 1, column 6: expected ':' after object key \"a\"" },
	{ "{\"a\":1 \"b\":2}", 0,
	  "t.json: line 1, column 8: expected ',' or '}' after object member" },
	{ "{\"a\":1,}", 0,
	  "t.json: line 1, column 8: expected a string key after ',' (trailing commas are not allowed)" },
	{ "{a:1}", 0, "t.json: line 1, column 2: expected a string key in double quotes" },
	{ "{\"a\":}", 0, "t.json: line 1, column 6: expected a JSON value, got '}'" },
	{ "[1,]", 0,
	  "t.json: line 1, column 4: expected a value after ',' (trailing commas are not allowed)" },
	{ "[1 2]", 0, "t.json: line 1, column 4: expected ',' or ']' after array element" },
	{ "[", 0, "t.json: line 1, column 2: unexpected end of input (truncated JSON?)" },
	{ "[1,", 0, "t.json: line 1, column 4: unexpected end of input (truncated JSON?)" },
	{ "[1", 0, "t.json: line 1, column 3: unexpected end of input (truncated JSON?)" },
	{ "\"abc", 0, "t.json: line 1, column 5: unexpected end of input (truncated JSON?)" },
	{ "\"\\", 0, "t.json: line 1, column 3: unexpected end of input (truncated JSON?)" },
	{ "\"\\u12", 0, "t.json: line 1, column 6: unexpected end of input (truncated JSON?)" },
	{ "\"\\uD800", 0, "t.json: line 1, column 8: unexpected end of input (truncated JSON?)" },
	{ "\"a\\x\"", 0,
	  "t.json: line 1, column 4: invalid escape '\\x' in string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)" },
	{ "\"\\\x01\"", 0,
	  "t.json: line 1, column 3: invalid escape in string: byte 0x01 after '\\'" },
	{ "\"\\u12G4\"", 0, "t.json: line 1, column 6: invalid \\u escape: expected 4 hex digits" },
	{ "\"\\uDC00\"", 0, "t.json: line 1, column 2: lone low surrogate \\uDC00 in string" },
	{ "\"x\\uD800\"", 0,
	  "t.json: line 1, column 3: high surrogate \\uD800 must be followed by a \\u low surrogate" },
	{ "\"\\uD800\\u0041\"", 0,
	  "t.json: line 1, column 2: high surrogate \\uD800 followed by \\u0041, not a low surrogate" },
	{ "\"a\tb\"", 0,
	  "t.json: line 1, column 3: control character 0x09 in string (write it as an escape)" },
	{ "\"a\nb\"", 0,
	  "t.json: line 1, column 3: control character 0x0a in string (write it as an escape)" },
	{ "\"\xff\"", 0, "t.json: line 1, column 2: invalid UTF-8 (byte 0xff) in string" },
	/* Overlong '/', an encoded surrogate, a code point above U+10FFFF, a cut sequence. */
	{ "\"\xc0\xaf\"", 0, "t.json: line 1, column 2: invalid UTF-8 (byte 0xc0) in string" },
	{ "\"\xe0\x80\xaf\"", 0, "t.json: line 1, column 2: invalid UTF-8 (byte 0xe0) in string" },
	{ "\"\xed\xa0\x80\"", 0, "t.json: line 1, column 2: invalid UTF-8 (byte 0xed) in string" },
	{ "\"\xf4\x90\x80\x80\"", 0,
	  "t.json: line 1, column 2: invalid UTF-8 (byte 0xf4) in string" },
	{ "\"\xe2\x82\"", 0, "t.json: line 1, column 2: invalid UTF-8 (byte 0xe2) in string" },
	{ "\"\x80\"", 0, "t.json: line 1, column 2: invalid UTF-8 (byte 0x80) in string" },
	{ "-", 0, "t.json: line 1, column 2: unexpected end of input (truncated JSON?)" },
	{ "-a", 0, "t.json: line 1, column 2: invalid number: expected a digit after '-'" },
	{ "01", 0, "t.json: line 1, column 2: invalid number: leading zeros are not allowed" },
	{ "-007", 0, "t.json: line 1, column 3: invalid number: leading zeros are not allowed" },
	{ "1.", 0, "t.json: line 1, column 3: unexpected end of input (truncated JSON?)" },
	{ "1.x", 0, "t.json: line 1, column 3: invalid number: expected a digit after '.'" },
	{ "1e", 0, "t.json: line 1, column 3: unexpected end of input (truncated JSON?)" },
	{ "1e+", 0, "t.json: line 1, column 4: unexpected end of input (truncated JSON?)" },
	{ "1ex", 0, "t.json: line 1, column 3: invalid number: expected a digit in the exponent" },
	{ ".5", 0, "t.json: line 1, column 1: expected a JSON value, got '.'" },
	{ "[+1]", 0, "t.json: line 1, column 2: expected a JSON value, got '+'" },
	{ "0x10", 0, "t.json: line 1, column 2: unexpected 'x' after the JSON value" },
	{ "tru", 0, "t.json: line 1, column 4: unexpected end of input (truncated JSON?)" },
	{ "trve", 0, "t.json: line 1, column 1: invalid literal (expected true, false or null)" },
	{ "nulL", 0, "t.json: line 1, column 1: invalid literal (expected true, false or null)" },
	{ "True", 0, "t.json: line 1, column 1: expected a JSON value, got 'T'" },
	{ "1 2", 0, "t.json: line 1, column 3: unexpected '2' after the JSON value" },
	{ "[1]]", 0, "t.json: line 1, column 4: unexpected ']' after the JSON value" },
	{ "// note\n1", 0, "t.json: line 1, column 1: comments are not allowed in JSON" },
	{ "[1,/* x */2]", 0, "t.json: line 1, column 4: comments are not allowed in JSON" },
	{ "@", 0, "t.json: line 1, column 1: expected a JSON value, got '@'" },
	{ "\x01", 0, "t.json: line 1, column 1: expected a JSON value, got byte 0x01" },
	{ "[1,\0]", 5, "t.json: line 1, column 4: expected a JSON value, got byte 0x00" },
	{ "{\"a\":1,\n \"b\":2,\n \"a\":3}", 0,
	  "t.json: line 3, column 2: duplicate key \"a\" in object" },
	{ "{\"k\":{\"x\":1,\"x\":2}}", 0,
	  "t.json: line 1, column 13: duplicate key \"x\" in object" },
	{ "{\n  \"a\": [1, 2,\n   3 x]\n}", 0,
	  "t.json: line 3, column 6: expected ',' or ']' after array element" },
	/* Columns count characters, not bytes: the 'é' is one column. */
	{ "[\"\xc3\xa9\" x]", 0,
	  "t.json: line 1, column 6: expected ',' or ']' after array element" },
	{ "\r\n[1,\r\n2 3]", 0,
	  "t.json: line 3, column 3: expected ',' or ']' after array element" },
};

static void test_errors(void)
{
	struct kvmcpu_error err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kc_json *v = parse(bad[i].input, bad[i].len, &err);

		CHECK_MSG(v == NULL, "case %zu: parsed, expected: %s", i, bad[i].message);
		if (v) {
			kc_json_free(v);
			continue;
		}
		CHECK_MSG(err.code == -EINVAL && !strcmp(err.message, bad[i].message),
			  "case %zu:\n  got      (%d) %s\n  expected %s", i, err.code, err.message,
			  bad[i].message);
	}
}

static void test_error_without_origin(void)
{
	struct kvmcpu_error err;
	struct kc_json *v = (struct kc_json *)&err; /* must be reset to NULL */

	CHECK(kc_json_parse("[", 1, NULL, &v, &err) == -EINVAL);
	CHECK(v == NULL);
	CHECK(!strcmp(err.message, "line 1, column 2: unexpected end of input (truncated JSON?)"));
	CHECK(strstr(err.hint, "cut short") != NULL);
	/* A NULL error record is allowed. */
	CHECK(kc_json_parse("{", 1, "x", &v, NULL) == -EINVAL);
}

static void test_truncations(void)
{
	static const char doc[] = "{\"a\": [1, 2.5, -3e2, \"x\\u00e9\\n\"], \"b\": {\"c\": null,"
				  " \"d\": true, \"e\": false}}";
	struct kvmcpu_error err;
	struct kc_json *v;
	size_t n;

	v = parse(doc, 0, &err);
	CHECK(v != NULL);
	kc_json_free(v);
	/* Every proper prefix fails with a message; the ones cut mid-value say truncated. */
	for (n = 1; n < sizeof(doc) - 1; n++) {
		v = parse(doc, n, &err);
		CHECK_MSG(v == NULL, "prefix of %zu bytes parsed", n);
		if (v) {
			kc_json_free(v);
			continue;
		}
		CHECK_MSG(strstr(err.message, "unexpected end of input (truncated JSON?)") != NULL,
			  "prefix of %zu bytes: %s", n, err.message);
	}
}

static void check_string(const char *json, const char *expected, size_t expected_len)
{
	struct kvmcpu_error err;
	struct kc_json *v = parse(json, 0, &err);
	const char *s;
	size_t len = 0;

	CHECK_MSG(v != NULL, "%s: %s", json, err.message);
	if (!v)
		return;
	s = kc_json_str(v, &len);
	CHECK_MSG(s && len == expected_len && !memcmp(s, expected, len) && s[len] == '\0',
		  "%s: wrong string (length %zu)", json, len);
	kc_json_free(v);
}

static void test_strings(void)
{
	check_string("\"\"", "", 0);
	check_string("\"plain\"", "plain", 5);
	check_string("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);
	check_string("\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6);
	/* U+1F600 as a surrogate pair, lower and upper case hex. */
	check_string("\"\\uD83D\\uDE00\"", "\xf0\x9f\x98\x80", 4);
	check_string("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);
	/* U+10FFFF, the last code point. */
	check_string("\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4);
	check_string("\"a\\u0000b\"", "a\0b", 3);
	check_string("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
		     "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
	check_string("\"\x7f\"", "\x7f", 1);
}

static void test_numbers(void)
{
	struct kvmcpu_error err;
	struct kc_json *v;
	uint64_t u = 0;
	int64_t i = 0;
	double d = 0;

	v = parse("18446744073709551615", 0, &err);
	CHECK(kc_json_u64(v, &u) && u == UINT64_MAX);
	CHECK(!kc_json_i64(v, &i));
	CHECK(kc_json_is_integer(v));
	kc_json_free(v);

	v = parse("18446744073709551616", 0, &err);
	CHECK(v && !kc_json_u64(v, &u) && !kc_json_i64(v, &i));
	CHECK(kc_json_double(v, &d) && d == 18446744073709551616.0);
	CHECK(!strcmp(kc_json_number_text(v), "18446744073709551616"));
	kc_json_free(v);

	v = parse("99999999999999999999999999999", 0, &err);
	CHECK(v && !kc_json_u64(v, &u));
	kc_json_free(v);

	v = parse("9223372036854775807", 0, &err);
	CHECK(kc_json_i64(v, &i) && i == INT64_MAX);
	kc_json_free(v);

	v = parse("9223372036854775808", 0, &err);
	CHECK(!kc_json_i64(v, &i));
	CHECK(kc_json_u64(v, &u) && u == 9223372036854775808ull);
	kc_json_free(v);

	v = parse("-9223372036854775808", 0, &err);
	CHECK(kc_json_i64(v, &i) && i == INT64_MIN);
	CHECK(!kc_json_u64(v, &u));
	kc_json_free(v);

	v = parse("-9223372036854775809", 0, &err);
	CHECK(v && !kc_json_i64(v, &i));
	kc_json_free(v);

	v = parse("-1", 0, &err);
	CHECK(kc_json_i64(v, &i) && i == -1);
	CHECK(!kc_json_u64(v, &u));
	kc_json_free(v);

	v = parse("-0", 0, &err);
	u = 7;
	CHECK(kc_json_u64(v, &u) && u == 0);
	kc_json_free(v);

	v = parse("0", 0, &err);
	CHECK(kc_json_u64(v, &u) && u == 0);
	kc_json_free(v);

	v = parse("4294967295", 0, &err);
	CHECK(kc_json_u64(v, &u) && u == 0xffffffffu);
	kc_json_free(v);

	v = parse("1.5", 0, &err);
	CHECK(v && !kc_json_is_integer(v) && !kc_json_u64(v, &u) && !kc_json_i64(v, &i));
	CHECK(kc_json_double(v, &d) && d == 1.5);
	kc_json_free(v);

	v = parse("1e3", 0, &err);
	CHECK(v && !kc_json_is_integer(v) && !kc_json_u64(v, &u));
	CHECK(kc_json_double(v, &d) && d == 1000.0);
	kc_json_free(v);

	v = parse("-1.50E+2", 0, &err);
	CHECK(kc_json_double(v, &d) && d == -150.0);
	CHECK(!strcmp(kc_json_number_text(v), "-1.50E+2"));
	kc_json_free(v);

	v = parse("2.5e-1", 0, &err);
	CHECK(kc_json_double(v, &d) && d == 0.25);
	kc_json_free(v);

	/* Getters of the wrong type fail and leave the output alone. */
	v = parse("\"12\"", 0, &err);
	u = 5;
	CHECK(!kc_json_u64(v, &u) && u == 5);
	CHECK(!kc_json_double(v, &d));
	CHECK(kc_json_number_text(v) == NULL);
	kc_json_free(v);
	CHECK(!kc_json_u64(NULL, &u));
}

static void test_literals_and_tree(void)
{
	static const char doc[] = "\xef\xbb\xbf{\n"
				  "  \"name\": \"host\",\n"
				  "  \"list\": [true, false, null, 7, {\"k\": []}],\n"
				  "  \"empty\": {}\n"
				  "}\n";
	struct kvmcpu_error err;
	struct kc_json *v = parse(doc, 0, &err);
	const struct kc_json *list, *e;
	bool b = false;
	uint64_t u = 0;
	size_t len;

	CHECK(v != NULL);
	if (!v) {
		fprintf(stderr, "%s\n", err.message);
		return;
	}
	CHECK(kc_json_type(v) == KC_JSON_OBJECT);
	CHECK(kc_json_count(v) == 3);
	CHECK(!strcmp(kc_json_key_at(v, 0), "name"));
	CHECK(!strcmp(kc_json_key_at(v, 2), "empty"));
	CHECK(kc_json_key_at(v, 3) == NULL);
	CHECK(!strcmp(kc_json_str(kc_json_get(v, "name"), &len), "host") && len == 4);
	CHECK(kc_json_get(v, "missing") == NULL);
	CHECK(kc_json_get(v, "nam") == NULL);
	list = kc_json_get(v, "list");
	CHECK(kc_json_type(list) == KC_JSON_ARRAY && kc_json_count(list) == 5);
	CHECK(kc_json_line(list) == 3 && kc_json_column(list) == 11);
	CHECK(kc_json_bool(kc_json_at(list, 0), &b) && b);
	CHECK(kc_json_bool(kc_json_at(list, 1), &b) && !b);
	CHECK(kc_json_type(kc_json_at(list, 2)) == KC_JSON_NULL);
	CHECK(!kc_json_bool(kc_json_at(list, 2), &b));
	CHECK(kc_json_u64(kc_json_at(list, 3), &u) && u == 7);
	CHECK(kc_json_line(kc_json_at(list, 3)) == 3 && kc_json_column(kc_json_at(list, 3)) == 31);
	e = kc_json_get(kc_json_at(list, 4), "k");
	CHECK(kc_json_type(e) == KC_JSON_ARRAY && kc_json_count(e) == 0);
	CHECK(kc_json_at(list, 5) == NULL);
	CHECK(kc_json_at(e, 0) == NULL);
	CHECK(kc_json_get(list, "k") == NULL); /* not an object */
	CHECK(kc_json_count(kc_json_get(v, "empty")) == 0);
	CHECK(kc_json_type(kc_json_get(v, "empty")) == KC_JSON_OBJECT);
	CHECK(kc_json_str(list, NULL) == NULL);
	CHECK(!strcmp(kc_json_type_name(KC_JSON_BOOL), "boolean"));
	CHECK(!strcmp(kc_json_type_name(KC_JSON_OBJECT), "object"));
	CHECK(!strcmp(kc_json_type_name(KC_JSON_NULL), "null"));
	CHECK(kc_json_count(NULL) == 0 && kc_json_get(NULL, "x") == NULL);
	kc_json_free(v);
	kc_json_free(NULL);
}

static void test_nesting(void)
{
	struct kvmcpu_error err;
	char *doc = malloc(2 * (KC_JSON_MAX_DEPTH + 1) + 1);
	struct kc_json *v;
	size_t n, i;

	/* Exactly at the limit: accepted. */
	n = KC_JSON_MAX_DEPTH;
	for (i = 0; i < n; i++) {
		doc[i] = '[';
		doc[n + i] = ']';
	}
	v = parse(doc, 2 * n, &err);
	CHECK(v != NULL);
	kc_json_free(v);
	/* One more: refused where the 129th bracket opens. */
	n = KC_JSON_MAX_DEPTH + 1;
	for (i = 0; i < n; i++) {
		doc[i] = '[';
		doc[n + i] = ']';
	}
	v = parse(doc, 2 * n, &err);
	CHECK(v == NULL);
	CHECK(!strcmp(err.message,
		      "t.json: line 1, column 129: nesting deeper than 128 arrays/objects"));
	free(doc);

	/* Objects count too, and a huge unclosed input stops at the limit, not the stack. */
	{
		size_t big = 100000;
		char *deep = malloc(big * 5);

		for (i = 0; i < big; i++)
			memcpy(deep + 5 * i, "{\"a\":", 5);
		v = parse(deep, big * 5, &err);
		CHECK(v == NULL);
		CHECK(!strcmp(
			err.message,
			"t.json: line 1, column 641: nesting deeper than 128 arrays/objects"));
		free(deep);
	}
}

static void test_large_object(void)
{
	/* Many keys: duplicates are found (the check is not quadratic). */
	struct kvmcpu_error err;
	size_t n = 20000, i, off = 0;
	char *doc = malloc(n * 24 + 64);
	struct kc_json *v;

	off += (size_t)sprintf(doc + off, "{");
	for (i = 0; i < n; i++)
		off += (size_t)sprintf(doc + off, "%s\"k%zu\":%zu", i ? "," : "", i, i);
	strcpy(doc + off, "}");
	v = parse(doc, 0, &err);
	CHECK(v && kc_json_count(v) == n);
	{
		uint64_t u = 0;

		CHECK(kc_json_u64(kc_json_get(v, "k12345"), &u) && u == 12345);
	}
	kc_json_free(v);
	strcpy(doc + off, ",\"k777\":1}");
	v = parse(doc, 0, &err);
	CHECK(v == NULL);
	CHECK(strstr(err.message, "duplicate key \"k777\" in object") != NULL);
	free(doc);
}

/*
 * The project's one JSON writer (util/jsonw.h), as RFC 8259 section 7 allows:
 * '"' and '\\' escaped, '\n' as \n, the other control characters as \u00XX;
 * DEL and valid UTF-8 as they are. The reader gives back the same bytes.
 */
static void test_write_string(void)
{
	static const char raw[] = "q\"b\\n\nt\tc\x01\x1f\x7f\xc3\xa9/\b\f\r";
	struct kvmcpu_error err;
	char *buf = NULL;
	size_t size = 0, len = 0;
	FILE *f = open_memstream(&buf, &size);
	struct kc_json *v;
	const char *s;

	kc_json_put_string(f, raw);
	fclose(f);
	CHECK(!strcmp(
		buf,
		"\"q\\\"b\\\\n\\nt\\u0009c\\u0001\\u001f\x7f\xc3\xa9/\\u0008\\u000c\\u000d\""));
	v = parse(buf, 0, &err);
	s = kc_json_str(v, &len);
	CHECK(s && len == sizeof(raw) - 1 && !memcmp(s, raw, len));
	kc_json_free(v);
	free(buf);
}

/* JSON text is UTF-8: bytes that start no valid sequence are written as U+FFFD (RFC 3629). */
static void test_write_invalid_utf8(void)
{
	/* a stray continuation byte, an overlong '/', a surrogate, a cut sequence at the end */
	static const char raw[] = "a\x80"
				  "b\xc0\xaf"
				  "c\xed\xa0\x80"
				  "d\xe2\x82";
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	kc_json_put_string(f, raw);
	fclose(f);
	CHECK(!strcmp(buf, "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\""));
	free(buf);
}

int main(void)
{
	test_errors();
	test_error_without_origin();
	test_truncations();
	test_strings();
	test_numbers();
	test_literals_and_tree();
	test_nesting();
	test_large_object();
	test_write_string();
	test_write_invalid_utf8();
	return check_finish("test-json");
}
