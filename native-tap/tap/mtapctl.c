/* mtapctl: configures the eBPF software TAP (tap.bpf.c) on service interfaces and switches its hooks
 * with the carrier of the tunnel devices. The pinned session map of each DEV is the only state. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mt.h"
#include "tap.h"
#include "tap.skel.h"
#include "tap_snap.skel.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

/* Fixed tc handle and priority: attaching again replaces our filter instead of adding one. */
#define TAP_TC_HANDLE 0x4d54
#define TAP_TC_PRIO 0x4d54
#define TUNNEL_PREFIX "tunnel-"
/* Directory made next to the pins when mtapctl created the device's clsact qdisc. */
#define CLSACT_MARK "clsact-created"
#define MAX_DEVS 256

static const char *g_netns;
static bool g_json;
static bool g_events; /* watch: print one JSON line per change */
static char g_root[PATH_MAX];

struct dev_state {
	char name[IF_NAMESIZE];
	struct tap_session s[TAP_MAX_SESSIONS];
};

struct state {
	int n;
	struct dev_state dev[MAX_DEVS];
};

static const char usage[] =
	"usage: mtapctl [-n NETNS] [-j] attach DEV session ID tunnel TUN [direction rx|tx|both] [vlan V[,V...]]\n"
	"               [sample N] [snaplen N] [src PREFIX] [dst PREFIX] [proto tcp|udp|icmp|icmpv6|sctp|NUM]\n"
	"               [sport PORT] [dport PORT]\n"
	"       mtapctl [-n NETNS] [-j] configure DEV session ID [options of attach]\n"
	"       mtapctl [-n NETNS] detach DEV [session ID]\n"
	"       mtapctl [-n NETNS] [-j] show [DEV]\n"
	"       mtapctl [-n NETNS] [-j] stats DEV [session ID]\n"
	"       mtapctl [-n NETNS] watch [--once]\n";

/* ---- paths and pins ---- */

static const char *path_of(char *buf, const char *dir, const char *leaf)
{
	if (leaf)
		snprintf(buf, PATH_MAX, "%.1024s/%.64s/%.64s", g_root, dir, leaf);
	else
		snprintf(buf, PATH_MAX, "%.1024s/%.64s", g_root, dir);
	return buf;
}

static int pin_get(const char *dir, const char *leaf)
{
	char p[PATH_MAX];

	return bpf_obj_get(path_of(p, dir, leaf));
}

static bool exists(const char *dir, const char *leaf)
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

static void remove_dir(const char *dir)
{
	char p[PATH_MAX];

	mt_rmtree(path_of(p, dir, NULL));
}

/* Loads an embedded object and pins its maps and programs under dir, each by its own name:
 * a DEV gets maps sessions, active, stats and programs tap_ingress, tap_egress (tap.bpf.c);
 * a tunnel gets map snaplen and program tap_snaplen (tap_snap.bpf.c). */
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
	bpf_object__close(obj);
	if (err) {
		remove_dir(dir);
		return mt_err("cannot pin under %s: %s", p, strerror(-err));
	}
	return 0;
}

static int dev_pin_new(const char *dev)
{
	size_t size;
	const void *elf = tap_bpf__elf_bytes(&size);

	return pin_new(elf, size, dev);
}

static int tunnel_pin_new(const char *dir)
{
	size_t size;
	const void *elf = tap_snap_bpf__elf_bytes(&size);

	return pin_new(elf, size, dir);
}

/* ---- state: the pinned session maps of every DEV in this namespace ---- */

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

static int write_sessions(const char *dev, const struct tap_session *s)
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

static int state_load(struct state *st)
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

static struct dev_state *state_find(struct state *st, const char *dev)
{
	for (int i = 0; i < st->n; i++)
		if (!strcmp(st->dev[i].name, dev))
			return &st->dev[i];
	return NULL;
}

static int slot_of(const struct dev_state *ds, __u32 id)
{
	for (int i = 0; i < TAP_MAX_SESSIONS; i++)
		if (ds->s[i].id == id)
			return i;
	return -1;
}

static bool dev_empty(const struct dev_state *ds)
{
	for (int i = 0; i < TAP_MAX_SESSIONS; i++)
		if (ds->s[i].id)
			return false;
	return true;
}

/* ---- tc hooks ---- */

static void hook_of(struct bpf_tc_hook *h, int ifindex, enum bpf_tc_attach_point point)
{
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = ifindex;
	h->attach_point = point;
}

static void tc_opts_of(struct bpf_tc_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->handle = TAP_TC_HANDLE;
	o->priority = TAP_TC_PRIO;
}

static bool hook_attached(int ifindex, enum bpf_tc_attach_point point)
{
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;

	hook_of(&h, ifindex, point);
	tc_opts_of(&o);
	return ifindex > 0 && bpf_tc_query(&h, &o) == 0;
}

static int hook_attach(int ifindex, enum bpf_tc_attach_point point, const char *dir, const char *prog)
{
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	int fd, err;

	hook_of(&h, ifindex, point);
	err = bpf_tc_hook_create(&h);
	if (err && err != -EEXIST)
		return mt_err("cannot create clsact on ifindex %d: %s", ifindex, strerror(-err));
	if (!err) {
		char p[PATH_MAX];

		mkdir(path_of(p, dir, CLSACT_MARK), 0700);
	}
	fd = pin_get(dir, prog);
	if (fd < 0)
		return mt_err("cannot open %s/%s: %s", dir, prog, strerror(errno));
	tc_opts_of(&o);
	o.prog_fd = fd;
	o.flags = BPF_TC_F_REPLACE;
	err = bpf_tc_attach(&h, &o);
	close(fd);
	if (err)
		return mt_err("cannot attach %s to ifindex %d: %s", prog, ifindex, strerror(-err));
	return 0;
}

static int hook_detach(int ifindex, enum bpf_tc_attach_point point)
{
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	int err;

	hook_of(&h, ifindex, point);
	tc_opts_of(&o);
	err = bpf_tc_detach(&h, &o);
	if (err && err != -ENOENT && err != -EINVAL)
		return mt_err("cannot detach from ifindex %d: %s", ifindex, strerror(-err));
	return 0;
}

/* Number of tc filters under a clsact parent (netlink dump), -errno on failure. */
static int tc_filter_count(int ifindex, __u32 parent)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg tc;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETTFILTER,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.tc = { .tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex, .tcm_parent = parent },
	};
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), count = 0;

	if (fd < 0)
		return -errno;
	if (send(fd, &req, sizeof(req), 0) < 0)
		goto fail;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0)
			goto fail;
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE) {
				close(fd);
				return count;
			}
			if (nh->nlmsg_type == NLMSG_ERROR) {
				int err = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;

				close(fd);
				return err ? err : count;
			}
			count += nh->nlmsg_type == RTM_NEWTFILTER;
		}
	}
fail:
	count = -errno;
	close(fd);
	return count;
}

/* Removes clsact when mtapctl created it and no filter of anyone is left on it. */
static void clsact_release(int ifindex, const char *dir)
{
	struct bpf_tc_hook h;

	if (ifindex <= 0 || !exists(dir, CLSACT_MARK))
		return;
	if (tc_filter_count(ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)) != 0 ||
	    tc_filter_count(ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)) != 0)
		return;
	hook_of(&h, ifindex, BPF_TC_INGRESS | BPF_TC_EGRESS);
	if (bpf_tc_hook_destroy(&h) == 0) {
		char p[PATH_MAX];

		rmdir(path_of(p, dir, CLSACT_MARK));
	}
}

/* ---- reconcile: hooks and active masks follow sessions and tunnel carrier ---- */

static bool tunnel_carrier(const struct tap_session *s)
{
	char name[IF_NAMESIZE];

	return if_indextoname(s->tunnel_ifindex, name) && mt_link_carrier(name) == 1;
}

static const char *tunnel_name(const struct tap_session *s, char *buf)
{
	return if_indextoname(s->tunnel_ifindex, buf) ? buf : s->tunnel_name;
}

/* watch output, one line per change: a session (s) became active or not, or a hook was attached or not. */
static void event(const char *dev, const struct tap_session *s, const char *hook, bool on)
{
	char tn[IF_NAMESIZE];
	struct mt_json j;

	if (!g_events)
		return;
	mt_json_init(&j, stdout);
	mt_json_obj_begin(&j, NULL);
	mt_json_str(&j, "event", s ? "session" : "hook");
	mt_json_str(&j, "dev", dev);
	if (s) {
		mt_json_u64(&j, "session", s->id);
		mt_json_str(&j, "tunnel", tunnel_name(s, tn));
		mt_json_bool(&j, "active", on);
	} else {
		mt_json_str(&j, "hook", hook);
		mt_json_bool(&j, "attached", on);
	}
	mt_json_obj_end(&j);
	mt_json_done(&j);
}

static const struct {
	const char *name;
	enum bpf_tc_attach_point point;
	const char *prog;
} hooks[2] = {
	{ "ingress", BPF_TC_INGRESS, "tap_ingress" },
	{ "egress", BPF_TC_EGRESS, "tap_egress" },
};

/* Enabling writes the mask before attaching; disabling detaches first: no window runs a stale set. */
static int reconcile_dev(const struct dev_state *ds)
{
	int ifindex = mt_ifindex(ds->name), afd, err = 0;
	struct tap_active want = {}, cur = {};
	__u32 zero = 0;

	for (int i = 0; i < TAP_MAX_SESSIONS; i++) {
		const struct tap_session *s = &ds->s[i];

		if (!s->id || !ifindex || !tunnel_carrier(s))
			continue;
		for (int d = 0; d < 2; d++)
			if (s->dir & (1 << d))
				want.mask[d] |= 1u << i;
		if (s->flags || s->nvlans > 1)
			want.need_flow |= 1u << i;
	}
	afd = pin_get(ds->name, "active");
	if (afd < 0)
		return mt_err("cannot open the active map of %s: %s", ds->name, strerror(errno));
	if (bpf_map_lookup_elem(afd, &zero, &cur))
		memset(&cur, 0, sizeof(cur));
	for (int i = 0; i < TAP_MAX_SESSIONS; i++) {
		__u32 bit = 1u << i;
		bool was = (cur.mask[0] | cur.mask[1]) & bit, is = (want.mask[0] | want.mask[1]) & bit;

		if (ds->s[i].id && was != is)
			event(ds->name, &ds->s[i], NULL, is);
	}
	for (int d = 0; d < 2 && !err; d++) {
		struct tap_active step = cur;
		bool attached = hook_attached(ifindex, hooks[d].point);

		step.mask[d] = want.mask[d];
		step.need_flow = want.need_flow;
		if (want.mask[d]) {
			if (bpf_map_update_elem(afd, &zero, &step, BPF_ANY))
				err = mt_err("cannot write the active map of %s: %s", ds->name, strerror(errno));
			else if (!attached && !(err = hook_attach(ifindex, hooks[d].point, ds->name, hooks[d].prog)))
				event(ds->name, NULL, hooks[d].name, true);
		} else {
			if (attached && !(err = hook_detach(ifindex, hooks[d].point)))
				event(ds->name, NULL, hooks[d].name, false);
			if (!err && bpf_map_update_elem(afd, &zero, &step, BPF_ANY))
				err = mt_err("cannot write the active map of %s: %s", ds->name, strerror(errno));
		}
		cur = step;
	}
	close(afd);
	/* No hook left: an empty clsact still costs every packet about 1%. */
	if (!err && !want.mask[0] && !want.mask[1])
		clsact_release(ifindex, ds->name);
	return err;
}

/* A DEV without sessions loses its hooks, its clsact (when ours and empty) and its pins. */
static int remove_dev(const char *dev)
{
	int ifindex = mt_ifindex(dev), err = 0;

	for (int d = 0; d < 2; d++) {
		if (hook_attached(ifindex, hooks[d].point)) {
			err = err ?: hook_detach(ifindex, hooks[d].point);
			if (!err)
				event(dev, NULL, hooks[d].name, false);
		}
	}
	if (err)
		return err;
	clsact_release(ifindex, dev);
	remove_dir(dev);
	return 0;
}

/* Snaplen entries wanted on tunnel `name`, from all sessions of the namespace. */
static int want_snaplen(const struct state *st, const char *name, __u32 *caps)
{
	int n = 0;

	memset(caps, 0, 4096 * sizeof(*caps));
	for (int i = 0; i < st->n; i++) {
		for (int k = 0; k < TAP_MAX_SESSIONS; k++) {
			const struct tap_session *s = &st->dev[i].s[k];
			char tn[IF_NAMESIZE];

			if (!s->id || !s->snaplen || strcmp(tunnel_name(s, tn), name))
				continue;
			for (int v = 0; v < s->nvlans; v++)
				caps[s->vlans[v]] = s->snaplen;
			n++;
		}
	}
	return n;
}

static int sync_snaplen(const char *dir, const __u32 *caps)
{
	int fd = pin_get(dir, "snaplen"), err = 0;
	__u32 key, next, *prev = NULL;

	if (fd < 0)
		return mt_err("cannot open %s/snaplen: %s", dir, strerror(errno));
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (key < 4096 && !caps[key] && bpf_map_delete_elem(fd, &key) == 0)
			prev = NULL; /* deleted: restart the walk */
	}
	for (__u32 v = 0; v < 4096 && !err; v++)
		if (caps[v] && bpf_map_update_elem(fd, &v, &caps[v], BPF_ANY))
			err = mt_err("cannot write %s/snaplen: %s", dir, strerror(errno));
	close(fd);
	return err;
}

static int reconcile_tunnel(const struct state *st, const char *name)
{
	static __u32 caps[4096];
	char dir[sizeof(TUNNEL_PREFIX) + IF_NAMESIZE];
	int ifindex = mt_ifindex(name), err;

	snprintf(dir, sizeof(dir), TUNNEL_PREFIX "%s", name);
	if (!want_snaplen(st, name, caps) || !ifindex) {
		if (!exists(dir, NULL))
			return 0;
		err = hook_detach(ifindex, BPF_TC_EGRESS);
		if (err)
			return err;
		clsact_release(ifindex, dir);
		remove_dir(dir);
		return 0;
	}
	if (!exists(dir, "tap_snaplen") && tunnel_pin_new(dir))
		return -1;
	err = sync_snaplen(dir, caps);
	if (!err && !hook_attached(ifindex, BPF_TC_EGRESS))
		err = hook_attach(ifindex, BPF_TC_EGRESS, dir, "tap_snaplen");
	return err;
}

static int reconcile(const struct state *st)
{
	DIR *d;
	struct dirent *de;
	int err = 0;

	for (int i = 0; i < st->n; i++)
		err = (dev_empty(&st->dev[i]) ? remove_dev(st->dev[i].name) : reconcile_dev(&st->dev[i])) ?: err;
	/* Tunnels: those pinned now (maybe no longer wanted) and those sessions name. */
	d = opendir(g_root);
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, TUNNEL_PREFIX, strlen(TUNNEL_PREFIX)))
			err = reconcile_tunnel(st, de->d_name + strlen(TUNNEL_PREFIX)) ?: err;
	if (d)
		closedir(d);
	for (int i = 0; i < st->n; i++) {
		for (int k = 0; k < TAP_MAX_SESSIONS; k++) {
			char tn[IF_NAMESIZE];

			if (st->dev[i].s[k].snaplen)
				err = reconcile_tunnel(st, tunnel_name(&st->dev[i].s[k], tn)) ?: err;
		}
	}
	return err;
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

/* ---- argument parsing ---- */

enum {
	O_SESSION = 1 << 0,
	O_TUNNEL = 1 << 1,
	O_DIR = 1 << 2,
	O_VLAN = 1 << 3,
	O_SAMPLE = 1 << 4,
	O_SNAPLEN = 1 << 5,
	O_SRC = 1 << 6,
	O_DST = 1 << 7,
	O_PROTO = 1 << 8,
	O_SPORT = 1 << 9,
	O_DPORT = 1 << 10,
};

static const char *const opt_names[] = { "session", "tunnel", "direction", "vlan", "sample", "snaplen",
					   "src", "dst", "proto", "sport", "dport" };

struct opts {
	unsigned set;
	struct tap_session s; /* values of the options given; flags: which filter fields are set */
	unsigned clear;       /* filter fields reset by "any" */
	char tunnel[IF_NAMESIZE];
};

static const struct {
	const char *name;
	__u8 num;
} protos[] = { { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmpv6", 58 }, { "sctp", 132 } };

static const char *dir_name(__u8 dir)
{
	return dir == TAP_DIR_RX ? "rx" : dir == TAP_DIR_TX ? "tx" : "both";
}

static void set_prefix(__u32 *addr, __u32 *mask, __u8 *len, const struct mt_prefix *p)
{
	unsigned char m[16] = {};

	for (int b = 0; b < p->len; b++)
		m[b / 8] |= 0x80 >> (b % 8);
	memset(addr, 0, 16);
	memcpy(addr, p->addr, p->family == AF_INET ? 4 : 16);
	memcpy(mask, m, 16);
	*len = p->len;
}

static int parse_prefix_opt(struct opts *o, unsigned field, const char *val)
{
	struct mt_prefix p;
	__u8 family;

	if (!strcmp(val, "any")) {
		o->clear |= field;
		return 0;
	}
	if (mt_parse_prefix(val, &p))
		return -1;
	family = p.family == AF_INET ? 4 : 6;
	if ((o->s.flags & (TAP_F_SRC | TAP_F_DST)) && o->s.family != family)
		return mt_err("src and dst prefixes must be of one address family");
	o->s.family = family;
	o->s.flags |= field;
	if (field == TAP_F_SRC)
		set_prefix(o->s.src, o->s.src_mask, &o->s.src_len, &p);
	else
		set_prefix(o->s.dst, o->s.dst_mask, &o->s.dst_len, &p);
	return 0;
}

static int parse_vlans(struct opts *o, const char *val)
{
	uint64_t set[64];
	int n = 0;

	if (mt_parse_vlan_list(val, 1, 4094, set))
		return -1;
	for (__u32 v = 1; v < 4095; v++) {
		if (!((set[v / 64] >> (v % 64)) & 1))
			continue;
		if (n == TAP_MAX_VLANS)
			return mt_err("vlan: at most %d VLANs per session", TAP_MAX_VLANS);
		o->s.vlans[n++] = (__u16)v;
	}
	o->s.nvlans = (__u8)n;
	return 0;
}

static int parse_opt(struct opts *o, unsigned bit, const char *val)
{
	__u32 v;

	switch (bit) {
	case O_SESSION:
		return mt_parse_u32("session", val, 1, 65535, &o->s.id);
	case O_TUNNEL:
		if (!mt_ifname_valid(val))
			return mt_err("tunnel: invalid interface name '%s'", val);
		snprintf(o->tunnel, sizeof(o->tunnel), "%s", val);
		return 0;
	case O_DIR:
		if (!strcmp(val, "rx"))
			o->s.dir = TAP_DIR_RX;
		else if (!strcmp(val, "tx"))
			o->s.dir = TAP_DIR_TX;
		else if (!strcmp(val, "both"))
			o->s.dir = TAP_DIR_RX | TAP_DIR_TX;
		else
			return mt_err("direction: '%s' is not rx, tx or both", val);
		return 0;
	case O_VLAN:
		return parse_vlans(o, val);
	case O_SAMPLE:
		return mt_parse_u32("sample", val, 1, UINT32_MAX, &o->s.sample);
	case O_SNAPLEN:
		if (mt_parse_u32("snaplen", val, 0, 65535, &o->s.snaplen))
			return -1;
		if (o->s.snaplen && o->s.snaplen < 64)
			return mt_err("snaplen: %s is out of range (0 or 64..65535)", val);
		return 0;
	case O_SRC:
		return parse_prefix_opt(o, TAP_F_SRC, val);
	case O_DST:
		return parse_prefix_opt(o, TAP_F_DST, val);
	case O_PROTO:
		if (!strcmp(val, "any")) {
			o->clear |= TAP_F_PROTO;
			return 0;
		}
		o->s.flags |= TAP_F_PROTO;
		for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
			if (!strcmp(val, protos[i].name)) {
				o->s.proto = protos[i].num;
				return 0;
			}
		}
		if (mt_parse_u32("proto", val, 0, 255, &v))
			return -1;
		o->s.proto = (__u8)v;
		return 0;
	default: /* O_SPORT, O_DPORT */
		if (!strcmp(val, "any")) {
			o->clear |= bit == O_SPORT ? TAP_F_SPORT : TAP_F_DPORT;
			return 0;
		}
		if (mt_parse_u32(bit == O_SPORT ? "sport" : "dport", val, 0, 65535, &v))
			return -1;
		if (bit == O_SPORT) {
			o->s.sport = (__u16)v;
			o->s.flags |= TAP_F_SPORT;
		} else {
			o->s.dport = (__u16)v;
			o->s.flags |= TAP_F_DPORT;
		}
		return 0;
	}
}

/* KEY VALUE pairs; `allowed` limits the keys. */
static int parse_opts(int argc, char **argv, unsigned allowed, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i += 2) {
		unsigned bit = 0;

		for (size_t k = 0; k < sizeof(opt_names) / sizeof(opt_names[0]); k++)
			if (!strcmp(argv[i], opt_names[k]))
				bit = 1u << k;
		if (!(bit & allowed))
			return mt_err("unknown option '%s'", argv[i]);
		if (o->set & bit)
			return mt_err("option '%s' given twice", argv[i]);
		if (i + 1 >= argc)
			return mt_err("option '%s' needs a value", argv[i]);
		if (parse_opt(o, bit, argv[i + 1]))
			return -1;
		o->set |= bit;
	}
	return 0;
}

/* Applies the options given onto session s. */
static int apply_opts(struct tap_session *s, const struct opts *o, int tunnel_ifindex)
{
	static const struct {
		unsigned opt, flag;
	} filter_fields[] = { { O_SRC, TAP_F_SRC }, { O_DST, TAP_F_DST }, { O_PROTO, TAP_F_PROTO },
			      { O_SPORT, TAP_F_SPORT }, { O_DPORT, TAP_F_DPORT } };

	if (o->set & O_TUNNEL) {
		s->tunnel_ifindex = (__u32)tunnel_ifindex;
		snprintf(s->tunnel_name, sizeof(s->tunnel_name), "%s", o->tunnel);
	}
	if (o->set & O_DIR)
		s->dir = o->s.dir;
	if (o->set & O_VLAN) {
		s->nvlans = o->s.nvlans;
		memcpy(s->vlans, o->s.vlans, sizeof(s->vlans));
	}
	if (o->set & O_SAMPLE)
		s->sample = o->s.sample;
	if (o->set & O_SNAPLEN)
		s->snaplen = o->s.snaplen;
	for (size_t i = 0; i < sizeof(filter_fields) / sizeof(filter_fields[0]); i++)
		if (o->clear & filter_fields[i].flag)
			s->flags &= (__u8)~filter_fields[i].flag;
	if ((o->s.flags & (TAP_F_SRC | TAP_F_DST)) && (s->flags & (TAP_F_SRC | TAP_F_DST) & ~o->s.flags) &&
	    s->family != o->s.family)
		return mt_err("src and dst prefixes must be of one address family");
	if (o->s.flags & TAP_F_SRC) {
		memcpy(s->src, o->s.src, sizeof(s->src));
		memcpy(s->src_mask, o->s.src_mask, sizeof(s->src_mask));
		s->src_len = o->s.src_len;
	}
	if (o->s.flags & TAP_F_DST) {
		memcpy(s->dst, o->s.dst, sizeof(s->dst));
		memcpy(s->dst_mask, o->s.dst_mask, sizeof(s->dst_mask));
		s->dst_len = o->s.dst_len;
	}
	if (o->s.flags & (TAP_F_SRC | TAP_F_DST))
		s->family = o->s.family;
	if (o->s.flags & TAP_F_PROTO)
		s->proto = o->s.proto;
	if (o->s.flags & TAP_F_SPORT)
		s->sport = o->s.sport;
	if (o->s.flags & TAP_F_DPORT)
		s->dport = o->s.dport;
	s->flags |= o->s.flags;
	if (!(s->flags & (TAP_F_SRC | TAP_F_DST)))
		s->family = 0;
	return 0;
}

/* Checks the namespace-wide rules on the state after a change. */
static int validate(const struct state *st, const struct dev_state *ds, const struct tap_session *s)
{
	int dev_ifindex = mt_ifindex(ds->name);

	if (s->tunnel_ifindex == (__u32)dev_ifindex)
		return mt_err("tunnel %s is the tapped device itself", s->tunnel_name);
	for (int i = 0; i < st->n; i++) {
		const struct dev_state *o = &st->dev[i];

		if (dev_empty(o))
			continue;
		if (mt_ifindex(o->name) == (int)s->tunnel_ifindex)
			return mt_err("tunnel %s is itself tapped", s->tunnel_name);
		for (int k = 0; k < TAP_MAX_SESSIONS; k++) {
			const struct tap_session *x = &o->s[k];

			if (!x->id)
				continue;
			if (x->tunnel_ifindex == (__u32)dev_ifindex)
				return mt_err("%s is the tunnel of session %u on %s", ds->name, x->id, o->name);
			if (x == s || x->tunnel_ifindex != s->tunnel_ifindex || x->snaplen == s->snaplen)
				continue;
			for (int a = 0; a < x->nvlans; a++)
				for (int b = 0; b < s->nvlans; b++)
					if (x->vlans[a] == s->vlans[b])
						return mt_err("VLAN %u on tunnel %s already has snaplen %u (session %u on %s)",
							      s->vlans[b], s->tunnel_name, x->snaplen, x->id, o->name);
		}
	}
	return 0;
}

/* ---- commands ---- */

static int check_dev_name(const char *dev)
{
	if (!mt_ifname_valid(dev))
		return mt_err("invalid interface name '%s'", dev);
	if (!strncmp(dev, TUNNEL_PREFIX, strlen(TUNNEL_PREFIX)))
		return mt_err("device names starting with '" TUNNEL_PREFIX "' are not supported");
	return 0;
}

/* Writes DEV's sessions (pinning a new DEV first) and reconciles; on failure puts the old ones back. */
static int commit(struct state *st, struct dev_state *ds, const struct tap_session *old, int new_slot)
{
	bool created = false;
	int err;

	if (!exists(ds->name, "sessions")) {
		if (dev_pin_new(ds->name))
			return EXIT_RUNTIME;
		created = true;
	}
	err = write_sessions(ds->name, ds->s);
	if (!err && new_slot >= 0) {
		int ncpu = libbpf_num_possible_cpus(), fd = pin_get(ds->name, "stats");
		struct tap_stats *zero = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*zero)) : NULL;
		__u32 key = (__u32)new_slot;

		err = fd < 0 || !zero || bpf_map_update_elem(fd, &key, zero, BPF_ANY) ?
			      mt_err("cannot reset the counters of %s: %s", ds->name, strerror(errno)) : 0;
		free(zero);
		if (fd >= 0)
			close(fd);
	}
	err = err ?: reconcile(st);
	if (!err)
		return 0;
	memcpy(ds->s, old, sizeof(ds->s));
	if (created) {
		memset(ds->s, 0, sizeof(ds->s));
		remove_dev(ds->name);
	} else {
		write_sessions(ds->name, ds->s);
	}
	reconcile(st);
	return EXIT_RUNTIME;
}

/* Runs fn on the loaded state under the lock. fn returns 0 or an exit code. */
static int locked(int (*fn)(struct state *, void *), void *ctx)
{
	static struct state st;
	int lock = lock_root(), rc;

	if (lock < 0)
		return EXIT_RUNTIME;
	rc = state_load(&st) ? EXIT_RUNTIME : fn(&st, ctx);
	unlock_root(lock);
	return rc;
}

struct set_req {
	const char *dev;
	bool create;
	int tunnel_ifindex;
	struct opts o;
};

static int set_locked(struct state *st, void *ctx)
{
	const struct set_req *r = ctx;
	struct tap_session old[TAP_MAX_SESSIONS], *s;
	struct dev_state *ds = state_find(st, r->dev);
	int slot, new_slot = -1;
	__u32 id = r->o.s.id;

	if (!ds) {
		if (!r->create)
			return mt_err("no session %u on %s", id, r->dev), EXIT_USAGE;
		if (st->n == MAX_DEVS)
			return mt_err("too many tapped devices"), EXIT_USAGE;
		ds = &st->dev[st->n++];
		memset(ds, 0, sizeof(*ds));
		snprintf(ds->name, sizeof(ds->name), "%s", r->dev);
	}
	memcpy(old, ds->s, sizeof(old));
	slot = slot_of(ds, id);
	if (slot < 0) {
		if (!r->create)
			return mt_err("no session %u on %s", id, r->dev), EXIT_USAGE;
		slot = new_slot = slot_of(ds, 0);
		if (slot < 0)
			return mt_err("%s already has %d sessions", r->dev, TAP_MAX_SESSIONS), EXIT_USAGE;
	}
	s = &ds->s[slot];
	if (r->create) {
		/* attach states the whole session: options not given take their defaults. */
		memset(s, 0, sizeof(*s));
		s->id = id;
		s->dir = TAP_DIR_RX | TAP_DIR_TX;
		s->sample = 1;
	}
	if (apply_opts(s, &r->o, r->tunnel_ifindex) || validate(st, ds, s))
		return EXIT_USAGE;
	return commit(st, ds, old, new_slot);
}

static int cmd_set(int argc, char **argv, bool create)
{
	const unsigned all = (1u << (sizeof(opt_names) / sizeof(opt_names[0]))) - 1;
	struct set_req r = { .dev = argv[0], .create = create };

	if (argc < 1)
		return mt_err("%s: missing DEV", create ? "attach" : "configure"), EXIT_USAGE;
	if (check_dev_name(argv[0]) || parse_opts(argc - 1, argv + 1, all, &r.o))
		return EXIT_USAGE;
	if (!(r.o.set & O_SESSION))
		return mt_err("missing 'session ID'"), EXIT_USAGE;
	if (create && !(r.o.set & O_TUNNEL))
		return mt_err("missing 'tunnel TUN'"), EXIT_USAGE;
	if (create && !(r.o.set & O_VLAN))
		return mt_err("missing 'vlan V[,V...]'"), EXIT_USAGE;
	if (!mt_ifindex(argv[0]))
		return mt_err("device %s not found", argv[0]), EXIT_USAGE;
	if ((r.o.set & O_TUNNEL) && !(r.tunnel_ifindex = mt_ifindex(r.o.tunnel)))
		return mt_err("tunnel %s not found", r.o.tunnel), EXIT_USAGE;
	return locked(set_locked, &r);
}

struct detach_req {
	const char *dev;
	struct opts o;
};

static int detach_locked(struct state *st, void *ctx)
{
	const struct detach_req *r = ctx;
	struct tap_session old[TAP_MAX_SESSIONS];
	struct dev_state *ds = state_find(st, r->dev);

	if (!ds || dev_empty(ds))
		return mt_err("no sessions on %s", r->dev), EXIT_USAGE;
	memcpy(old, ds->s, sizeof(old));
	if (r->o.set & O_SESSION) {
		int slot = slot_of(ds, r->o.s.id);

		if (slot < 0)
			return mt_err("no session %u on %s", r->o.s.id, r->dev), EXIT_USAGE;
		memset(&ds->s[slot], 0, sizeof(ds->s[slot]));
	} else {
		memset(ds->s, 0, sizeof(ds->s));
	}
	return commit(st, ds, old, -1);
}

static int cmd_detach(int argc, char **argv)
{
	struct detach_req r = { .dev = argv[0] };

	if (argc < 1)
		return mt_err("detach: missing DEV"), EXIT_USAGE;
	if (check_dev_name(argv[0]) || parse_opts(argc - 1, argv + 1, O_SESSION, &r.o))
		return EXIT_USAGE;
	return locked(detach_locked, &r);
}

static void format_filter(const struct tap_session *s, const char *key, char *buf, size_t len)
{
	struct mt_prefix p = { .family = s->family == 4 ? AF_INET : AF_INET6 };
	bool src = !strcmp(key, "src");

	memcpy(p.addr, src ? s->src : s->dst, 16);
	p.len = src ? s->src_len : s->dst_len;
	mt_format_prefix(&p, buf, len);
}

static void show_session_json(struct mt_json *j, const struct tap_session *s, const struct tap_active *a, int slot)
{
	char tn[IF_NAMESIZE], buf[64];

	mt_json_obj_begin(j, NULL);
	mt_json_u64(j, "id", s->id);
	mt_json_str(j, "tunnel", tunnel_name(s, tn));
	mt_json_u64(j, "tunnel_ifindex", s->tunnel_ifindex);
	mt_json_bool(j, "tunnel_carrier", tunnel_carrier(s));
	mt_json_bool(j, "active", ((a->mask[0] | a->mask[1]) >> slot) & 1);
	mt_json_str(j, "direction", dir_name(s->dir));
	mt_json_arr_begin(j, "vlans");
	for (int v = 0; v < s->nvlans; v++)
		mt_json_u64(j, NULL, s->vlans[v]);
	mt_json_arr_end(j);
	mt_json_u64(j, "sample", s->sample);
	mt_json_u64(j, "snaplen", s->snaplen);
	mt_json_obj_begin(j, "filter");
	if (s->flags & TAP_F_SRC) {
		format_filter(s, "src", buf, sizeof(buf));
		mt_json_str(j, "src", buf);
	}
	if (s->flags & TAP_F_DST) {
		format_filter(s, "dst", buf, sizeof(buf));
		mt_json_str(j, "dst", buf);
	}
	if (s->flags & TAP_F_PROTO)
		mt_json_u64(j, "proto", s->proto);
	if (s->flags & TAP_F_SPORT)
		mt_json_u64(j, "sport", s->sport);
	if (s->flags & TAP_F_DPORT)
		mt_json_u64(j, "dport", s->dport);
	mt_json_obj_end(j);
	mt_json_obj_end(j);
}

static void show_session_text(const struct tap_session *s, const struct tap_active *a, int slot)
{
	char tn[IF_NAMESIZE], buf[64];

	printf("    session %u tunnel %s (%s) %s direction %s vlan", s->id, tunnel_name(s, tn),
	       tunnel_carrier(s) ? "carrier" : "no-carrier",
	       ((a->mask[0] | a->mask[1]) >> slot) & 1 ? "active" : "inactive", dir_name(s->dir));
	for (int v = 0; v < s->nvlans; v++)
		printf("%c%u", v ? ',' : ' ', s->vlans[v]);
	printf(" sample %u snaplen %u", s->sample, s->snaplen);
	if (s->flags & TAP_F_SRC) {
		format_filter(s, "src", buf, sizeof(buf));
		printf(" src %s", buf);
	}
	if (s->flags & TAP_F_DST) {
		format_filter(s, "dst", buf, sizeof(buf));
		printf(" dst %s", buf);
	}
	if (s->flags & TAP_F_PROTO) {
		const char *name = NULL;

		for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
			if (protos[i].num == s->proto)
				name = protos[i].name;
		if (name)
			printf(" proto %s", name);
		else
			printf(" proto %u", s->proto);
	}
	if (s->flags & TAP_F_SPORT)
		printf(" sport %u", s->sport);
	if (s->flags & TAP_F_DPORT)
		printf(" dport %u", s->dport);
	printf("\n");
}

static int cmd_show(int argc, char **argv)
{
	static struct state st;
	struct mt_json j;

	if (argc > 1)
		return mt_err("show: unexpected '%s'", argv[1]), EXIT_USAGE;
	if (argc == 1 && check_dev_name(argv[0]))
		return EXIT_USAGE;
	if (state_load(&st))
		return EXIT_RUNTIME;
	if (argc == 1 && !state_find(&st, argv[0]) && !mt_ifindex(argv[0]))
		return mt_err("device %s not found", argv[0]), EXIT_USAGE;
	mt_json_init(&j, stdout);
	if (g_json)
		mt_json_arr_begin(&j, NULL);
	for (int i = 0; i < st.n; i++) {
		const struct dev_state *ds = &st.dev[i];
		int ifindex = mt_ifindex(ds->name), afd;
		struct tap_active a = {};
		__u32 zero = 0;
		bool in = hook_attached(ifindex, BPF_TC_INGRESS), eg = hook_attached(ifindex, BPF_TC_EGRESS);

		if (argc == 1 && strcmp(argv[0], ds->name))
			continue;
		afd = pin_get(ds->name, "active");
		if (afd >= 0) {
			bpf_map_lookup_elem(afd, &zero, &a);
			close(afd);
		}
		if (g_json) {
			mt_json_obj_begin(&j, NULL);
			mt_json_str(&j, "dev", ds->name);
			mt_json_u64(&j, "ifindex", (uint64_t)ifindex);
			mt_json_obj_begin(&j, "hooks");
			mt_json_bool(&j, "ingress", in);
			mt_json_bool(&j, "egress", eg);
			mt_json_obj_end(&j);
			mt_json_arr_begin(&j, "sessions");
		} else {
			printf("%s%s: hooks%s%s%s\n", ds->name, ifindex ? "" : " (absent)", in ? " ingress" : "",
			       eg ? " egress" : "", in || eg ? "" : " none");
		}
		for (int k = 0; k < TAP_MAX_SESSIONS; k++) {
			if (!ds->s[k].id)
				continue;
			if (g_json)
				show_session_json(&j, &ds->s[k], &a, k);
			else
				show_session_text(&ds->s[k], &a, k);
		}
		if (g_json) {
			mt_json_arr_end(&j);
			mt_json_obj_end(&j);
		}
	}
	if (g_json) {
		mt_json_arr_end(&j);
		mt_json_done(&j);
	}
	return 0;
}

static int cmd_stats(int argc, char **argv)
{
	static struct state st;
	static const char *const names[] = { "seen", "mirrored", "filtered", "sampled", "errors" };
	const struct dev_state *ds;
	struct opts o = {};
	struct mt_json j;
	int ncpu = libbpf_num_possible_cpus(), fd;
	struct tap_stats *per;

	if (argc < 1)
		return mt_err("stats: missing DEV"), EXIT_USAGE;
	if (check_dev_name(argv[0]) || parse_opts(argc - 1, argv + 1, O_SESSION, &o))
		return EXIT_USAGE;
	if (state_load(&st))
		return EXIT_RUNTIME;
	ds = state_find(&st, argv[0]);
	if (!ds)
		return mt_err("no sessions on %s", argv[0]), EXIT_USAGE;
	if ((o.set & O_SESSION) && slot_of(ds, o.s.id) < 0)
		return mt_err("no session %u on %s", o.s.id, argv[0]), EXIT_USAGE;
	fd = pin_get(ds->name, "stats");
	per = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*per)) : NULL;
	if (fd < 0 || !per) {
		free(per);
		return mt_err("cannot open the counters of %s: %s", ds->name, strerror(errno)), EXIT_RUNTIME;
	}
	mt_json_init(&j, stdout);
	if (g_json)
		mt_json_arr_begin(&j, NULL);
	for (__u32 k = 0; k < TAP_MAX_SESSIONS; k++) {
		__u64 sum[5] = {};

		if (!ds->s[k].id || ((o.set & O_SESSION) && ds->s[k].id != o.s.id))
			continue;
		if (bpf_map_lookup_elem(fd, &k, per))
			memset(per, 0, (size_t)ncpu * sizeof(*per));
		for (int c = 0; c < ncpu; c++) {
			sum[0] += per[c].seen;
			sum[1] += per[c].mirrored;
			sum[2] += per[c].filtered;
			sum[3] += per[c].sampled;
			sum[4] += per[c].errors;
		}
		if (g_json) {
			mt_json_obj_begin(&j, NULL);
			mt_json_str(&j, "dev", ds->name);
			mt_json_u64(&j, "session", ds->s[k].id);
		} else {
			printf("%s session %u:", ds->name, ds->s[k].id);
		}
		for (int n = 0; n < 5; n++) {
			if (g_json)
				mt_json_u64(&j, names[n], sum[n]);
			else
				printf(" %s %llu", names[n], (unsigned long long)sum[n]);
		}
		if (g_json)
			mt_json_obj_end(&j);
		else
			printf("\n");
	}
	if (g_json) {
		mt_json_arr_end(&j);
		mt_json_done(&j);
	}
	free(per);
	close(fd);
	return 0;
}

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	g_stop = 1;
}

static void on_link(const struct mt_link_event *ev, void *ctx)
{
	*(bool *)ctx = true;
}

static int reconcile_state(struct state *st, void *ctx)
{
	return reconcile(st) ? EXIT_RUNTIME : 0;
}

static int cmd_watch(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	bool once = argc == 1 && !strcmp(argv[0], "--once");
	int fd;

	if (argc > 1 || (argc == 1 && !once))
		return mt_err("watch: unexpected '%s'", argv[argc - 1]), EXIT_USAGE;
	g_events = true;
	fd = once ? 0 : mt_linkwatch_open();
	if (fd < 0)
		return mt_err("cannot open rtnetlink: %s", strerror(-fd)), EXIT_RUNTIME;
	/* Subscribed before the first reconcile: no change between the two is lost. */
	if (locked(reconcile_state, NULL) && once)
		return EXIT_RUNTIME;
	if (once)
		return 0;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("{\"event\":\"ready\"}\n");
	fflush(stdout);
	while (!g_stop) {
		bool changed = false;
		int n = mt_linkwatch_poll(fd, 500, on_link, &changed);

		if (n == -EINTR)
			continue;
		if (n < 0 && n != -ENOBUFS)
			return mt_err("rtnetlink: %s", strerror(-n)), EXIT_RUNTIME;
		if (changed || n == -ENOBUFS)
			locked(reconcile_state, NULL);
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i = 1;

	mt_prog = "mtapctl";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j")) {
			g_json = true;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			g_netns = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		} else {
			mt_err("unknown option '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		mt_err("missing command (try -h)");
		return EXIT_USAGE;
	}
	cmd = argv[i++];
	if (strcmp(cmd, "attach") && strcmp(cmd, "configure") && strcmp(cmd, "detach") && strcmp(cmd, "show") &&
	    strcmp(cmd, "stats") && strcmp(cmd, "watch")) {
		mt_err("unknown command '%s' (try -h)", cmd);
		return EXIT_USAGE;
	}
	if (mt_netns_enter(g_netns))
		return EXIT_USAGE;
	snprintf(g_root, sizeof(g_root), MT_PIN_ROOT "/tap/%.255s", mt_netns_label(g_netns));
	libbpf_set_print(NULL);
	argc -= i;
	argv += i;
	if (!strcmp(cmd, "attach"))
		return cmd_set(argc, argv, true);
	if (!strcmp(cmd, "configure"))
		return cmd_set(argc, argv, false);
	if (!strcmp(cmd, "detach"))
		return cmd_detach(argc, argv);
	if (!strcmp(cmd, "show"))
		return cmd_show(argc, argv);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc, argv);
	return cmd_watch(argc, argv);
}
