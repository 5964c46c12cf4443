/* SPDX-License-Identifier: MIT */
/* What the cluster subcommands share: host sets from arguments, differences as text and JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static int cluster_option(void *ctx, int key, const char *arg)
{
	struct cli_cluster_args *c = ctx;
	switch (key) {
	case 'D':
		c->dirs[c->ndirs++] = (char *)arg;
		return 0;
	case 'f':
		c->from = arg;
		return 0;
	case 't':
		c->to = arg;
		return 0;
	default:
		return EXIT_USAGE;
	}
}

int cli_cluster_parse(const char *cmd, unsigned shared, bool from_to, void (*usage)(FILE *f),
		      int argc, char **argv, struct cli_cluster_args *c)
{
	static const struct cli_opt with_pair[] = {
		{ "hosts", required_argument, 'D', true },
		{ "from", required_argument, 'f', false },
		{ "to", required_argument, 't', false },
		{ 0 },
	};
	static const struct cli_opt only_hosts[] = { { "hosts", required_argument, 'D', true },
						     { 0 } };
	*c = (struct cli_cluster_args){ .dirs = calloc((size_t)argc + 1, sizeof(char *)) };
	if (!c->dirs)
		return EXIT_HOST;
	const struct cli_parser q = {
		.cmd = cmd,
		.shared = shared | CLI_OPT_JSON | CLI_OPT_HELP,
		.own = from_to ? with_pair : only_hosts,
		.on_option = cluster_option,
		.ctx = c,
		.usage = usage,
		.max_positional = SIZE_MAX,
	};
	int first = 0;
	int rc = cli_parse(&q, argc, argv, &c->a, &first);
	if (rc) {
		free(c->dirs);
		c->dirs = NULL;
		return rc;
	}
	c->paths = argv + first;
	c->npaths = argc - first;
	return EXIT_OK;
}

void cli_cluster_args_free(struct cli_cluster_args *c)
{
	free(c->dirs);
	c->dirs = NULL;
}

int cli_host_set(const char *cmd, char **paths, int npaths, char **dirs, int ndirs,
		 size_t min_hosts, struct kvmcpu_host_set **out)
{
	struct kvmcpu_error err;
	struct kvmcpu_host_set *set;
	kvmcpu_error_clear(&err);
	if (kvmcpu_host_set_new(&set, &err))
		return cli_report(cmd, &err, EXIT_HOST);
	for (int i = 0; i < npaths + ndirs; i++) {
		const char *p = i < npaths ? paths[i] : dirs[i - npaths];
		if (kvmcpu_host_set_add(set, p, &err)) {
			kvmcpu_host_set_free(set);
			return cli_report(cmd, &err, EXIT_USAGE);
		}
	}
	size_t n = kvmcpu_host_set_count(set);
	if (n < min_hosts) {
		kvmcpu_host_set_free(set);
		if (!npaths && !ndirs)
			return cli_usage(cmd,
					 "no hosts: give host recordings (HOST... or --hosts DIR)");
		return cli_usage(cmd, "%zu host recording%s given, at least %zu needed", n,
				 n == 1 ? "" : "s", min_hosts);
	}
	*out = set;
	return EXIT_OK;
}

int cli_host_set_load(const char *cmd, const struct kvmcpu_host_set *set, size_t i,
		      struct kvmcpu_host **out)
{
	struct kvmcpu_error err;
	kvmcpu_error_clear(&err);
	if (kvmcpu_host_set_load(set, i, out, &err))
		return cli_report(cmd, &err, EXIT_USAGE);
	return EXIT_OK;
}

void cli_print_diff(FILE *f, const struct kvmcpu_diff *d, const char *indent)
{
	fprintf(f, "%s%-7s %s%s", indent, d->blocking ? kvmcpu_diff_kind_name(d->kind) : "note",
		d->subject, *d->a || *d->b ? ": " : "");
	if (*d->a || *d->b)
		fprintf(f, "%s -> %s", *d->a ? d->a : "-", *d->b ? d->b : "-");
	fprintf(f, "\n%s        %s\n", indent, d->reason);
	if (*d->fix)
		fprintf(f, "%s        fix: %s\n", indent, d->fix);
}

void cli_json_diff(struct kc_jw *w, const struct kvmcpu_diff *d)
{
	kc_jw_obj_begin(w);
	kc_jw_kv_str(w, "kind", kvmcpu_diff_kind_name(d->kind));
	kc_jw_kv_bool(w, "blocking", d->blocking);
	kc_jw_kv_str(w, "subject", d->subject);
	kc_jw_kv_str(w, "a", *d->a ? d->a : NULL);
	kc_jw_kv_str(w, "b", *d->b ? d->b : NULL);
	kc_jw_kv_str(w, "reason", d->reason);
	kc_jw_kv_str(w, "fix", *d->fix ? d->fix : NULL);
	kc_jw_obj_end(w);
}
