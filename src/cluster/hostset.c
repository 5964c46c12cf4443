/* SPDX-License-Identifier: MIT */
/*
 * Host sets: the paths of the recordings a cluster command reads. Only paths
 * are kept, so that a command can stream thousands of hosts through one host
 * object at a time. A file given twice (same device and inode, whatever the
 * spelling of its path) is an error: it would count one node twice.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cluster/cluster-priv.h"
#include "util/util.h"

struct file_id {
	dev_t dev;
	ino_t ino; /* 0: a free slot */
};

/*
 * The paths live in one growing buffer (offsets into it), and the files seen in an
 * open-addressing table of (device, inode): about 60 bytes per recording, so that
 * 10,000 hosts cost well under a megabyte besides the one host being read.
 */
struct kvmcpu_host_set {
	char *arena;
	size_t used, size;
	uint32_t *paths; /* offsets into arena */
	size_t n, cap;
	struct file_id *ids;
	size_t nids, capids;
};

int kvmcpu_host_set_new(struct kvmcpu_host_set **out, struct kvmcpu_error *err)
{
	if (!out)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_host_set_new needs *out");
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : kc_fail(err, -ENOMEM, NULL, "out of memory");
}

void kvmcpu_host_set_free(struct kvmcpu_host_set *set)
{
	if (!set)
		return;
	free(set->arena);
	free(set->paths);
	free(set->ids);
	free(set);
}

size_t kvmcpu_host_set_count(const struct kvmcpu_host_set *set)
{
	return set ? set->n : 0;
}

const char *kvmcpu_host_set_path(const struct kvmcpu_host_set *set, size_t i)
{
	return set && i < set->n ? set->arena + set->paths[i] : NULL;
}

int kvmcpu_host_set_load(const struct kvmcpu_host_set *set, size_t i, struct kvmcpu_host **out,
			 struct kvmcpu_error *err)
{
	if (!set || i >= set->n)
		return kc_fail(err, -ERANGE, NULL, "no host %zu in the set", i);
	return kvmcpu_host_load(kvmcpu_host_set_path(set, i), out, err);
}

/* Copies "@dir/@name" (or @name alone when @dir is NULL) into the arena; its offset or -1. */
static long arena_put(struct kvmcpu_host_set *set, const char *dir, const char *name)
{
	bool slash = dir && *dir && dir[strlen(dir) - 1] != '/';
	size_t len = (dir ? strlen(dir) + slash : 0) + strlen(name) + 1;
	if (set->used + len > UINT32_MAX)
		return -1;
	if (set->used + len > set->size) {
		size_t nsize = set->size ? set->size * 2 : 4096;
		while (nsize < set->used + len)
			nsize *= 2;
		char *p = realloc(set->arena, nsize);
		if (!p)
			return -1;
		set->arena = p;
		set->size = nsize;
	}
	long off = (long)set->used;
	snprintf(set->arena + set->used, len, "%s%s%s", dir ? dir : "", slash ? "/" : "", name);
	set->used += len;
	return off;
}

static size_t id_slot(const struct file_id *ids, size_t cap, dev_t dev, ino_t ino)
{
	size_t h = ((size_t)ino * 0x9e3779b97f4a7c15ull ^ (size_t)dev) & (cap - 1);
	while (ids[h].ino && !(ids[h].ino == ino && ids[h].dev == dev))
		h = (h + 1) & (cap - 1);
	return h;
}

static int grow_ids(struct kvmcpu_host_set *set)
{
	if ((set->nids + 1) * 4 <= set->capids * 3)
		return 0;
	size_t ncap = set->capids ? set->capids * 2 : 64;
	struct file_id *ids = calloc(ncap, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < set->capids; i++)
		if (set->ids[i].ino)
			ids[id_slot(ids, ncap, set->ids[i].dev, set->ids[i].ino)] = set->ids[i];
	free(set->ids);
	set->ids = ids;
	set->capids = ncap;
	return 0;
}

/* The path already in the set that is the same file (for the message; rare). */
static const char *first_path_of(const struct kvmcpu_host_set *set, const struct stat *st)
{
	for (size_t i = 0; i < set->n; i++) {
		struct stat other;
		const char *p = kvmcpu_host_set_path(set, i);
		if (!stat(p, &other) && other.st_dev == st->st_dev && other.st_ino == st->st_ino)
			return p;
	}
	return "an earlier one";
}

/* One file, its path at @off of the arena: readable, not in the set yet. */
static int add_file(struct kvmcpu_host_set *set, long off, const struct stat *st,
		    struct kvmcpu_error *err)
{
	const char *path = set->arena + off;
	if (access(path, R_OK))
		return kc_fail(err, -errno, "check the path and its permissions",
			       "cannot read host recording %s: %s", path, strerror(errno));
	if (grow_ids(set))
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	/* Inode 0 marks a free slot; no real file has it. */
	ino_t ino = st->st_ino ? st->st_ino : 1;
	size_t slot = id_slot(set->ids, set->capids, st->st_dev, ino);
	if (set->ids[slot].ino)
		return kc_fail(err, -EEXIST, "give every node's recording once",
			       "%s is the same file as %s: one host given twice", path,
			       first_path_of(set, st));
	if (kc_grow((void **)&set->paths, &set->cap, set->n + 1, sizeof(*set->paths)))
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	set->paths[set->n++] = (uint32_t)off;
	set->ids[slot] = (struct file_id){ st->st_dev, ino };
	set->nids++;
	return 0;
}

static bool is_recording_name(const char *name)
{
	size_t len = strlen(name);
	if (name[0] == '.')
		return false;
	return (len > 5 && !strcmp(name + len - 5, ".json")) ||
	       (len > 4 && !strcmp(name + len - 4, ".txt"));
}

static int cmp_offsets(const void *a, const void *b, void *arena)
{
	return strcmp((const char *)arena + *(const uint32_t *)a,
		      (const char *)arena + *(const uint32_t *)b);
}

/* Every *.json / *.txt regular file directly inside @dir, in name order. */
static int add_dir(struct kvmcpu_host_set *set, const char *dir, struct kvmcpu_error *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return kc_fail(err, -errno, "check the path and its permissions",
			       "cannot read host directory %s: %s", dir, strerror(errno));
	uint32_t *found = NULL;
	size_t n = 0, cap = 0;
	int r = 0;
	struct dirent *e;
	while (!r && (e = readdir(d))) {
		if (!is_recording_name(e->d_name))
			continue;
		long off = arena_put(set, dir, e->d_name);
		if (off < 0 || kc_grow((void **)&found, &cap, n + 1, sizeof(*found)))
			r = kc_fail(err, -ENOMEM, NULL, "out of memory");
		else
			found[n++] = (uint32_t)off;
	}
	closedir(d);
	if (!r && n)
		qsort_r(found, n, sizeof(*found), cmp_offsets, set->arena);
	size_t added = 0;
	for (size_t i = 0; i < n && !r; i++) {
		struct stat st;
		if (stat(set->arena + found[i], &st) == 0 && S_ISREG(st.st_mode)) {
			r = add_file(set, (long)found[i], &st, err);
			added += !r;
		}
	}
	free(found);
	if (!r && !added)
		r = kc_fail(err, -ENOENT,
			    "record each node with 'kvmcpu host --json > DIR/NODE.json'",
			    "no host recordings (*.json, *.txt) in directory %s", dir);
	return r;
}

int kvmcpu_host_set_add(struct kvmcpu_host_set *set, const char *path, struct kvmcpu_error *err)
{
	if (!set || !path || !*path)
		return kc_fail(err, -EINVAL, NULL, "kvmcpu_host_set_add needs a set and a path");
	struct stat st;
	if (stat(path, &st))
		return kc_fail(err, -errno, "check the path and its permissions",
			       "cannot read host recording %s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return add_dir(set, path, err);
	size_t mark = set->used;
	long off = arena_put(set, NULL, path);
	if (off < 0)
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	int r = add_file(set, off, &st, err);
	if (r)
		set->used = mark;
	return r;
}
