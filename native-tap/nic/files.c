/* /run/mirrortunnel/nic/<PF>/: the state files ("key value" lines) and the PF's lock. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "nicemu.h"

void pf_path(char *buf, size_t len, const char *base, const char *pf, const char *leaf)
{
	snprintf(buf, len, "%s/%s%s%s", base, pf, leaf ? "/" : "", leaf ? leaf : "");
}

int kv_write(const char *path, const struct kv *kv, int n)
{
	char tmp[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return mt_err("cannot write %s: %s", tmp, strerror(errno));
	for (int i = 0; i < n; i++)
		fprintf(f, "%s %s\n", kv[i].key, kv[i].val);
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return mt_err("cannot write %s: %s", path, strerror(errno));
	}
	return 0;
}

/* Fills the values of the keys listed in kv; missing keys stay empty. -errno when unreadable. */
int kv_read(const char *path, struct kv *kv, int n)
{
	char line[256], key[32], val[NETNS_MAX + 1];
	FILE *f = fopen(path, "r");

	for (int i = 0; i < n; i++)
		kv[i].val[0] = '\0';
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %64s", key, val) != 2)
			continue;
		for (int i = 0; i < n; i++)
			if (!strcmp(kv[i].key, key))
				snprintf(kv[i].val, sizeof(kv[i].val), "%s", val);
	}
	fclose(f);
	return 0;
}

void pf_state_init(struct pf_state *st, const char *pf)
{
	static const char *const keys[KV_MAX] = { "switch_netns", "uplink_netns", "uplink_ifname", "uplink_mac" };

	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", pf);
	for (int i = 0; i < KV_MAX; i++)
		st->kv[i].key = keys[i];
}

int pf_state_read(struct pf_state *st, const char *pf)
{
	char path[PATH_MAX];

	pf_state_init(st, pf);
	pf_path(path, sizeof(path), RUN_DIR, pf, "pf");
	return kv_read(path, st->kv, KV_MAX);
}

void vf_kv_init(struct kv kv[2])
{
	kv[0].key = "netns";
	kv[1].key = "ifname";
	kv[0].val[0] = kv[1].val[0] = '\0';
}

void vf_file(char *buf, size_t len, const char *pf, __u32 vf)
{
	char leaf[16];

	snprintf(leaf, sizeof(leaf), "vf%u", vf);
	pf_path(buf, len, RUN_DIR, pf, leaf);
}

int lock_pf(const char *pf)
{
	char path[PATH_MAX];
	int fd;

	pf_path(path, sizeof(path), RUN_DIR, pf, NULL);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		close(fd);
		return -errno;
	}
	return fd;
}
