/* SPDX-License-Identifier: MIT */
/*
 * Host sets: the paths of the recordings a cluster command reads. Only paths
 * are kept, so that a command can stream thousands of hosts through one host
 * object at a time. A file given twice (same device and inode, whatever the
 * spelling of its path) is an error: it would count one node twice.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cluster/cluster-priv.h"
#include "util/util.h"

struct file_id {
	dev_t dev;
	ino_t ino;
	size_t path; /* index of the path that had it first */
};

struct kvmcpu_host_set {
	char **paths;
	size_t n, cap;
	struct file_id *ids; /* open-addressing hash table of the files seen */
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
	for (size_t i = 0; i < set->n; i++)
		free(set->paths[i]);
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
	return set && i < set->n ? set->paths[i] : NULL;
}

int kvmcpu_host_set_load(const struct kvmcpu_host_set *set, size_t i, struct kvmcpu_host **out,
			 struct kvmcpu_error *err)
{
	if (!set || i >= set->n)
		return kc_fail(err, -ERANGE, NULL, "no host %zu in the set", i);
	return kvmcpu_host_load(set->paths[i], out, err);
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
	if ((set->nids + 1) * 2 <= set->capids)
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

/* One file: readable, a regular file, not in the set yet. */
static int add_file(struct kvmcpu_host_set *set, const char *path, const struct stat *st,
		    struct kvmcpu_error *err)
{
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
			       set->paths[set->ids[slot].path]);
	if (set->n == set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 64;
		char **p = realloc(set->paths, ncap * sizeof(*p));
		if (!p)
			return kc_fail(err, -ENOMEM, NULL, "out of memory");
		set->paths = p;
		set->cap = ncap;
	}
	set->paths[set->n] = strdup(path);
	if (!set->paths[set->n])
		return kc_fail(err, -ENOMEM, NULL, "out of memory");
	set->ids[slot] = (struct file_id){ st->st_dev, ino, set->n };
	set->nids++;
	set->n++;
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

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.json / *.txt regular file directly inside @dir, in name order. */
static int add_dir(struct kvmcpu_host_set *set, const char *dir, struct kvmcpu_error *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return kc_fail(err, -errno, "check the path and its permissions",
			       "cannot read host directory %s: %s", dir, strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;
	struct dirent *e;
	while (!r && (e = readdir(d))) {
		if (!is_recording_name(e->d_name))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **p = realloc(names, ncap * sizeof(*p));
			if (!p) {
				r = -ENOMEM;
				break;
			}
			names = p;
			cap = ncap;
		}
		names[n] = strdup(e->d_name);
		r = names[n] ? 0 : -ENOMEM;
		n += !r;
	}
	closedir(d);
	if (r)
		kc_fail(err, r, NULL, "out of memory");
	qsort(names, n, sizeof(*names), cmp_names);
	size_t added = 0;
	for (size_t i = 0; i < n && !r; i++) {
		size_t len = strlen(dir) + strlen(names[i]) + 2;
		char *path = malloc(len);
		if (!path) {
			r = kc_fail(err, -ENOMEM, NULL, "out of memory");
			break;
		}
		snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			r = add_file(set, path, &st, err);
			added += !r;
		}
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
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
	return add_file(set, path, &st, err);
}
