/* SPDX-License-Identifier: MIT */
/* Numbers in options, parameter strings and recordings (libc only: see number.h). */
#include <errno.h>

#include "util/number.h"

static int digit_value(char c, unsigned base)
{
	int d = -1;
	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && (unsigned)d < base ? d : -1;
}

int kc_parse_number(const char *s, size_t len, enum kc_num_syntax syntax, uint64_t max,
		    uint64_t *out)
{
	unsigned base = syntax == KC_NUM_DEC_OR_0X ? 10 : 16;
	bool prefixed = len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	if (prefixed) {
		base = 16;
		s += 2;
		len -= 2;
	} else if (syntax == KC_NUM_0X_HEX) {
		return -EINVAL;
	}
	if (!len)
		return -EINVAL;
	uint64_t v = 0;
	bool overflow = false;
	/* One division up front, not one per digit: host files hold thousands of numbers. */
	const uint64_t limit = UINT64_MAX / base, last = UINT64_MAX % base;
	/* Every digit is checked even after an overflow, so junk is never called "too large". */
	for (size_t i = 0; i < len; i++) {
		int d = digit_value(s[i], base);
		if (d < 0)
			return -EINVAL;
		if (v > limit || (v == limit && (unsigned)d > last))
			overflow = true;
		else
			v = v * base + (unsigned)d;
	}
	if (overflow || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

bool kc_parse_u64(const char *s, size_t len, enum kc_num_syntax syntax, uint64_t max, uint64_t *out)
{
	return kc_parse_number(s, len, syntax, max, out) == 0;
}
