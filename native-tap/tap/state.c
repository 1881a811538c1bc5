/* mtapctl's state: the pinned maps of every tapped DEV in the namespace. The session maps are the only
 * record of what was attached; a bpffs lock serialises the writers. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ctl.h"
#include "tap.skel.h"
#include "tap_snap.skel.h"

const char *g_netns;
bool g_json;
bool g_events;
char g_root[PATH_MAX];

const char *path_of(char *buf, const char *dir, const char *leaf)
{
	if (leaf)
		snprintf(buf, PATH_MAX, "%.1024s/%.64s/%.64s", g_root, dir, leaf);
	else
		snprintf(buf, PATH_MAX, "%.1024s/%.64s", g_root, dir);
	return buf;
}

int pin_get(const char *dir, const char *leaf)
{
	char p[PATH_MAX];

	return bpf_obj_get(path_of(p, dir, leaf));
}

bool exists(const char *dir, const char *leaf)
{
	char p[PATH_MAX];
	struct stat st;

	return stat(path_of(p, dir, leaf), &st) == 0;
}

static int make_dir(const char *dir)
{
	char p[PATH_MAX];

	return mt_mkdirs(path_of(p, dir, NULL));
}

void remove_dir(const char *dir)
{
	char p[PATH_MAX];

	mt_rmtree(path_of(p, dir, NULL));
}

/* Loads an embedded object and pins its maps and programs under dir, each by its own name:
 * a DEV gets maps sessions, active, stats and programs tap_ingress, tap_egress (tap.bpf.c);
 * a tunnel gets map snaplen and program tap_snaplen (tap_snap.bpf.c). Their hooks' links are pinned
 * there too (reconcile.c), unless the directory has TC_HOOKS. */
static int pin_new(const void *elf, size_t size, const char *dir)
{
	struct bpf_object *obj = bpf_object__open_mem(elf, size, NULL);
	char p[PATH_MAX];
	int err = libbpf_get_error(obj);

	if (err)
		return mt_err("cannot open the eBPF object for %s: %s", dir, strerror(-err));
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return mt_err("cannot load the eBPF programs for %s: %s", dir, strerror(-err));
	}
	err = make_dir(dir);
	path_of(p, dir, NULL);
	err = err ?: bpf_object__pin_maps(obj, p);
	err = err ?: bpf_object__pin_programs(obj, p);
	/* The kind of hook its programs get, for the directory's lifetime. */
	if (!err && !mt_hook_tcx() && mkdir(path_of(p, dir, TC_HOOKS), 0700))
		err = -errno;
	bpf_object__close(obj);
	if (err) {
		remove_dir(dir);
		return mt_err("cannot pin under %s: %s", p, strerror(-err));
	}
	return 0;
}

int dev_pin_new(const char *dev)
{
	size_t size;
	const void *elf = tap_bpf__elf_bytes(&size);

	return pin_new(elf, size, dev);
}

int tunnel_pin_new(const char *dir)
{
	size_t size;
	const void *elf = tap_snap_bpf__elf_bytes(&size);

	return pin_new(elf, size, dir);
}

static int read_sessions(const char *dev, struct tap_session *s)
{
	int fd = pin_get(dev, "sessions");

	if (fd < 0)
		return mt_err("cannot open the sessions of %s: %s", dev, strerror(errno));
	for (__u32 i = 0; i < TAP_MAX_SESSIONS; i++) {
		if (bpf_map_lookup_elem(fd, &i, &s[i])) {
			close(fd);
			return mt_err("cannot read the sessions of %s: %s", dev, strerror(errno));
		}
	}
	close(fd);
	return 0;
}

int write_sessions(const char *dev, const struct tap_session *s)
{
	int fd = pin_get(dev, "sessions");

	if (fd < 0)
		return mt_err("cannot open the sessions of %s: %s", dev, strerror(errno));
	for (__u32 i = 0; i < TAP_MAX_SESSIONS; i++) {
		if (bpf_map_update_elem(fd, &i, &s[i], BPF_ANY)) {
			close(fd);
			return mt_err("cannot write the sessions of %s: %s", dev, strerror(errno));
		}
	}
	close(fd);
	return 0;
}

int write_session(const char *dev, __u32 slot, const struct tap_session *s)
{
	int fd = pin_get(dev, "sessions"), err = 0;

	if (fd < 0)
		return mt_err("cannot open the sessions of %s: %s", dev, strerror(errno));
	if (bpf_map_update_elem(fd, &slot, s, BPF_ANY))
		err = mt_err("cannot write the sessions of %s: %s", dev, strerror(errno));
	close(fd);
	return err;
}

int state_load(struct state *st)
{
	DIR *d = opendir(g_root);
	struct dirent *de;
	int err = 0;

	st->n = 0;
	if (!d)
		return errno == ENOENT ? 0 : mt_err("cannot read %s: %s", g_root, strerror(errno));
	while ((de = readdir(d)) && !err) {
		struct dev_state *ds;

		if (de->d_name[0] == '.' || !strncmp(de->d_name, TUNNEL_PREFIX, strlen(TUNNEL_PREFIX)) ||
		    !mt_ifname_valid(de->d_name) || !exists(de->d_name, "sessions"))
			continue;
		if (st->n == MAX_DEVS) {
			err = mt_err("more than %d devices under %s", MAX_DEVS, g_root);
			break;
		}
		ds = &st->dev[st->n++];
		memcpy(ds->name, de->d_name, strlen(de->d_name) + 1); /* valid names fit */
		err = read_sessions(ds->name, ds->s);
	}
	closedir(d);
	return err;
}

struct dev_state *state_find(struct state *st, const char *dev)
{
	for (int i = 0; i < st->n; i++)
		if (!strcmp(st->dev[i].name, dev))
			return &st->dev[i];
	return NULL;
}

int slot_of(const struct dev_state *ds, __u32 id)
{
	for (int i = 0; i < TAP_MAX_SESSIONS; i++)
		if (ds->s[i].id == id)
			return i;
	return -1;
}

bool dev_empty(const struct dev_state *ds)
{
	for (int i = 0; i < TAP_MAX_SESSIONS; i++)
		if (ds->s[i].id)
			return false;
	return true;
}

/* ---- locking: one writer at a time, on the component directory (never removed) ---- */

static int lock_root(void)
{
	const char *top = MT_PIN_ROOT "/tap";
	int fd;

	if (mt_bpffs_ensure() || mt_mkdirs(g_root))
		return mt_err("cannot create %s", g_root);
	fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX))
		return mt_err("cannot lock %s: %s", top, strerror(errno));
	return fd;
}

/* Drops the namespace's directory once nothing is pinned in it, then the lock. */
static void unlock_root(int fd)
{
	rmdir(g_root);
	close(fd);
}

/* Runs fn on the loaded state under the lock. fn returns 0 or an exit code. */
int locked(int (*fn)(struct state *, void *), void *ctx)
{
	static struct state st;
	int lock = lock_root(), rc;

	if (lock < 0)
		return EXIT_RUNTIME;
	rc = state_load(&st) ? EXIT_RUNTIME : fn(&st, ctx);
	unlock_root(lock);
	return rc;
}

