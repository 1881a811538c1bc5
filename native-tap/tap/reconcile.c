/* The datapath follows the session maps and the tunnels' carrier: which sessions run (the active map),
 * which of DEV's hooks run the TAP, and the snaplen program of each tunnel. Every command and every link
 * event of `watch` ends here. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "ctl.h"

/* tc handle and priority of the TAP's filters where there is no tcx: attaching again replaces ours. */
#define TAP_TC_PRIO 0x4d54

static const struct {
	const char *name, *prog, *link;
} hooks[2] = {
	{ "ingress", "tap_ingress", "link_ingress" },
	{ "egress", "tap_egress", "link_egress" },
};

bool tunnel_carrier(const struct tap_session *s)
{
	char name[IF_NAMESIZE];

	return if_indextoname(s->tunnel_ifindex, name) && mt_link_carrier(name) == 1;
}

const char *tunnel_name(const struct tap_session *s, char *buf)
{
	return if_indextoname(s->tunnel_ifindex, buf) ? buf : s->tunnel_name;
}

/* The longest copy the session's tunnel takes now; the session's value when the tunnel is gone. */
static __u32 frame_max_of(const struct tap_session *s)
{
	char name[IF_NAMESIZE];
	int mtu = if_indextoname(s->tunnel_ifindex, name) ? mt_link_mtu(name) : -1;
	__u32 max = (__u32)mtu + TAP_FRAME_OVERHEAD;

	if (mtu <= 0)
		return s->frame_max;
	return s->snaplen && s->snaplen <= max ? UINT32_MAX : max;
}

void refresh_frame_max(struct dev_state *ds)
{
	for (int i = 0; i < TAP_MAX_SESSIONS; i++)
		if (ds->s[i].id)
			ds->s[i].frame_max = frame_max_of(&ds->s[i]);
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

static void hook_of(struct mt_hook *h, char *pin, int ifindex, const char *dir, bool egress, const char *link)
{
	h->ifindex = ifindex;
	h->egress = egress;
	h->tc = exists(dir, TC_HOOKS);
	h->pin = path_of(pin, dir, link);
	h->prio = TAP_TC_PRIO;
}

bool dev_hook_attached(const char *dev, bool egress)
{
	char pin[PATH_MAX];
	struct mt_hook h;

	hook_of(&h, pin, mt_ifindex(dev), dev, egress, hooks[egress].link);
	return mt_hook_attached(&h);
}

int dev_hooks_prepare(const char *dev)
{
	char pin[PATH_MAX];
	struct mt_hook h;

	hook_of(&h, pin, mt_ifindex(dev), dev, false, hooks[0].link);
	return mt_hook_prepare(&h);
}

static int hook_attach(const struct mt_hook *h, const char *dir, const char *prog)
{
	int fd = pin_get(dir, prog), err;

	if (fd < 0)
		return mt_err("cannot open %s/%s: %s", dir, prog, strerror(errno));
	err = mt_hook_attach(h, fd);
	close(fd);
	return err;
}

/* Sessions switch with the active mask, at once; hooks follow. Enabling writes the mask before attaching,
 * disabling clears it before detaching (a tcx attach or detach waits for an RCU grace period). */
static int reconcile_dev(const struct dev_state *ds)
{
	int ifindex = mt_ifindex(ds->name), afd, err = 0;
	struct tap_active want = {}, cur = {};
	__u32 zero = 0;

	for (int i = 0; i < TAP_MAX_SESSIONS; i++) {
		struct tap_session s = ds->s[i];

		if (!s.id || !ifindex || !tunnel_carrier(&s))
			continue;
		for (int d = 0; d < 2; d++)
			if (s.dir & (1 << d))
				want.mask[d] |= 1u << i;
		if (s.flags || s.nvlans > 1)
			want.need_flow |= 1u << i;
		/* The tunnel's MTU may have changed since the session was written. */
		s.frame_max = frame_max_of(&ds->s[i]);
		if (s.frame_max != ds->s[i].frame_max && (err = write_session(ds->name, (__u32)i, &s)))
			return err;
		want.hot[i] = (struct tap_hot){ .tunnel_ifindex = s.tunnel_ifindex, .frame_max = s.frame_max,
						.sample = s.sample, .vid = s.vlans[0] };
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
		/* A session going inactive keeps its settings: between the two steps below, the mask of the
		 * direction not yet written may still run it. */
		if (!is)
			want.hot[i] = cur.hot[i];
	}
	for (int d = 0; d < 2 && !err; d++) {
		struct tap_active step = cur;
		char pin[PATH_MAX];
		struct mt_hook h;
		bool attached;

		hook_of(&h, pin, ifindex, ds->name, d, hooks[d].link);
		attached = mt_hook_attached(&h);
		step.mask[d] = want.mask[d];
		step.need_flow = want.need_flow;
		memcpy(step.hot, want.hot, sizeof(step.hot));
		if (want.mask[d]) {
			if (bpf_map_update_elem(afd, &zero, &step, BPF_ANY))
				err = mt_err("cannot write the active map of %s: %s", ds->name, strerror(errno));
			else if (!attached && !(err = hook_attach(&h, ds->name, hooks[d].prog)))
				event(ds->name, NULL, hooks[d].name, true);
		} else if (bpf_map_update_elem(afd, &zero, &step, BPF_ANY)) {
			err = mt_err("cannot write the active map of %s: %s", ds->name, strerror(errno));
		} else if (!(err = mt_hook_detach(&h)) && attached) {
			/* Also dropped: a link pinned for a device that was deleted since. */
			event(ds->name, NULL, hooks[d].name, false);
		}
		cur = step;
	}
	close(afd);
	return err;
}

int remove_dev(const char *dev)
{
	int ifindex = mt_ifindex(dev), err = 0;

	for (int d = 0; d < 2 && !err; d++) {
		char pin[PATH_MAX];
		struct mt_hook h;
		bool attached;

		hook_of(&h, pin, ifindex, dev, d, hooks[d].link);
		attached = mt_hook_attached(&h);
		if (!(err = mt_hook_detach(&h)) && attached)
			event(dev, NULL, hooks[d].name, false);
	}
	if (err)
		return err;
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
	char dir[sizeof(TUNNEL_PREFIX) + IF_NAMESIZE], pin[PATH_MAX];
	struct mt_hook h;
	int err;

	snprintf(dir, sizeof(dir), TUNNEL_PREFIX "%s", name);
	hook_of(&h, pin, mt_ifindex(name), dir, true, "link_egress");
	if (!want_snaplen(st, name, caps) || !h.ifindex) {
		if (!exists(dir, NULL))
			return 0;
		err = mt_hook_detach(&h);
		if (!err)
			remove_dir(dir);
		return err;
	}
	if (!exists(dir, "tap_snaplen") && tunnel_pin_new(dir))
		return -1;
	err = sync_snaplen(dir, caps);
	return err || mt_hook_attached(&h) ? err : hook_attach(&h, dir, "tap_snaplen");
}

int reconcile(const struct state *st)
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
