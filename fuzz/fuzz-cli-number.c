/* SPDX-License-Identifier: MIT */
/*
 * The CLI's option numbers (--msr, --timeout: cli_parse_number). The answer is
 * checked against an independent reading: the grammar "decimal digits, or 0x
 * and hex digits" tested character by character, and the value from strtoull
 * with its ERANGE. A sign, a space, octal or a wrapped value aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
	free(s);
	return 0;
}
