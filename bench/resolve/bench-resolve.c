/* SPDX-License-Identifier: MIT */
/*
 * In-process resolve time: kvmcpu_resolve() for every model name, on each
 * recorded host given on the command line and on the live /dev/kvm host.
 *
 *   bench-resolve [--rounds N] [--target-us US] [--no-live] HOSTFILE|DIR...
 *
 * Configs are built once per model; the timed loop is resolve + free, the
 * work a VMM does at vCPU creation. Prints, per host, the mean over models
 * and the slowest model in microseconds, and PASS/FAIL of the slowest host's
 * mean against the target (exit 1 on FAIL).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kvmcpu/kvmcpu.h>

struct bench_opts {
	unsigned rounds;
	double target_us;
	int live;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One config per model name; a model that does not parse is a broken table. */
static struct kvmcpu_config **make_configs(size_t n)
{
	struct kvmcpu_config **cfgs = calloc(n, sizeof(*cfgs));
	struct kvmcpu_error err;

	if (!cfgs)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *name = kvmcpu_model_name(kvmcpu_model_at(i));

		if (kvmcpu_config_new(&cfgs[i], &err) < 0 ||
		    kvmcpu_config_set_cpu(cfgs[i], name, &err) < 0) {
			fprintf(stderr, "bench-resolve: model %s: %s\n", name, err.message);
			exit(2);
		}
	}
	return cfgs;
}

/* Mean time of one resolve + free of @cfg, over @n calls, in microseconds. */
static double time_resolve(const struct kvmcpu_config *cfg, const struct kvmcpu_host *host,
			   unsigned n)
{
	struct kvmcpu_result *r;
	double t0 = now_ns();

	for (unsigned k = 0; k < n; k++) {
		kvmcpu_resolve(cfg, host, &r, NULL);
		kvmcpu_result_free(r);
	}
	return (now_ns() - t0) / n / 1e3;
}

/*
 * Times every model on @host. The rounds are split into PASSES passes over
 * all models, and each model keeps its best pass: on a shared machine the
 * other passes measure the neighbours, not the resolver. Returns 0, or -1
 * when a model does not resolve at all.
 */
#define PASSES 5
static int bench_host(const char *label, const struct kvmcpu_host *host,
		      struct kvmcpu_config **cfgs, size_t n, const struct bench_opts *o,
		      double *mean_us, double *worst_us)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *r;
	double *best = malloc(n * sizeof(*best));
	double total = 0, worst = 0;
	const char *worst_name = "";
	unsigned per_pass = o->rounds / PASSES ? o->rounds / PASSES : 1;

	if (!best)
		return -1;
	for (size_t i = 0; i < n; i++) {
		/* One untimed warm-up; also tells whether the model resolves at all. */
		if (kvmcpu_resolve(cfgs[i], host, &r, &err) < 0) {
			fprintf(stderr, "bench-resolve: %s: %s: %s\n", label,
				kvmcpu_config_cpu(cfgs[i]), err.message);
			free(best);
			return -1;
		}
		kvmcpu_result_free(r);
		best[i] = 1e30;
	}
	for (unsigned p = 0; p < PASSES; p++)
		for (size_t i = 0; i < n; i++) {
			double t = time_resolve(cfgs[i], host, per_pass);

			if (t < best[i])
				best[i] = t;
		}
	for (size_t i = 0; i < n; i++) {
		total += best[i];
		if (best[i] > worst) {
			worst = best[i];
			worst_name = kvmcpu_config_cpu(cfgs[i]);
		}
	}
	free(best);
	*mean_us = total / (double)n;
	*worst_us = worst;
	printf("resolve  %-28s %3zu models, best of %d x %u: mean %.2f us, slowest model %.2f us (%s)\n",
	       label, n, PASSES, per_pass, *mean_us, worst, worst_name);
	return 0;
}

static int is_host_file(const char *name)
{
	size_t len = strlen(name);

	return (len > 4 && strcmp(name + len - 4, ".txt") == 0 &&
		strcmp(name, "README.txt") != 0) ||
	       (len > 5 && strcmp(name + len - 5, ".json") == 0);
}

static int bench_file(const char *path, struct kvmcpu_config **cfgs, size_t n,
		      const struct bench_opts *o, double *worst_all)
{
	struct kvmcpu_host *host;
	struct kvmcpu_error err;
	double mean, worst;
	const char *base = strrchr(path, '/');
	int rc;

	if (kvmcpu_host_load(path, &host, &err) < 0) {
		fprintf(stderr, "bench-resolve: %s: %s\n", path, err.message);
		return -1;
	}
	rc = bench_host(base ? base + 1 : path, host, cfgs, n, o, &mean, &worst);
	kvmcpu_host_free(host);
	if (rc == 0 && mean > *worst_all)
		*worst_all = mean;
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Host files in @dir, sorted by name so runs print in the same order. */
static int bench_dir(const char *dir, struct kvmcpu_config **cfgs, size_t n,
		     const struct bench_opts *o, double *worst_all)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *names[256];
	size_t count = 0;
	int rc = 0;

	if (!d)
		return bench_file(dir, cfgs, n, o, worst_all);
	while ((de = readdir(d)) && count < 256)
		if (is_host_file(de->d_name))
			names[count++] = strdup(de->d_name);
	closedir(d);
	qsort(names, count, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < count; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (bench_file(path, cfgs, n, o, worst_all) < 0)
			rc = -1;
		free(names[i]);
	}
	return rc;
}

static int bench_live(struct kvmcpu_config **cfgs, size_t n, const struct bench_opts *o,
		      double *worst_all)
{
	struct kvmcpu_host *host;
	struct kvmcpu_error err;
	double mean, worst;
	int rc;

	if (kvmcpu_host_open_live(NULL, &host, &err) < 0) {
		printf("resolve  live: skipped, %s\n", err.message);
		return 0;
	}
	rc = bench_host("live:/dev/kvm", host, cfgs, n, o, &mean, &worst);
	kvmcpu_host_free(host);
	if (rc == 0 && mean > *worst_all)
		*worst_all = mean;
	return rc;
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .rounds = 200, .target_us = 10.0, .live = 1 };
	double worst_all = 0;
	int rc = 0, i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			o.rounds = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--target-us") == 0 && i + 1 < argc)
			o.target_us = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--no-live") == 0)
			o.live = 0;
		else {
			fprintf(stderr, "usage: bench-resolve [--rounds N] [--target-us US] "
					"[--no-live] HOSTFILE|DIR...\n");
			return 2;
		}
	}
	if (o.rounds == 0)
		o.rounds = 1;

	size_t n = kvmcpu_model_count();
	struct kvmcpu_config **cfgs = make_configs(n);

	if (!cfgs)
		return 2;
	for (; i < argc; i++)
		if (bench_dir(argv[i], cfgs, n, &o, &worst_all) < 0)
			rc = 1;
	if (o.live && bench_live(cfgs, n, &o, &worst_all) < 0)
		rc = 1;
	for (size_t k = 0; k < n; k++)
		kvmcpu_config_free(cfgs[k]);
	free(cfgs);

	int pass = rc == 0 && worst_all <= o.target_us;
	printf("resolve: slowest host mean %.2f us per resolve, target <= %.1f us: %s\n", worst_all,
	       o.target_us, pass ? "PASS" : "FAIL");
	return pass ? 0 : 1;
}
