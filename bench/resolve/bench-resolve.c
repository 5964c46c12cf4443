/* SPDX-License-Identifier: MIT */
/*
 * In-process resolve time: kvmcpu_resolve() for every model name, on each
 * recorded host given on the command line and on the live /dev/kvm host.
 *
 *   bench-resolve [--rounds N] [--target-us US] [--no-live] HOSTFILE|DIR...
 *
 * Configs are built once per model; the timed loop is resolve + free, the
 * work a VMM does at vCPU creation. Prints the mean and the worst per-model
 * mean in microseconds, and PASS/FAIL against the target (exit 1 on FAIL).
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

/*
 * Times @rounds passes over all models on @host. Returns 0, or -1 when a
 * resolve fails for a reason other than the host missing the model's basics.
 */
static int bench_host(const char *label, const struct kvmcpu_host *host,
		      struct kvmcpu_config **cfgs, size_t n, const struct bench_opts *o,
		      double *mean_us, double *worst_us)
{
	struct kvmcpu_error err;
	struct kvmcpu_result *r;
	double total = 0, worst = 0;
	const char *worst_name = "";
	size_t resolved = 0;

	for (size_t i = 0; i < n; i++) {
		/* One untimed warm-up; also tells whether the model resolves at all. */
		if (kvmcpu_resolve(cfgs[i], host, &r, &err) < 0) {
			fprintf(stderr, "bench-resolve: %s: %s: %s\n", label,
				kvmcpu_config_cpu(cfgs[i]), err.message);
			return -1;
		}
		kvmcpu_result_free(r);

		double t0 = now_ns();
		for (unsigned k = 0; k < o->rounds; k++) {
			kvmcpu_resolve(cfgs[i], host, &r, NULL);
			kvmcpu_result_free(r);
		}
		double per = (now_ns() - t0) / o->rounds / 1e3;

		total += per;
		resolved++;
		if (per > worst) {
			worst = per;
			worst_name = kvmcpu_config_cpu(cfgs[i]);
		}
	}
	*mean_us = total / (double)resolved;
	*worst_us = worst;
	printf("resolve  %-28s %3zu models x %u rounds: mean %.2f us, worst %.2f us (%s)\n",
	       label, resolved, o->rounds, *mean_us, worst, worst_name);
	return 0;
}

static int is_host_file(const char *name)
{
	size_t len = strlen(name);

	return (len > 4 && strcmp(name + len - 4, ".txt") == 0 && strcmp(name, "README.txt") != 0) ||
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
