/* SPDX-License-Identifier: MIT */
/*
 * Strict JSON reader (RFC 8259). A recursive-descent parser over a byte
 * buffer that tracks line and column for messages and builds a small tree.
 * Recursion depth is bounded by KC_JSON_MAX_DEPTH.
 *
 * The tree lives in an arena owned by its root (struct kc_json_doc): a
 * recording holds thousands of values, and one malloc and one free per value
 * cost more than the parse itself. Strings are decoded into one reused scratch
 * buffer, and the children of an array or object are gathered on a stack
 * shared by all nesting levels, so each lands in the arena once, at its final
 * size.
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/util.h"

struct kc_json_member {
	char *key;
	size_t key_len;
	unsigned line, column; /* of the key, for the duplicate-key message */
	struct kc_json *value;
};

struct kc_json {
	enum kc_json_type type;
	unsigned line, column;
	union {
		bool boolean;
		struct {
			char *text; /* as written */
			uint64_t magnitude; /* |value| when integer && fits_u64 */
			bool integer; /* no fraction, no exponent */
			bool negative;
			bool fits_u64; /* magnitude holds the exact |value| */
		} num;
		struct {
			char *s;
			size_t len;
		} str;
		struct {
			struct kc_json **items;
			size_t n;
		} arr;
		struct {
			struct kc_json_member *members;
			size_t n;
		} obj;
	} u;
};

/* One block of the arena; blocks are chained and freed together. */
struct jp_block {
	struct jp_block *next;
	size_t used, cap;
	max_align_t data[];
};

/* What kc_json_parse hands out: the root, and the arena every other node lives in. */
struct kc_json_doc {
	struct jp_block *blocks;
	struct kc_json root;
};

/* A growable byte buffer (decoded strings) or array (the children stacks). */
struct jp_buf {
	char *s;
	size_t len, cap;
};

struct kc_json_parser {
	const unsigned char *p, *end;
	unsigned line, column;
	unsigned depth;
	size_t values, max_values;
	const char *origin;
	struct kvmcpu_error *err;
	struct jp_block **arena;
	struct jp_buf scratch; /* the string being decoded */
	struct jp_buf items; /* struct kc_json * of the open arrays, innermost last */
	struct jp_buf members; /* struct kc_json_member of the open objects, innermost last */
};

/* ---- errors ---- */

static int jp_fail_code(struct kc_json_parser *s, int code, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int jp_fail_code(struct kc_json_parser *s, int code, const char *hint, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (s->origin && *s->origin)
		return kc_fail(s->err, code, hint, "%s: line %u, column %u: %s", s->origin, s->line,
			       s->column, what);
	return kc_fail(s->err, code, hint, "line %u, column %u: %s", s->line, s->column, what);
}

#define jp_fail(s, ...) jp_fail_code((s), -EINVAL, NULL, __VA_ARGS__)

static int jp_fail_eof(struct kc_json_parser *s)
{
	return jp_fail_code(s, -EINVAL, "the file looks cut short; record it again",
			    "unexpected end of input (truncated JSON?)");
}

static int jp_fail_nomem(struct kc_json_parser *s)
{
	return jp_fail_code(s, -ENOMEM, NULL, "out of memory");
}

/* Describes the byte at the cursor for "got ..." messages. */
static const char *jp_describe(const struct kc_json_parser *s, char *buf, size_t len)
{
	unsigned char c = *s->p;

	if (c > 0x20 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02x", c);
	return buf;
}

/* ---- cursor ---- */

static bool jp_eof(const struct kc_json_parser *s)
{
	return s->p >= s->end;
}

static void jp_advance(struct kc_json_parser *s)
{
	unsigned char c = *s->p++;

	if (c == '\n') {
		s->line++;
		s->column = 1;
	} else if ((c & 0xc0) != 0x80) {
		/* Columns count characters: UTF-8 continuation bytes do not move them. */
		s->column++;
	}
}

/* Whitespace is all ASCII, so this keeps the count of jp_advance without its per-byte call. */
static void jp_skip_space_run(struct kc_json_parser *s)
{
	const unsigned char *p = s->p;
	unsigned line = s->line, column = s->column;

	for (; p < s->end; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			column++;
		} else if (*p == '\n') {
			line++;
			column = 1;
		} else {
			break;
		}
	}
	s->p = p;
	s->line = line;
	s->column = column;
}

/* Inline: most calls, between tokens written without space, have nothing to skip. */
static inline void jp_skip_space(struct kc_json_parser *s)
{
	if (!jp_eof(s) && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		jp_skip_space_run(s);
}

static bool jp_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* ---- arena ---- */

/* Small recordings fit one block; a bigger input gets blocks of growing size. */
#define JP_BLOCK_MIN 16384

/* Starts a new block with room for at least @need bytes; false when out of memory. */
static bool jp_new_block(struct kc_json_parser *s, size_t need)
{
	struct jp_block *b = *s->arena;
	size_t cap = b ? b->cap * 2 : JP_BLOCK_MIN;

	if (cap < need)
		cap = need;
	if (cap > SIZE_MAX - sizeof(*b))
		return false;
	b = malloc(sizeof(*b) + cap);
	if (!b)
		return false;
	b->next = *s->arena;
	b->used = 0;
	b->cap = cap;
	*s->arena = b;
	return true;
}

/*
 * @size bytes, aligned for any node, from the arena; NULL when out of memory.
 * Inline: every value takes one or two of these.
 */
static inline void *jp_alloc(struct kc_json_parser *s, size_t size)
{
	struct jp_block *b = *s->arena;
	size_t need = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	void *p;

	if (need < size)
		return NULL;
	if (!b || b->cap - b->used < need) {
		if (!jp_new_block(s, need))
			return NULL;
		b = *s->arena;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	return p;
}

/* A copy of @len bytes of @data in the arena, NUL-terminated. */
static inline char *jp_strdup(struct kc_json_parser *s, const void *data, size_t len)
{
	char *p = len < SIZE_MAX ? jp_alloc(s, len + 1) : NULL;

	if (!p)
		return NULL;
	memcpy(p, data, len);
	p[len] = '\0';
	return p;
}

static void jp_free_blocks(struct jp_block *b)
{
	while (b) {
		struct jp_block *next = b->next;

		free(b);
		b = next;
	}
}

void kc_json_free(struct kc_json *v)
{
	struct kc_json_doc *doc;

	if (!v)
		return;
	/* Only roots are handed out to be freed; the rest of the tree is in their arena. */
	doc = (struct kc_json_doc *)((char *)v - offsetof(struct kc_json_doc, root));
	jp_free_blocks(doc->blocks);
	free(doc);
}

/* ---- growable buffers ---- */

/* Room for @len more bytes (and a NUL) in @b. */
static bool jp_buf_reserve(struct jp_buf *b, size_t len)
{
	size_t ncap;
	char *p;

	if (b->len + len + 1 <= b->cap)
		return true;
	if (len > SIZE_MAX / 2 - b->len - 1)
		return false;
	ncap = b->cap ? b->cap : 32;
	while (ncap < b->len + len + 1)
		ncap *= 2;
	p = realloc(b->s, ncap);
	if (!p)
		return false;
	b->s = p;
	b->cap = ncap;
	return true;
}

/* Appends @len bytes and keeps the buffer NUL-terminated. */
static bool jp_buf_put(struct jp_buf *b, const void *data, size_t len)
{
	if (!jp_buf_reserve(b, len))
		return false;
	memcpy(b->s + b->len, data, len);
	b->len += len;
	b->s[b->len] = '\0';
	return true;
}

/*
 * Moves the @n children of a finished container, the top @n * @size bytes of
 * @stack, into the arena at their final size; NULL when out of memory.
 */
static void *jp_pop_children(struct kc_json_parser *s, struct jp_buf *stack, size_t n, size_t size)
{
	void *p;

	if (!n)
		return NULL;
	p = jp_alloc(s, n * size);
	if (p) {
		stack->len -= n * size;
		memcpy(p, stack->s + stack->len, n * size);
	}
	return p;
}

/* ---- strings ---- */

static bool jp_buf_put_code_point(struct jp_buf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return jp_buf_put(b, u, n);
}

static int jp_hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads the XXXX of a \uXXXX escape; the cursor is on the first X. */
static int jp_read_hex4(struct kc_json_parser *s, uint32_t *out)
{
	uint32_t v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		if (jp_eof(s))
			return jp_fail_eof(s);
		d = jp_hex_value(*s->p);
		if (d < 0)
			return jp_fail(s, "invalid \\u escape: expected 4 hex digits");
		v = v << 4 | (uint32_t)d;
		jp_advance(s);
	}
	*out = v;
	return 0;
}

/*
 * A \u escape; the cursor is on the 'u'. UTF-16 surrogates must come in
 * high-low pairs (RFC 8259 section 7) and are joined into one code point.
 */
static int jp_unicode_escape(struct kc_json_parser *s, struct jp_buf *b)
{
	unsigned line = s->line, column = s->column - 1; /* the backslash */
	uint32_t hi = 0, lo = 0; /* set by jp_read_hex4 on success; zero keeps analyzers sure */
	int r;

	jp_advance(s);
	r = jp_read_hex4(s, &hi);
	if (r)
		return r;
	if (hi >= 0xdc00 && hi <= 0xdfff) {
		s->line = line;
		s->column = column;
		return jp_fail(s, "lone low surrogate \\u%04X in string", hi);
	}
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u') {
			if (jp_eof(s))
				return jp_fail_eof(s);
			s->line = line;
			s->column = column;
			return jp_fail(
				s, "high surrogate \\u%04X must be followed by a \\u low surrogate",
				hi);
		}
		jp_advance(s);
		jp_advance(s);
		r = jp_read_hex4(s, &lo);
		if (r)
			return r;
		if (lo < 0xdc00 || lo > 0xdfff) {
			s->line = line;
			s->column = column;
			return jp_fail(
				s,
				"high surrogate \\u%04X followed by \\u%04X, not a low surrogate",
				hi, lo);
		}
		hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (!jp_buf_put_code_point(b, hi))
		return jp_fail_nomem(s);
	return 0;
}

static int jp_escape(struct kc_json_parser *s, struct jp_buf *b)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	unsigned char c;

	jp_advance(s); /* the backslash */
	if (jp_eof(s))
		return jp_fail_eof(s);
	c = *s->p;
	if (c == 'u')
		return jp_unicode_escape(s, b);
	hit = c ? strchr(from, c) : NULL;
	if (hit) {
		if (!jp_buf_put(b, &to[hit - from], 1))
			return jp_fail_nomem(s);
		jp_advance(s);
		return 0;
	}
	if (c > 0x20 && c < 0x7f)
		return jp_fail(s,
			       "invalid escape '\\%c' in string "
			       "(valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
			       c);
	return jp_fail(s, "invalid escape in string: byte 0x%02x after '\\'", c);
}

/* Length of the well-formed UTF-8 sequence at @p (RFC 3629 section 4), or 0. */
static size_t utf8_seq_length(const unsigned char *p, size_t avail)
{
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* Second-byte limits exclude overlong forms, surrogates and code points above U+10FFFF. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (avail < n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

#define JP_ONES UINT64_C(0x0101010101010101)
#define JP_HIGHS UINT64_C(0x8080808080808080)

/* Whether a byte of @w is below @n (n <= 0x80); exact for words without high bytes. */
static uint64_t jp_bytes_below(uint64_t w, unsigned n)
{
	return (w - JP_ONES * n) & ~w & JP_HIGHS;
}

/* Whether a byte of @w is not plain ASCII: control, non-ASCII, quote or backslash. */
static bool jp_word_has_special(uint64_t w)
{
	return (w & JP_HIGHS) || jp_bytes_below(w, 0x20) ||
	       jp_bytes_below(w ^ (JP_ONES * '"'), 1) || jp_bytes_below(w ^ (JP_ONES * '\\'), 1);
}

/*
 * End of the run of plain ASCII (no escape, no quote, no control) starting at
 * @p. Eight bytes are tested at once while they are all plain: strings are
 * most of a recording.
 */
static const unsigned char *jp_plain_run(const unsigned char *p, const unsigned char *end)
{
	uint64_t w;

	while (end - p >= 8) {
		memcpy(&w, p, sizeof(w));
		if (jp_word_has_special(w))
			break;
		p += 8;
	}
	while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
		p++;
	return p;
}

/* Decodes a string into s->scratch; the cursor is on the opening quote. */
static int jp_decode_string(struct kc_json_parser *s)
{
	struct jp_buf *b = &s->scratch;
	int r = 0;

	jp_advance(s);
	b->len = 0;
	if (!jp_buf_put(b, "", 0))
		return jp_fail_nomem(s);
	for (;;) {
		unsigned char c;

		if (jp_eof(s)) {
			r = jp_fail_eof(s);
			break;
		}
		c = *s->p;
		if (c == '"') {
			jp_advance(s);
			break;
		}
		if (c == '\\') {
			r = jp_escape(s, b);
		} else if (c < 0x20) {
			r = jp_fail(s, "control character 0x%02x in string (write it as an escape)",
				    c);
		} else if (c < 0x80) {
			/* A run of plain ASCII goes in at once: no line ends, one column each. */
			const unsigned char *run = jp_plain_run(s->p, s->end);

			if (!jp_buf_put(b, s->p, (size_t)(run - s->p))) {
				r = jp_fail_nomem(s);
			} else {
				s->column += (unsigned)(run - s->p);
				s->p = run;
			}
		} else {
			size_t n = utf8_seq_length(s->p, (size_t)(s->end - s->p));

			if (!n) {
				r = jp_fail(s, "invalid UTF-8 (byte 0x%02x) in string", c);
			} else if (!jp_buf_put(b, s->p, n)) {
				r = jp_fail_nomem(s);
			} else {
				while (n--)
					jp_advance(s);
			}
		}
		if (r)
			break;
	}
	return r;
}

/*
 * Reads a string into the arena; the cursor is on the opening quote. Most
 * strings are plain ASCII: those are copied straight from the input, and only
 * the others go through the decoder.
 */
static int jp_string(struct kc_json_parser *s, char **out, size_t *out_len)
{
	const unsigned char *text = s->p + 1, *run = jp_plain_run(text, s->end);
	int r;

	if (run < s->end && *run == '"') {
		*out_len = (size_t)(run - text);
		*out = jp_strdup(s, text, *out_len);
		if (!*out)
			return jp_fail_nomem(s);
		s->column += (unsigned)(*out_len + 2);
		s->p = run + 1;
		return 0;
	}
	r = jp_decode_string(s);

	if (r)
		return r;
	*out = jp_strdup(s, s->scratch.s, s->scratch.len);
	if (!*out)
		return jp_fail_nomem(s);
	*out_len = s->scratch.len;
	return 0;
}

/* ---- numbers ---- */

static int jp_digits(struct kc_json_parser *s, const char *what)
{
	if (jp_eof(s))
		return jp_fail_eof(s);
	if (!jp_is_digit(*s->p))
		return jp_fail(s, "invalid number: expected a digit %s", what);
	while (!jp_eof(s) && jp_is_digit(*s->p))
		jp_advance(s);
	return 0;
}

static int jp_number(struct kc_json_parser *s, struct kc_json *v)
{
	const unsigned char *start = s->p, *int_start, *int_end;
	int r;

	v->u.num.integer = true;
	if (*s->p == '-') {
		v->u.num.negative = true;
		jp_advance(s);
	}
	int_start = s->p;
	if (!jp_eof(s) && *s->p == '0') {
		jp_advance(s);
		if (!jp_eof(s) && jp_is_digit(*s->p))
			return jp_fail(s, "invalid number: leading zeros are not allowed");
	} else {
		r = jp_digits(s, "after '-'");
		if (r)
			return r;
	}
	int_end = s->p;
	if (!jp_eof(s) && *s->p == '.') {
		v->u.num.integer = false;
		jp_advance(s);
		r = jp_digits(s, "after '.'");
		if (r)
			return r;
	}
	if (!jp_eof(s) && (*s->p == 'e' || *s->p == 'E')) {
		v->u.num.integer = false;
		jp_advance(s);
		if (!jp_eof(s) && (*s->p == '+' || *s->p == '-'))
			jp_advance(s);
		r = jp_digits(s, "in the exponent");
		if (r)
			return r;
	}
	/* The digits are decimal by the grammar above; the library's number parser gives the value. */
	if (v->u.num.integer)
		v->u.num.fits_u64 = !kc_parse_number(
			(const char *)int_start, (size_t)(int_end - int_start), KC_NUM_DEC_OR_0X,
			UINT64_MAX, &v->u.num.magnitude);
	v->u.num.text = jp_strdup(s, start, (size_t)(s->p - start));
	if (!v->u.num.text)
		return jp_fail_nomem(s);
	return 0;
}

/* ---- literals ---- */

static int jp_literal(struct kc_json_parser *s, struct kc_json *v)
{
	static const struct {
		const char *word;
		enum kc_json_type type;
		bool value;
	} words[] = {
		{ "true", KC_JSON_BOOL, true },
		{ "false", KC_JSON_BOOL, false },
		{ "null", KC_JSON_NULL, false },
	};
	size_t i, n, avail = (size_t)(s->end - s->p);

	for (i = 0; i < KC_ARRAY_SIZE(words); i++) {
		if (*s->p != (unsigned char)words[i].word[0])
			continue;
		n = strlen(words[i].word);
		if (avail < n && !memcmp(s->p, words[i].word, avail)) {
			s->p += avail;
			s->column += (unsigned)avail;
			return jp_fail_eof(s);
		}
		if (avail < n || memcmp(s->p, words[i].word, n))
			break;
		v->type = words[i].type;
		v->u.boolean = words[i].value;
		s->p += n;
		s->column += (unsigned)n;
		return 0;
	}
	return jp_fail(s, "invalid literal (expected true, false or null)");
}

/* ---- containers ---- */

static int jp_value(struct kc_json_parser *s, struct kc_json **out);

/* Pushes a child of the innermost open container on @stack. */
static int jp_push(struct kc_json_parser *s, struct jp_buf *stack, const void *child, size_t size)
{
	if (!jp_buf_reserve(stack, size))
		return jp_fail_nomem(s);
	memcpy(stack->s + stack->len, child, size);
	stack->len += size;
	return 0;
}

static int jp_enter(struct kc_json_parser *s)
{
	if (s->depth >= KC_JSON_MAX_DEPTH)
		return jp_fail(s, "nesting deeper than %d arrays/objects", KC_JSON_MAX_DEPTH);
	s->depth++;
	jp_advance(s); /* '[' or '{' */
	jp_skip_space(s);
	return 0;
}

static int jp_array(struct kc_json_parser *s, struct kc_json *v)
{
	int r = jp_enter(s);

	if (r)
		return r;
	if (!jp_eof(s) && *s->p == ']') {
		jp_advance(s);
		s->depth--;
		return 0;
	}
	for (;;) {
		struct kc_json *item = NULL;

		if (!jp_eof(s) && *s->p == ']')
			return jp_fail(
				s, "expected a value after ',' (trailing commas are not allowed)");
		r = jp_value(s, &item);
		if (!r)
			r = jp_push(s, &s->items, &item, sizeof(item));
		if (r)
			return r;
		v->u.arr.n++;
		jp_skip_space(s);
		if (jp_eof(s))
			return jp_fail_eof(s);
		if (*s->p == ']')
			break;
		if (*s->p != ',')
			return jp_fail(s, "expected ',' or ']' after array element");
		jp_advance(s);
		jp_skip_space(s);
	}
	jp_advance(s);
	s->depth--;
	v->u.arr.items = jp_pop_children(s, &s->items, v->u.arr.n, sizeof(*v->u.arr.items));
	if (!v->u.arr.items)
		return jp_fail_nomem(s);
	return 0;
}

static int jp_compare_members(const void *a, const void *b)
{
	const struct kc_json_member *x = *(const struct kc_json_member *const *)a;
	const struct kc_json_member *y = *(const struct kc_json_member *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	/* Equal keys: input order, so the later one is reported. */
	return x < y ? -1 : x > y;
}

static bool jp_same_key(const struct kc_json_member *a, const struct kc_json_member *b)
{
	return a->key_len == b->key_len && !memcmp(a->key, b->key, a->key_len);
}

/* Objects up to this size are checked pair by pair: cheaper than sorting a few keys. */
#define JP_DUPLICATES_BY_PAIRS 16

/* The first member whose key an earlier member already has, or NULL. */
static const struct kc_json_member *jp_first_duplicate_by_pairs(const struct kc_json *v)
{
	const struct kc_json_member *m = v->u.obj.members;
	size_t i, j;

	for (j = 1; j < v->u.obj.n; j++)
		for (i = 0; i < j; i++)
			if (jp_same_key(&m[i], &m[j]))
				return &m[j];
	return NULL;
}

/*
 * The same by sorting, O(n log n) on large objects; equal keys sort in input
 * order, so the later of each pair is the candidate. -ENOMEM or 0.
 */
static int jp_first_duplicate_sorted(const struct kc_json *v, const struct kc_json_member **dup)
{
	const struct kc_json_member **sorted;
	size_t i, n = v->u.obj.n;

	*dup = NULL;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		sorted[i] = &v->u.obj.members[i];
	qsort(sorted, n, sizeof(*sorted), jp_compare_members);
	for (i = 1; i < n; i++) {
		const struct kc_json_member *a = sorted[i - 1], *b = sorted[i];

		if (jp_same_key(a, b) && (!*dup || b < *dup))
			*dup = b;
	}
	free(sorted);
	return 0;
}

/*
 * RFC 8259 leaves duplicate keys to the implementation; a recorded file with
 * two values for one key is ambiguous, so it is an error. Either way of
 * finding it reports the first member whose key came before.
 */
static int jp_check_duplicates(struct kc_json_parser *s, const struct kc_json *v)
{
	const struct kc_json_member *dup;

	if (v->u.obj.n < 2)
		return 0;
	if (v->u.obj.n <= JP_DUPLICATES_BY_PAIRS)
		dup = jp_first_duplicate_by_pairs(v);
	else if (jp_first_duplicate_sorted(v, &dup))
		return jp_fail_nomem(s);
	if (!dup)
		return 0;
	s->line = dup->line;
	s->column = dup->column;
	return jp_fail(s, "duplicate key \"%s\" in object", dup->key);
}

static int jp_member(struct kc_json_parser *s, struct kc_json *v)
{
	struct kc_json_member m = { .line = s->line, .column = s->column };
	int r;

	r = jp_string(s, &m.key, &m.key_len);
	if (r)
		return r;
	jp_skip_space(s);
	if (jp_eof(s))
		r = jp_fail_eof(s);
	else if (*s->p != ':')
		r = jp_fail(s, "expected ':' after object key \"%s\"", m.key);
	if (r)
		return r;
	jp_advance(s);
	jp_skip_space(s);
	r = jp_value(s, &m.value);
	if (!r)
		r = jp_push(s, &s->members, &m, sizeof(m));
	if (r)
		return r;
	v->u.obj.n++;
	return 0;
}

static int jp_object(struct kc_json_parser *s, struct kc_json *v)
{
	int r = jp_enter(s);

	if (r)
		return r;
	if (!jp_eof(s) && *s->p == '}') {
		jp_advance(s);
		s->depth--;
		return 0;
	}
	for (;;) {
		if (jp_eof(s))
			return jp_fail_eof(s);
		if (*s->p == '}')
			return jp_fail(
				s,
				"expected a string key after ',' (trailing commas are not allowed)");
		if (*s->p != '"')
			return jp_fail(s, "expected a string key in double quotes");
		r = jp_member(s, v);
		if (r)
			return r;
		jp_skip_space(s);
		if (jp_eof(s))
			return jp_fail_eof(s);
		if (*s->p == '}')
			break;
		if (*s->p != ',')
			return jp_fail(s, "expected ',' or '}' after object member");
		jp_advance(s);
		jp_skip_space(s);
	}
	jp_advance(s);
	s->depth--;
	v->u.obj.members = jp_pop_children(s, &s->members, v->u.obj.n, sizeof(*v->u.obj.members));
	if (!v->u.obj.members)
		return jp_fail_nomem(s);
	return jp_check_duplicates(s, v);
}

/* Any value, into the zeroed node @v; leading whitespace is already skipped. */
static int jp_value_into(struct kc_json_parser *s, struct kc_json *v)
{
	char buf[16];
	int r;

	if (jp_eof(s))
		return jp_fail_eof(s);
	/* The tree costs far more than the text it comes from: a budget keeps it bounded. */
	if (++s->values > s->max_values)
		return jp_fail_code(s, -E2BIG, NULL, "more than %zu values", s->max_values);
	v->line = s->line;
	v->column = s->column;
	switch (*s->p) {
	case '{':
		v->type = KC_JSON_OBJECT;
		r = jp_object(s, v);
		break;
	case '[':
		v->type = KC_JSON_ARRAY;
		r = jp_array(s, v);
		break;
	case '"':
		v->type = KC_JSON_STRING;
		r = jp_string(s, &v->u.str.s, &v->u.str.len);
		break;
	case 't':
	case 'f':
	case 'n':
		r = jp_literal(s, v);
		break;
	case '/':
		r = jp_fail(s, "comments are not allowed in JSON");
		break;
	default:
		if (*s->p == '-' || jp_is_digit(*s->p)) {
			v->type = KC_JSON_NUMBER;
			r = jp_number(s, v);
		} else {
			r = jp_fail(s, "expected a JSON value, got %s",
				    jp_describe(s, buf, sizeof(buf)));
		}
		break;
	}
	return r;
}

/* Any value, in a new node of the arena. */
static int jp_value(struct kc_json_parser *s, struct kc_json **out)
{
	struct kc_json *v = jp_alloc(s, sizeof(*v));

	if (!v)
		return jp_fail_nomem(s);
	memset(v, 0, sizeof(*v));
	*out = v;
	return jp_value_into(s, v);
}

int kc_json_parse(const char *data, size_t len, const char *origin, struct kc_json **out,
		  struct kvmcpu_error *err)
{
	return kc_json_parse_limited(data, len, origin, SIZE_MAX, out, err);
}

int kc_json_parse_limited(const char *data, size_t len, const char *origin, size_t max_values,
			  struct kc_json **out, struct kvmcpu_error *err)
{
	struct kc_json_parser s = {
		.p = (const unsigned char *)data,
		.end = (const unsigned char *)data + len,
		.line = 1,
		.column = 1,
		.max_values = max_values,
		.origin = origin,
		.err = err,
	};
	struct kc_json_doc *doc;
	char buf[16];
	int r;

	*out = NULL;
	/* RFC 8259 section 8.1 lets a parser ignore a byte order mark. */
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		s.p += 3;
	jp_skip_space(&s);
	if (jp_eof(&s))
		return jp_fail(&s, "empty input: expected a JSON value");
	doc = calloc(1, sizeof(*doc));
	if (!doc)
		return jp_fail_nomem(&s);
	s.arena = &doc->blocks;
	r = jp_value_into(&s, &doc->root);
	if (!r) {
		jp_skip_space(&s);
		if (!jp_eof(&s))
			r = jp_fail(&s, "unexpected %s after the JSON value",
				    jp_describe(&s, buf, sizeof(buf)));
	}
	free(s.scratch.s);
	free(s.items.s);
	free(s.members.s);
	if (r) {
		kc_json_free(&doc->root);
		return r;
	}
	*out = &doc->root;
	return 0;
}

/* ---- access ---- */

enum kc_json_type kc_json_type(const struct kc_json *v)
{
	return v ? v->type : KC_JSON_NULL;
}

const char *kc_json_type_name(enum kc_json_type t)
{
	switch (t) {
	case KC_JSON_NULL:
		return "null";
	case KC_JSON_BOOL:
		return "boolean";
	case KC_JSON_NUMBER:
		return "number";
	case KC_JSON_STRING:
		return "string";
	case KC_JSON_ARRAY:
		return "array";
	case KC_JSON_OBJECT:
		return "object";
	}
	return "?";
}

unsigned kc_json_line(const struct kc_json *v)
{
	return v ? v->line : 0;
}

unsigned kc_json_column(const struct kc_json *v)
{
	return v ? v->column : 0;
}

size_t kc_json_count(const struct kc_json *v)
{
	if (!v)
		return 0;
	if (v->type == KC_JSON_ARRAY)
		return v->u.arr.n;
	if (v->type == KC_JSON_OBJECT)
		return v->u.obj.n;
	return 0;
}

const struct kc_json *kc_json_at(const struct kc_json *v, size_t i)
{
	if (i >= kc_json_count(v))
		return NULL;
	return v->type == KC_JSON_ARRAY ? v->u.arr.items[i] : v->u.obj.members[i].value;
}

const char *kc_json_key_at(const struct kc_json *v, size_t i)
{
	if (!v || v->type != KC_JSON_OBJECT || i >= v->u.obj.n)
		return NULL;
	return v->u.obj.members[i].key;
}

const struct kc_json *kc_json_get(const struct kc_json *v, const char *key)
{
	size_t i, len = strlen(key);

	if (!v || v->type != KC_JSON_OBJECT)
		return NULL;
	for (i = 0; i < v->u.obj.n; i++) {
		const struct kc_json_member *m = &v->u.obj.members[i];

		if (m->key_len == len && !memcmp(m->key, key, len))
			return m->value;
	}
	return NULL;
}

bool kc_json_bool(const struct kc_json *v, bool *out)
{
	if (!v || v->type != KC_JSON_BOOL)
		return false;
	*out = v->u.boolean;
	return true;
}

bool kc_json_is_integer(const struct kc_json *v)
{
	return v && v->type == KC_JSON_NUMBER && v->u.num.integer;
}

bool kc_json_u64(const struct kc_json *v, uint64_t *out)
{
	if (!kc_json_is_integer(v) || !v->u.num.fits_u64)
		return false;
	/* "-0" is zero; every other negative integer is out of range. */
	if (v->u.num.negative && v->u.num.magnitude)
		return false;
	*out = v->u.num.magnitude;
	return true;
}

bool kc_json_i64(const struct kc_json *v, int64_t *out)
{
	uint64_t m;

	if (!kc_json_is_integer(v) || !v->u.num.fits_u64)
		return false;
	m = v->u.num.magnitude;
	if (v->u.num.negative) {
		if (m > (uint64_t)INT64_MAX + 1)
			return false;
		*out = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
	} else {
		if (m > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)m;
	}
	return true;
}

bool kc_json_double(const struct kc_json *v, double *out)
{
	if (!v || v->type != KC_JSON_NUMBER)
		return false;
	/* The grammar checked above is a subset of what strtod accepts. */
	*out = strtod(v->u.num.text, NULL);
	return true;
}

const char *kc_json_str(const struct kc_json *v, size_t *len)
{
	if (!v || v->type != KC_JSON_STRING)
		return NULL;
	if (len)
		*len = v->u.str.len;
	return v->u.str.s;
}

const char *kc_json_number_text(const struct kc_json *v)
{
	if (!v || v->type != KC_JSON_NUMBER)
		return NULL;
	return v->u.num.text;
}
