/* SPDX-License-Identifier: MIT */
/* Recorded host import, JSON or text (kvmcpu_host_load_mem), then a write-back. */
#include <stdint.h>
#include <stdio.h>

#include "kvmcpu/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvmcpu_host *h = NULL;
	struct kvmcpu_error err;
	if (kvmcpu_host_load_mem((const char *)data, size, "fuzz", &h, &err) == 0) {
		FILE *sink = fopen("/dev/null", "w");
		if (sink) {
			kvmcpu_host_save(h, sink, KVMCPU_HOST_TEXT, &err);
			kvmcpu_host_save(h, sink, KVMCPU_HOST_JSON, &err);
			fclose(sink);
		}
	}
	kvmcpu_host_free(h);
	return 0;
}
