/* SPDX-License-Identifier: MIT */
/*
 * The CLI's option numbers (--msr, --timeout: cli_parse_number). The answer is
 * checked against an independent reading: the grammar "decimal digits, or 0x
 * and hex digits" tested character by character, and the value from strtoull
 * with its ERANGE. A sign, a space, octal or a wrapped value aborts. The same
 * input then goes to the library's kc_parse_number in each of its three
 * syntaxes (recordings use the hex ones), against the same kind of reading.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/number.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* true and *out when @s is a number the CLI must accept at all (before the range). */
static bool oracle(const char *s, uint64_t *out)
{
	const char *digits;
	int base;
	if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) &&
	    all_of(s + 2, "0123456789abcdefABCDEF")) {
		digits = s + 2;
		base = 16;
	} else if (all_of(s, "0123456789")) {
		digits = s;
		base = 10;
	} else {
		return false;
	}
	errno = 0;
	unsigned long long v = strtoull(digits, NULL, base);
	if (errno == ERANGE)
		return false;
	*out = v;
	return true;
}

static bool is_prefixed(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

/* The answer kc_parse_number must give for @s in @syntax: 0, -EINVAL or -ERANGE. */
static int syntax_oracle(const char *s, enum kc_num_syntax syntax, uint64_t max, uint64_t *out)
{
	const char *digits = is_prefixed(s) ? s + 2 : s;
	bool hex = syntax != KC_NUM_DEC_OR_0X || is_prefixed(s);
	if (syntax == KC_NUM_0X_HEX && !is_prefixed(s))
		return -EINVAL;
	if (!all_of(digits, hex ? "0123456789abcdefABCDEF" : "0123456789"))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(digits, NULL, hex ? 16 : 10);
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static void check_syntaxes(const char *s, size_t size)
{
	static const uint64_t maxima[] = { UINT32_MAX, 600000, UINT64_MAX };
	for (int syntax = KC_NUM_DEC_OR_0X; syntax <= KC_NUM_0X_HEX; syntax++)
		for (size_t i = 0; i < sizeof(maxima) / sizeof(maxima[0]); i++) {
			uint64_t got = 0, want = 0;
			int r = kc_parse_number(s, size, syntax, maxima[i], &got);
			int w = syntax_oracle(s, syntax, maxima[i], &want);
			if (r != w || (!r && got != want)) {
				fprintf(stderr,
					"fuzz-cli-number: kc_parse_number('%s', syntax %d, max %llu) "
					"= %d %llu, expected %d %llu\n",
					s, syntax, (unsigned long long)maxima[i], r,
					(unsigned long long)got, w, (unsigned long long)want);
				abort();
			}
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		uint64_t min, max;
	} ranges[] = { { 0, UINT32_MAX }, { 1, 600000 }, { 0, UINT64_MAX } };
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	/* An argument never holds a NUL byte. */
	if (strlen(s) != size) {
		free(s);
		return 0;
	}
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		uint64_t got = 0, want = 0;
		bool ok = cli_parse_number(s, ranges[i].min, ranges[i].max, &got);
		bool want_ok = oracle(s, &want) && want >= ranges[i].min && want <= ranges[i].max;
		if (ok != want_ok || (ok && got != want)) {
			fprintf(stderr,
				"fuzz-cli-number: '%s' in [%llu, %llu]: parser %s %llu, "
				"expected %s %llu\n",
				s, (unsigned long long)ranges[i].min,
				(unsigned long long)ranges[i].max, ok ? "accepts" : "refuses",
				(unsigned long long)got, want_ok ? "accept" : "refuse",
				(unsigned long long)want);
			abort();
		}
	}
	check_syntaxes(s, size);
	free(s);
	return 0;
}
