/* SPDX-License-Identifier: MIT */
/* Helpers shared by 'kvmcpu run' and 'kvmcpu verify'. */
#ifndef KVMCPU_CLI_PROBE_PRINT_H
#define KVMCPU_CLI_PROBE_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* Writes the feature names of @mask in CPUID register (leaf, subleaf, reg), "bit N" when unnamed. */
void pp_bit_names(uint32_t leaf, uint32_t subleaf, int reg, uint32_t mask, char *buf, size_t len);
/*
 * Opens the live host on @dev (NULL: /dev/kvm); prints the error and returns
 * EXIT_USAGE when a --dev path names no KVM device, EXIT_HOST otherwise.
 */
int pp_open_live(const char *cmd, const char *dev, struct kvmcpu_host **out);
/* Parses a timeout in milliseconds (1..600000); false on junk. */
bool pp_parse_ms(const char *s, unsigned *out);
/* Writes one compared register as a JSON object. */
void pp_json_row(struct kc_jw *w, const struct kvmcpu_probe_row *row);
/* Writes the calibration's host-forced registers as a JSON array. */
void pp_json_calibration(struct kc_jw *w, const struct kvmcpu_probe_calibration *cal);

#endif
