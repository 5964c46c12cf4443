/* SPDX-License-Identifier: MIT */
/* Recorded host import, JSON or text (kvmcpu_host_load_mem), then a write-back. */
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "kvmcpu/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvmcpu_host *h = NULL;
	struct kvmcpu_error err;
	if (kvmcpu_host_load_mem((const char *)data, size, "fuzz", &h, &err) == 0) {
		size_t len = 0;
		kvmcpu_host_save_mem(h, KVMCPU_HOST_TEXT, NULL, 0, &len, &err);
		char *buf = malloc(len + 1);
		if (buf)
			kvmcpu_host_save_mem(h, KVMCPU_HOST_TEXT, buf, len + 1, NULL, &err);
		free(buf);
		int sink = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (sink >= 0) {
			kvmcpu_host_save(h, sink, KVMCPU_HOST_JSON, &err);
			close(sink);
		}
	}
	kvmcpu_host_free(h);
	return 0;
}
