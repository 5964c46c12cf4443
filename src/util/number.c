/* SPDX-License-Identifier: MIT */
/* Numbers in options, parameter strings and recordings (libc only: see number.h). */
#include <errno.h>

#include "util/number.h"

/* One more than the value of each hex digit; 0 for any other byte. */
static const unsigned char digit_plus_one[256] = {
	/* clang-format off */
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	/* clang-format on */
};

/* The digit's value, or a value above 15 for a byte that is no hex digit. */
static unsigned digit_of(char c)
{
	return digit_plus_one[(unsigned char)c] - 1u;
}

/*
 * Hex digits: a value overflows 64 bits exactly when more than 16 digits follow
 * its leading zeros, so no per-digit check is needed. Recordings hold thousands
 * of hex numbers; this is the loop they go through.
 */
static int hex_value(const char *s, size_t len, uint64_t *out)
{
	size_t i = 0;
	while (i < len && s[i] == '0')
		i++;
	bool overflow = len - i > 16;
	uint64_t v = 0;
	/* Every digit is checked even after an overflow, so junk is never called "too large". */
	for (; i < len; i++) {
		unsigned d = digit_of(s[i]);
		if (d > 15)
			return -EINVAL;
		v = v << 4 | d;
	}
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

static int decimal_value(const char *s, size_t len, uint64_t *out)
{
	const uint64_t limit = UINT64_MAX / 10, last = UINT64_MAX % 10;
	uint64_t v = 0;
	bool overflow = false;
	for (size_t i = 0; i < len; i++) {
		unsigned d = digit_of(s[i]);
		if (d > 9)
			return -EINVAL;
		if (v > limit || (v == limit && d > last))
			overflow = true;
		else
			v = v * 10 + d;
	}
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

int kc_parse_number(const char *s, size_t len, enum kc_num_syntax syntax, uint64_t max,
		    uint64_t *out)
{
	bool hex = syntax != KC_NUM_DEC_OR_0X;
	bool prefixed = len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	if (prefixed) {
		hex = true;
		s += 2;
		len -= 2;
	} else if (syntax == KC_NUM_0X_HEX) {
		return -EINVAL;
	}
	if (!len)
		return -EINVAL;
	uint64_t v;
	int r = hex ? hex_value(s, len, &v) : decimal_value(s, len, &v);
	if (r)
		return r;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

bool kc_parse_u64(const char *s, size_t len, enum kc_num_syntax syntax, uint64_t max, uint64_t *out)
{
	return kc_parse_number(s, len, syntax, max, out) == 0;
}
