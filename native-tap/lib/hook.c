/* tc programs on a device's ingress or egress: tcx links pinned in bpffs, or cls_bpf filters on a clsact
 * qdisc that is never removed where the kernel has no tcx (see mt.h). */
#include "mt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* Kernel 6.6 names that Debian 12's headers predate. */
#define TCX_INGRESS 46
#define TCX_EGRESS 47
#define LINK_TYPE_TCX 11

/* struct bpf_link_info as far as a tcx link fills it: the union starts 8-byte aligned. */
struct tcx_link_info {
	uint32_t type;
	uint32_t id;
	uint32_t prog_id;
	uint32_t pad;
	uint32_t ifindex; /* 0 once the device is gone or the link was detached */
	uint32_t attach_type;
};

bool mt_hook_tcx(void)
{
	static int tcx = -1;

	if (tcx < 0) {
		const char *force = getenv("MT_HOOKS");
		__u32 count = 0;

		/* A query of tcx programs on lo (ifindex 1 in every namespace) fails where tcx is unknown. */
		tcx = !(force && !strcmp(force, "tc")) && !bpf_prog_query(1, TCX_INGRESS, 0, NULL, NULL, &count);
	}
	return tcx;
}

static uint32_t tcx_type(const struct mt_hook *h)
{
	return h->egress ? TCX_EGRESS : TCX_INGRESS;
}

static void tc_of(const struct mt_hook *h, struct bpf_tc_hook *hook, struct bpf_tc_opts *opts)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = h->ifindex;
	hook->attach_point = h->egress ? BPF_TC_EGRESS : BPF_TC_INGRESS;
	memset(opts, 0, sizeof(*opts));
	opts->sz = sizeof(*opts);
	opts->handle = h->prio;
	opts->priority = h->prio;
}

/* The pinned link runs on this hook of this device now (not detached, not left by a deleted device). */
static bool tcx_pinned_live(const struct mt_hook *h)
{
	struct tcx_link_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(h->pin);
	bool live;

	if (fd < 0)
		return false;
	live = !bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == LINK_TYPE_TCX &&
	       (int)info.ifindex == h->ifindex && info.attach_type == tcx_type(h);
	close(fd);
	return live;
}

bool mt_hook_attached(const struct mt_hook *h)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;

	if (h->ifindex <= 0)
		return false;
	if (!h->tc)
		return tcx_pinned_live(h);
	tc_of(h, &hook, &opts);
	return bpf_tc_query(&hook, &opts) == 0;
}

int mt_hook_prepare(const struct mt_hook *h)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int err;

	if (!h->tc)
		return 0;
	tc_of(h, &hook, &opts);
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return mt_err("cannot add clsact to ifindex %d: %s", h->ifindex, strerror(-err));
	return 0;
}

int mt_hook_attach(const struct mt_hook *h, int prog_fd)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int fd, err;

	if (h->tc) {
		if (mt_hook_prepare(h))
			return -1;
		tc_of(h, &hook, &opts);
		opts.prog_fd = prog_fd;
		opts.flags = BPF_TC_F_REPLACE;
		err = bpf_tc_attach(&hook, &opts);
		return err ? mt_err("cannot attach to ifindex %d: %s", h->ifindex, strerror(-err)) : 0;
	}
	if (tcx_pinned_live(h))
		return 0;
	if (mt_hook_detach(h))
		return -1;
	fd = bpf_link_create(prog_fd, h->ifindex, tcx_type(h), NULL);
	if (fd < 0)
		return mt_err("cannot attach to ifindex %d: %s", h->ifindex, strerror(errno));
	/* Until pinned, the link lives as long as this process: a crash here leaves nothing attached. */
	if (bpf_obj_pin(fd, h->pin)) {
		err = errno;
		close(fd);
		return mt_err("cannot pin %s: %s", h->pin, strerror(err));
	}
	close(fd);
	return 0;
}

int mt_hook_detach(const struct mt_hook *h)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int fd, err;

	if (h->tc) {
		if (h->ifindex <= 0)
			return 0;
		tc_of(h, &hook, &opts);
		err = bpf_tc_detach(&hook, &opts);
		if (err && err != -ENOENT && err != -EINVAL)
			return mt_err("cannot detach from ifindex %d: %s", h->ifindex, strerror(-err));
		return 0;
	}
	/* Detached first, unpinned second: whoever else holds the link cannot keep it running. */
	fd = bpf_obj_get(h->pin);
	if (fd >= 0) {
		bpf_link_detach(fd);
		close(fd);
	}
	if (unlink(h->pin) && errno != ENOENT)
		return mt_err("cannot remove %s: %s", h->pin, strerror(errno));
	return 0;
}
