/* SPDX-License-Identifier: MIT */
/* The CPU spec "MODEL[+feature|+no_feature|-feature]..." (kvmcpu_config_set_cpu). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kvmcpu/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvmcpu_config *cfg;
	struct kvmcpu_error err;
	if (!cfg && kvmcpu_config_new(&cfg, &err))
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (kvmcpu_config_set_cpu(cfg, text, &err) == 0) {
		volatile size_t n = strlen(kvmcpu_config_cpu(cfg));
		(void)n;
	}
	free(text);
	return 0;
}
