/* SPDX-License-Identifier: MIT */
/* The parameter string "hv=SPEC,cpu=SPEC,nested_virt" (kvmcpu_config_parse). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kvmcpu/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct kvmcpu_config *cfg = NULL;
	struct kvmcpu_error err;
	if (kvmcpu_config_parse(text, &cfg, &err) == 0) {
		/* Read back what was kept, so a bad pointer shows up under ASan. */
		const char *cpu = kvmcpu_config_cpu(cfg);
		const char *hv = kvmcpu_config_hv(cfg);
		volatile size_t n = (cpu ? strlen(cpu) : 0) + (hv ? strlen(hv) : 0);
		(void)n;
	}
	kvmcpu_config_free(cfg);
	free(text);
	return 0;
}
