/* show and stats: the sessions of each DEV with their hooks, and their counters summed over CPUs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ctl.h"

/* The prefix of filter field TAP_F_SRC, TAP_F_DST or TAP_F_NET. */
static void format_filter(const struct tap_session *s, unsigned field, char *buf, size_t len)
{
	struct mt_prefix p = { .family = s->family == 4 ? AF_INET : AF_INET6 };

	memcpy(p.addr, field == TAP_F_SRC ? s->src : field == TAP_F_DST ? s->dst : s->net, 16);
	p.len = field == TAP_F_SRC ? s->src_len : field == TAP_F_DST ? s->dst_len : s->net_len;
	mt_format_prefix(&p, buf, len);
}

static const struct {
	unsigned flag;
	const char *name;
} prefix_fields[] = { { TAP_F_SRC, "src" }, { TAP_F_DST, "dst" }, { TAP_F_NET, "net" } };

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
	for (size_t i = 0; i < sizeof(prefix_fields) / sizeof(prefix_fields[0]); i++) {
		if (!(s->flags & prefix_fields[i].flag))
			continue;
		format_filter(s, prefix_fields[i].flag, buf, sizeof(buf));
		mt_json_str(j, prefix_fields[i].name, buf);
	}
	if (s->flags & TAP_F_PROTO)
		mt_json_u64(j, "proto", s->proto);
	if (s->flags & TAP_F_SPORT)
		mt_json_u64(j, "sport", s->sport);
	if (s->flags & TAP_F_DPORT)
		mt_json_u64(j, "dport", s->dport);
	if (s->flags & TAP_F_PORT)
		mt_json_u64(j, "port", s->port);
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
	for (size_t i = 0; i < sizeof(prefix_fields) / sizeof(prefix_fields[0]); i++) {
		if (!(s->flags & prefix_fields[i].flag))
			continue;
		format_filter(s, prefix_fields[i].flag, buf, sizeof(buf));
		printf(" %s %s", prefix_fields[i].name, buf);
	}
	if (s->flags & TAP_F_PROTO) {
		const char *name = proto_name(s->proto);

		if (name)
			printf(" proto %s", name);
		else
			printf(" proto %u", s->proto);
	}
	if (s->flags & TAP_F_SPORT)
		printf(" sport %u", s->sport);
	if (s->flags & TAP_F_DPORT)
		printf(" dport %u", s->dport);
	if (s->flags & TAP_F_PORT)
		printf(" port %u", s->port);
	printf("\n");
}

int cmd_show(int argc, char **argv)
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
		bool in = dev_hook_attached(ds->name, false), eg = dev_hook_attached(ds->name, true);

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

int cmd_stats(int argc, char **argv)
{
	static struct state st;
	static const char *const names[] = { "seen", "mirrored", "filtered", "sampled", "oversized", "errors" };
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
		__u64 sum[6] = {};

		if (!ds->s[k].id || ((o.set & O_SESSION) && ds->s[k].id != o.s.id))
			continue;
		if (bpf_map_lookup_elem(fd, &k, per))
			memset(per, 0, (size_t)ncpu * sizeof(*per));
		for (int c = 0; c < ncpu; c++) {
			sum[1] += per[c].mirrored;
			sum[2] += per[c].filtered;
			sum[3] += per[c].sampled;
			sum[4] += per[c].oversized;
			sum[5] += per[c].errors;
		}
		sum[0] = sum[1] + sum[2] + sum[3] + sum[4] + sum[5];
		if (g_json) {
			mt_json_obj_begin(&j, NULL);
			mt_json_str(&j, "dev", ds->name);
			mt_json_u64(&j, "session", ds->s[k].id);
		} else {
			printf("%s session %u:", ds->name, ds->s[k].id);
		}
		for (int n = 0; n < 6; n++) {
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
