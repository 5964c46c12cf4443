/* SPDX-License-Identifier: MIT */
/* kvmcpu model NAME: one model's definition. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: kvmcpu model NAME [--json]\n\n"
		   "Shows a model's definition: identity, leaf limits, features by feature word,\n"
		   "the names that resolve to it, its version note and where it comes from.\n\n"
		   "  --json       one JSON object\n"
		   "  -h, --help   this text\n");
}

static void names_resolving_to(const struct kvmcpu_model *def, struct kc_jw *w)
{
	for (size_t i = 0; i < kvmcpu_model_count(); i++) {
		const struct kvmcpu_model *m = kvmcpu_model_at(i);
		if (m == def || kvmcpu_model_resolve_alias(m) != def)
			continue;
		if (w)
			kc_jw_str(w, kvmcpu_model_name(m));
		else
			printf(" %s", kvmcpu_model_name(m));
	}
}

/* Prints (or writes to @w) every feature of @word that the model has. */
static void features_of_word(const struct kvmcpu_model *m, size_t word, struct kc_jw *w)
{
	for (size_t f = 0; f < kvmcpu_feature_count(); f++) {
		const struct kvmcpu_feature_info *fi = kvmcpu_feature_at(f);
		if (fi->word != word || !kvmcpu_model_has_feature(m, fi))
			continue;
		if (w)
			kc_jw_str(w, fi->name);
		else
			printf(" %s", fi->name);
	}
}

static void print_text(const struct kvmcpu_model *named, const struct kvmcpu_model *m)
{
	printf("%s", kvmcpu_model_name(named));
	if (named != m)
		printf(" (resolves to %s)", kvmcpu_model_name(m));
	printf("\n  vendor      %s\n  family      %u (0x%x)\n  model       %u (0x%x)\n"
	       "  stepping    %u\n  brand       %s\n  level       0x%x\n  xlevel      0x%x\n",
	       kvmcpu_model_vendor(m), kvmcpu_model_family(m), kvmcpu_model_family(m),
	       kvmcpu_model_model(m), kvmcpu_model_model(m), kvmcpu_model_stepping(m),
	       kvmcpu_model_brand(m), kvmcpu_model_level(m), kvmcpu_model_xlevel(m));
	printf("  psABI       %s\n  note        %s\n  source      %s\n  also named ",
	       *kvmcpu_model_psabi(m) ? kvmcpu_model_psabi(m) : "-",
	       *kvmcpu_model_note(m) ? kvmcpu_model_note(m) : "-", kvmcpu_model_provenance(m));
	names_resolving_to(m, NULL);
	printf("\n  features (raw definition; 'kvmcpu cpuid' shows what a host gives):\n");
	for (size_t w = 0; w < kvmcpu_word_count(); w++) {
		uint64_t v = kvmcpu_model_word(m, w);
		if (!v)
			continue;
		const struct kvmcpu_word_info *wi = kvmcpu_word_at(w);
		printf("    %-24s 0x%016llx ", wi->name, (unsigned long long)v);
		features_of_word(m, w, NULL);
		printf("\n");
	}
}

static void print_json(const struct kvmcpu_model *named, const struct kvmcpu_model *m)
{
	struct kc_jw w;
	kc_jw_init(&w, stdout);
	kc_jw_obj_begin(&w);
	kc_jw_schema(&w, "model", 1);
	cli_json_model_identity(&w, named, m);
	kc_jw_kv_str(&w, "definition", kvmcpu_model_name(m));
	kc_jw_kv_str(&w, "brand", kvmcpu_model_brand(m));
	kc_jw_kv_u64(&w, "level", kvmcpu_model_level(m));
	kc_jw_kv_u64(&w, "xlevel", kvmcpu_model_xlevel(m));
	kc_jw_kv_str(&w, "note", kvmcpu_model_note(m));
	kc_jw_kv_str(&w, "provenance", kvmcpu_model_provenance(m));
	kc_jw_key(&w, "aliases");
	kc_jw_arr_begin_line(&w);
	names_resolving_to(m, &w);
	kc_jw_arr_end(&w);
	kc_jw_key(&w, "words");
	kc_jw_arr_begin(&w);
	for (size_t i = 0; i < kvmcpu_word_count(); i++) {
		uint64_t v = kvmcpu_model_word(m, i);
		if (!v)
			continue;
		kc_jw_obj_begin(&w);
		kc_jw_kv_str(&w, "name", kvmcpu_word_at(i)->name);
		kc_jw_kv_hex64(&w, "value", v);
		kc_jw_key(&w, "features");
		kc_jw_arr_begin_line(&w);
		features_of_word(m, i, &w);
		kc_jw_arr_end(&w);
		kc_jw_obj_end(&w);
	}
	kc_jw_arr_end(&w);
	kc_jw_obj_end(&w);
	kc_jw_end(&w);
}

int cmd_model(int argc, char **argv)
{
	struct cli_args a;
	int first;
	const struct cli_parser p = { .cmd = "model",
				      .shared = CLI_OPT_JSON | CLI_OPT_HELP,
				      .usage = usage,
				      .max_positional = 1 };
	int rc = cli_parse(&p, argc, argv, &a, &first);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	if (first + 1 != argc)
		return cli_usage("model", "give exactly one model name");
	bool json = a.json;
	struct kvmcpu_config *cfg;
	/* The config parser owns name lookup and did-you-mean suggestions. */
	const struct cli_args spec = { .cpu = argv[first] };
	rc = cli_make_config("model", &spec, &cfg);
	if (rc)
		return rc;
	kvmcpu_config_free(cfg);
	const struct kvmcpu_model *named = kvmcpu_model_find(argv[first]);
	if (!named) {
		return cli_usage("model",
				 "'%s' is not a named model (host and max take the host's CPU)",
				 argv[first]);
	}
	const struct kvmcpu_model *m = kvmcpu_model_resolve_alias(named);
	if (json)
		print_json(named, m);
	else
		print_text(named, m);
	return EXIT_OK;
}
