/* SPDX-License-Identifier: MIT */
/*
 * VM create/apply/run/destroy cycles: no growth in open fds or resident
 * memory. argv[1] is the number of cycles (300 in the kvm suite, 10000 in slow).
 */
#include <dirent.h>

#include "kvm-test.h"

static unsigned open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;
	if (!d)
		return 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static long rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int cycle(const struct kvmcpu_result *r)
{
	struct kvmcpu_probe_report *rep = NULL;
	struct kvmcpu_error err;
	int rc = kvmcpu_probe_run(r, NULL, &rep, &err);
	if (rc)
		fprintf(stderr, "cycle failed: %s\n", err.message);
	kvmcpu_probe_report_free(rep);
	return rc;
}

int main(int argc, char **argv)
{
	require_kvm();
	long cycles = argc > 1 ? strtol(argv[1], NULL, 10) : 300;
	struct kvmcpu_host *host = live_host();
	struct kvmcpu_result *r = resolve_spec(host, "Skylake-Server", NULL);
	const long warmup = 20;
	for (long i = 0; i < warmup; i++)
		CHECK_EQ(cycle(r), 0);
	unsigned fds0 = open_fds();
	long rss0 = rss_kib();
	int failures = 0;
	for (long i = 0; i < cycles && failures < 5; i++)
		failures += cycle(r) != 0;
	CHECK_EQ(failures, 0);
	unsigned fds1 = open_fds();
	long rss1 = rss_kib();
	printf("%ld cycles: fds %u -> %u, RSS %ld -> %ld KiB\n", cycles, fds0, fds1, rss0, rss1);
	CHECK_EQ(fds1, fds0);
#if defined(__SANITIZE_ADDRESS__)
	/* ASan keeps freed memory in quarantine, so RSS grows by design; LSan checks leaks. */
	printf("RSS growth not checked under AddressSanitizer (freed memory is quarantined)\n");
#else
	CHECK(rss1 - rss0 < 2048);
#endif
	kvmcpu_result_free(r);
	kvmcpu_host_free(host);
	return check_finish("test-kvm-soak");
}
