/* SPDX-License-Identifier: MIT */
/*
 * kvmcpu matrix: models x hosts as one self-contained picture (SVG or HTML, no
 * network, no script). Hosts with the same runnable set share a column, so ten
 * thousand hosts stay readable; models are ordered by generation, then version.
 * A red cell's tooltip lists what its hosts lack, with how many hosts lack each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: kvmcpu matrix (--svg FILE | --html FILE) HOST... | --hosts DIR\n\n"
		   "Draws which models run on which hosts: green where a model runs unchanged,\n"
		   "red where it does not, with the missing features in the cell's tooltip.\n"
		   "Hosts with identical results share a column; models are ordered by\n"
		   "generation. The file is self-contained (no network, no script).\n\n"
		   "  --svg FILE    write an SVG image\n"
		   "  --html FILE   write an HTML page\n"
		   "  --hosts DIR   every *.json and *.txt recording in DIR (repeatable)\n"
		   "  -h, --help    this text\n\n"
		   "Exit status: 0 written, 2 bad input, 4 the file could not be written.\n");
}

/* The rows: concrete models (no aliases) of the vendors present, and the psABI levels. */
struct rows {
	const struct kvmcpu_model **m;
	size_t n;
};

/* One column: the hosts whose runnable set is @runs. */
struct group {
	unsigned char *runs; /* one byte per row */
	char **missing; /* per row: "feat (count) ..." accumulated, or NULL */
	size_t nhosts;
	char first[128]; /* the first host's name */
};

struct matrix {
	struct rows rows;
	char vendors[4][13]; /* the hosts' vendors: rows of other vendors are left out */
	size_t nvendors;
	struct group *g;
	size_t ng, capg;
	size_t nhosts;
};

static int cmp_rows(const void *x, const void *y)
{
	const struct kvmcpu_model *a = *(const struct kvmcpu_model *const *)x;
	const struct kvmcpu_model *b = *(const struct kvmcpu_model *const *)y;
	unsigned ga = kvmcpu_model_generation(a), gb = kvmcpu_model_generation(b);
	if (ga != gb)
		return ga < gb ? -1 : 1;
	return strcmp(kvmcpu_model_name(a), kvmcpu_model_name(b));
}

static int pick_rows(struct rows *r)
{
	r->m = calloc(kvmcpu_model_count(), sizeof(*r->m));
	if (!r->m)
		return -1;
	for (size_t i = 0; i < kvmcpu_model_count(); i++) {
		const struct kvmcpu_model *m = kvmcpu_model_at(i);
		if (!kvmcpu_model_alias_of(m))
			r->m[r->n++] = m;
	}
	qsort(r->m, r->n, sizeof(*r->m), cmp_rows);
	return 0;
}

/* Adds "name" to a space-separated list of "name(count)" items, counting repeats. */
static char *count_feature(char *list, const char *name)
{
	size_t len = strlen(name);
	for (char *p = list; p && (p = strstr(p, name)); p += len) {
		if ((p == list || p[-1] == ' ') && p[len] == '(') {
			unsigned n = (unsigned)strtoul(p + len + 1, NULL, 10);
			char *close = strchr(p, ')');
			char num[16];
			snprintf(num, sizeof(num), "(%u)", n + 1);
			size_t rest = strlen(close + 1), head = (size_t)(p - list) + len;
			char *out = malloc(head + strlen(num) + rest + 1);
			if (!out)
				return list;
			memcpy(out, list, head);
			snprintf(out + head, strlen(num) + rest + 1, "%s%s", num, close + 1);
			free(list);
			return out;
		}
	}
	size_t old = list ? strlen(list) : 0;
	char *out = realloc(list, old + len + 8);
	if (!out)
		return list;
	snprintf(out + old, len + 8, "%s%s(1)", old ? " " : "", name);
	return out;
}

static struct group *group_for(struct matrix *mx, const unsigned char *runs, const char *host)
{
	for (size_t i = 0; i < mx->ng; i++)
		if (!memcmp(mx->g[i].runs, runs, mx->rows.n))
			return &mx->g[i];
	if (mx->ng == mx->capg) {
		size_t ncap = mx->capg ? mx->capg * 2 : 16;
		struct group *p = realloc(mx->g, ncap * sizeof(*p));
		if (!p)
			return NULL;
		mx->g = p;
		mx->capg = ncap;
	}
	struct group *g = &mx->g[mx->ng];
	size_t rows = mx->rows.n ? mx->rows.n : 1; /* at least one byte: malloc(0) may be NULL */
	*g = (struct group){ .runs = malloc(rows), .missing = calloc(rows, sizeof(char *)) };
	if (!g->runs || !g->missing) {
		free(g->runs);
		free(g->missing);
		return NULL;
	}
	memcpy(g->runs, runs, mx->rows.n);
	snprintf(g->first, sizeof(g->first), "%s", host);
	mx->ng++;
	return g;
}

/* One host: its verdict for every row, folded into its group; the host is not kept. */
static int add_host(struct matrix *mx, const struct kvmcpu_host *host)
{
	unsigned char *runs = calloc(mx->rows.n ? mx->rows.n : 1, 1);
	struct kvmcpu_fit **fits = calloc(mx->rows.n ? mx->rows.n : 1, sizeof(*fits));
	int rc = runs && fits ? EXIT_OK : EXIT_HOST;
	for (size_t i = 0; i < mx->rows.n && !rc; i++) {
		struct kvmcpu_error err;
		struct kvmcpu_config *cfg = NULL;
		if (kvmcpu_config_new(&cfg, &err) ||
		    kvmcpu_config_set_cpu(cfg, kvmcpu_model_name(mx->rows.m[i]), &err) ||
		    kvmcpu_fit_check(cfg, host, &fits[i], &err))
			rc = cli_report("matrix", &err, cli_exit_for(err.code));
		else
			runs[i] = kvmcpu_fit_ok(fits[i]);
		kvmcpu_config_free(cfg);
	}
	struct group *g = rc ? NULL : group_for(mx, runs, kvmcpu_host_origin(host));
	if (!rc && !g)
		rc = EXIT_HOST;
	for (size_t i = 0; g && i < mx->rows.n; i++)
		for (size_t k = 0; k < kvmcpu_fit_count(fits[i]); k++)
			g->missing[i] = count_feature(g->missing[i],
						      kvmcpu_fit_at(fits[i], k)->subject);
	if (g)
		g->nhosts++;
	const char *v = kvmcpu_host_vendor(host);
	bool known = false;
	for (size_t i = 0; i < mx->nvendors; i++)
		known |= !strcmp(mx->vendors[i], v);
	if (g && !known && mx->nvendors < 4)
		snprintf(mx->vendors[mx->nvendors++], sizeof(mx->vendors[0]), "%s", v);
	for (size_t i = 0; fits && i < mx->rows.n; i++)
		kvmcpu_fit_free(fits[i]);
	free(fits);
	free(runs);
	mx->nhosts += !rc;
	return rc;
}

/* Text for XML: the five special characters escaped, the rest as it is. */
static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

/* A row is drawn when it is a psABI level or of a vendor the hosts have. */
static bool shown(const struct matrix *mx, size_t row)
{
	const struct kvmcpu_model *m = mx->rows.m[row];
	if (kvmcpu_model_is_psabi_level(m))
		return true;
	for (size_t i = 0; i < mx->nvendors; i++)
		if (!strcmp(kvmcpu_model_vendor(m), mx->vendors[i]))
			return true;
	return false;
}

static size_t shown_count(const struct matrix *mx)
{
	size_t n = 0;
	for (size_t i = 0; i < mx->rows.n; i++)
		n += shown(mx, i);
	return n;
}

static void column_label(FILE *f, const struct group *g)
{
	xml_text(f, g->first);
	if (g->nhosts > 1)
		fprintf(f, " +%zu", g->nhosts - 1);
}

static void write_html(FILE *f, const struct matrix *mx)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>kvmcpu matrix</title>\n<style>\n"
	      "body{font:13px sans-serif;margin:1em}\n"
	      "table{border-collapse:collapse}\n"
	      "th,td{border:1px solid #ccc;padding:2px 6px;text-align:center}\n"
	      "th.host{writing-mode:vertical-rl;white-space:nowrap;font-weight:normal}\n"
	      "th.model{text-align:left;white-space:nowrap}\n"
	      "td.yes{background:#3a3}td.no{background:#d33;color:#fff}\n"
	      "</style>\n</head>\n<body>\n",
	      f);
	fprintf(f,
		"<h1>kvmcpu matrix</h1>\n<p>%zu hosts in %zu groups of identical results; "
		"%zu models by generation. Hover a red cell for what its hosts lack (with how "
		"many lack it).</p>\n<table>\n<thead><tr><th>model</th>",
		mx->nhosts, mx->ng, shown_count(mx));
	for (size_t j = 0; j < mx->ng; j++) {
		fprintf(f, "<th class=\"host\" title=\"%zu host%s\">", mx->g[j].nhosts,
			mx->g[j].nhosts == 1 ? "" : "s");
		column_label(f, &mx->g[j]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (size_t i = 0; i < mx->rows.n; i++) {
		const char *name = kvmcpu_model_name(mx->rows.m[i]);
		if (!shown(mx, i))
			continue;
		fputs("<tr><th class=\"model\">", f);
		xml_text(f, name);
		fputs("</th>", f);
		for (size_t j = 0; j < mx->ng; j++) {
			const struct group *g = &mx->g[j];
			fprintf(f, "<td class=\"%s\" data-model=\"", g->runs[i] ? "yes" : "no");
			xml_text(f, name);
			fprintf(f, "\" data-group=\"%zu\" title=\"", j);
			if (g->runs[i])
				fputs("runs", f);
			else
				xml_text(f, g->missing[i] ? g->missing[i] : "");
			fprintf(f, "\">%s</td>", g->runs[i] ? "&#10003;" : "&#10007;");
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n</body>\n</html>\n", f);
}

static void write_svg(FILE *f, const struct matrix *mx)
{
	const int cell = 14, left = 210, top = 160;
	int width = left + (int)mx->ng * cell + 10, height = top + (int)shown_count(mx) * cell + 10;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"sans-serif\" font-size=\"11\">\n"
		"<title>kvmcpu matrix: %zu hosts in %zu groups, %zu models</title>\n",
		width, height, mx->nhosts, mx->ng, shown_count(mx));
	for (size_t j = 0; j < mx->ng; j++) {
		int x = left + (int)j * cell + cell / 2 + 4;
		fprintf(f, "<text transform=\"translate(%d,%d) rotate(-90)\">", x, top - 4);
		column_label(f, &mx->g[j]);
		fputs("</text>\n", f);
	}
	for (size_t i = 0, row = 0; i < mx->rows.n; i++) {
		if (!shown(mx, i))
			continue;
		int y = top + (int)row++ * cell;
		fprintf(f, "<text x=\"4\" y=\"%d\">", y + cell - 3);
		xml_text(f, kvmcpu_model_name(mx->rows.m[i]));
		fputs("</text>\n", f);
		for (size_t j = 0; j < mx->ng; j++) {
			const struct group *g = &mx->g[j];
			fprintf(f,
				"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
				"stroke=\"#fff\"><title>",
				left + (int)j * cell, y, cell, cell, g->runs[i] ? "#3a3" : "#d33");
			xml_text(f, kvmcpu_model_name(mx->rows.m[i]));
			fputs(": ", f);
			if (g->runs[i])
				fputs("runs", f);
			else
				xml_text(f, g->missing[i] ? g->missing[i] : "");
			fputs("</title></rect>\n", f);
		}
	}
	fputs("</svg>\n", f);
}

static void matrix_free(struct matrix *mx)
{
	for (size_t j = 0; j < mx->ng; j++) {
		for (size_t i = 0; i < mx->rows.n; i++)
			free(mx->g[j].missing[i]);
		free(mx->g[j].missing);
		free(mx->g[j].runs);
	}
	free(mx->g);
	free(mx->rows.m);
}

static int write_file(const char *path, const struct matrix *mx, bool svg)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return EXIT_OUTPUT;
	}
	svg ? write_svg(f, mx) : write_html(f, mx);
	bool bad = ferror(f) != 0;
	if (fclose(f) || bad) {
		fprintf(stderr, "kvmcpu matrix: cannot write %s\n", path);
		return EXIT_OUTPUT;
	}
	return EXIT_OK;
}

int cmd_matrix(int argc, char **argv)
{
	/* The cluster options (--hosts) plus the two outputs, parsed in two rounds. */
	const char *svg = NULL, *html = NULL;
	int kept = 1;
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	if (!rest)
		return EXIT_HOST;
	rest[0] = argv[0];
	for (int i = 1; i < argc; i++) {
		bool is_svg = !strcmp(argv[i], "--svg"), is_html = !strcmp(argv[i], "--html");
		if ((is_svg || is_html) && i + 1 < argc) {
			const char **slot = is_svg ? &svg : &html;
			if (*slot) {
				free(rest);
				return cli_usage("matrix", "%s given twice", argv[i]);
			}
			*slot = argv[++i];
		} else {
			rest[kept++] = argv[i];
		}
	}
	struct cli_cluster_args ca;
	int rc = cli_cluster_parse("matrix", 0, false, usage, kept, rest, &ca);
	if (rc) {
		free(rest);
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	}
	if (!svg == !html)
		rc = cli_usage("matrix", "give one of --svg FILE and --html FILE");
	struct kvmcpu_host_set *set = NULL;
	if (!rc)
		rc = cli_host_set("matrix", ca.paths, ca.npaths, ca.dirs, ca.ndirs, 1, &set);
	cli_cluster_args_free(&ca);
	free(rest);
	struct matrix mx = { 0 };
	if (!rc && pick_rows(&mx.rows))
		rc = EXIT_HOST;
	for (size_t i = 0; !rc && i < kvmcpu_host_set_count(set); i++) {
		struct kvmcpu_host *h = NULL;
		rc = cli_host_set_load("matrix", set, i, &h);
		if (!rc)
			rc = add_host(&mx, h);
		kvmcpu_host_free(h);
	}
	if (!rc)
		rc = write_file(svg ? svg : html, &mx, svg != NULL);
	matrix_free(&mx);
	kvmcpu_host_set_free(set);
	return rc;
}
