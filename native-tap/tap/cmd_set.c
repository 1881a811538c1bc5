/* attach, configure and detach: validate the request against the whole namespace, write the session
 * maps, reconcile; on failure put back what was there. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ctl.h"

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

int check_dev_name(const char *dev)
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
	refresh_frame_max(ds);
	err = created ? dev_hooks_prepare(ds->name) : 0;
	err = err ?: write_sessions(ds->name, ds->s);
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

int cmd_set(int argc, char **argv, bool create)
{
	struct set_req r = { .dev = argv[0], .create = create };

	if (argc < 1)
		return mt_err("%s: missing DEV", create ? "attach" : "configure"), EXIT_USAGE;
	if (check_dev_name(argv[0]) || parse_opts(argc - 1, argv + 1, O_ALL, &r.o))
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

int cmd_detach(int argc, char **argv)
{
	struct detach_req r = { .dev = argv[0] };

	if (argc < 1)
		return mt_err("detach: missing DEV"), EXIT_USAGE;
	if (check_dev_name(argv[0]) || parse_opts(argc - 1, argv + 1, O_SESSION, &r.o))
		return EXIT_USAGE;
	return locked(detach_locked, &r);
}
