/* SPDX-License-Identifier: MIT */
/*
 * The one number parser of the project. Like util/jsonw.h, src/util/number.c
 * depends on libc only and is compiled into the library and into the CLI
 * (cli/meson.build), which links only the public API.
 */
#ifndef KC_UTIL_NUMBER_H
#define KC_UTIL_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * How a number may be written. Signs, white space and empty input are never
 * accepted; every syntax takes either case of the hex digits and of the x.
 */
enum kc_num_syntax {
	KC_NUM_DEC_OR_0X = 0, /* decimal, or hex with a 0x prefix */
	KC_NUM_HEX = 1, /* hex, with or without a 0x prefix */
	KC_NUM_0X_HEX = 2, /* hex with a 0x prefix only */
};

/*
 * The project's one number parser, the library's and the CLI's: @len bytes
 * of @s in @syntax. Returns 0 and *out, -EINVAL when @s is not a number in
 * that syntax, or -ERANGE when it is one but exceeds @max (*out untouched on
 * error).
 */
int kc_parse_number(const char *s, size_t len, enum kc_num_syntax syntax, uint64_t max,
		    uint64_t *out);

/* kc_parse_number as a yes/no answer (@syntax: false = KC_NUM_DEC_OR_0X, true = KC_NUM_HEX). */
bool kc_parse_u64(const char *s, size_t len, enum kc_num_syntax syntax, uint64_t max,
		  uint64_t *out);

#endif
