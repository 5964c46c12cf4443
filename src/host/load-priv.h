/* SPDX-License-Identifier: MIT */
/*
 * The recorded formats, below the loader (src/host/load.c) and above the host
 * container (src/host/host.c): each reads into or writes from a host through
 * the container's calls only.
 */
#ifndef KC_HOST_LOAD_PRIV_H
#define KC_HOST_LOAD_PRIV_H

#include <stdio.h>

#include "host/host-priv.h"

/* The largest recording kvmcpu_host_load reads. */
#define KC_HOST_FILE_MAX ((size_t)64 << 20)

/*
 * The JSON reader builds a tree before it checks the host; a valid recording
 * has a few thousand values, so more than this is refused before it can cost
 * much memory (about 130 bytes per value).
 */
#define KC_HOST_JSON_MAX_VALUES 65536

int kc_host_parse_text(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		       struct kvmcpu_error *err);
/*
 * A JSON recording: the usual layout in one pass, anything else (and every
 * error) through kc_host_parse_json_tree, which builds a tree and names the
 * JSON path of what it rejects. Both give the same host for the same document.
 */
int kc_host_parse_json(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
		       struct kvmcpu_error *err);
int kc_host_parse_json_tree(struct kvmcpu_host *h, const char *data, size_t len, const char *origin,
			    struct kvmcpu_error *err);
/* The one-pass reader alone: 0 when it read the document, 1 when it leaves it to the tree. */
int kc_host_parse_json_usual(struct kvmcpu_host *h, const char *data, size_t len);
int kc_host_write_json(const struct kvmcpu_host *h, FILE *out, struct kvmcpu_error *err);
int kc_host_write_text(const struct kvmcpu_host *h, FILE *out, struct kvmcpu_error *err);

#endif
