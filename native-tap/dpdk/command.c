/* JSON commands: set, remove, show, stats, watch (README.md). A request is checked whole before anything
 * changes; a bad one gets {"ok":false,"error":"..."} and changes nothing. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dtap.h"
#include "mt.h"

static const struct {
	const char *name;
	uint8_t num;
} protos[] = { { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmpv6", 58 }, { "sctp", 132 } };

struct req_err {
	char msg[256];
};

static int bad(struct req_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct req_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static json_t *error_reply(const char *msg)
{
	return json_pack("{s:b, s:s}", "ok", 0, "error", msg);
}

static json_t *fail_reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *fail_reply(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_reply(msg);
}

static int check_keys(const json_t *obj, const char *what, const char *const *allowed, struct req_err *e)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)obj, key, val) {
		bool known = false;

		for (const char *const *a = allowed; *a; a++)
			known |= !strcmp(key, *a);
		if (!known)
			return bad(e, "%sunknown key '%s'", what, key);
	}
	return 0;
}

/* An integer member in [min, max]; absent: *out = dflt, or an error when required. */
static int get_uint(const json_t *obj, const char *key, bool required, long long min, long long max, long long dflt,
		    long long *out, struct req_err *e)
{
	const json_t *v = json_object_get(obj, key);

	if (!v) {
		*out = dflt;
		return required ? bad(e, "%s: missing", key) : 0;
	}
	if (!json_is_integer(v))
		return bad(e, "%s: expected an integer", key);
	*out = json_integer_value(v);
	if (*out < min || *out > max)
		return bad(e, "%s: %lld is out of range %lld..%lld", key, *out, min, max);
	return 0;
}

static int get_str(const json_t *obj, const char *key, bool required, const char **out, struct req_err *e)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v)
		return required ? bad(e, "%s: missing", key) : 0;
	if (!json_is_string(v))
		return bad(e, "%s: expected a string", key);
	*out = json_string_value(v);
	return 0;
}

static int get_port(struct mtd *t, const json_t *req, bool required, struct mtd_port **out, struct req_err *e)
{
	const char *name;

	*out = NULL;
	if (get_str(req, "port", required, &name, e))
		return -1;
	if (!name)
		return 0;
	*out = mtd_port_find(t, name);
	return *out ? 0 : bad(e, "port: no port '%s' on this TAP", name);
}

static int parse_vlans(const json_t *req, struct tap_session *s, struct req_err *e)
{
	const json_t *arr = json_object_get(req, "vlans");
	size_t i;
	json_t *v;

	if (!arr)
		return bad(e, "vlans: missing");
	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > TAP_MAX_VLANS)
		return bad(e, "vlans: expected an array of 1..%d VLAN ids", TAP_MAX_VLANS);
	json_array_foreach(arr, i, v) {
		long long id = json_is_integer(v) ? json_integer_value(v) : -1;
		unsigned at = (unsigned)i;

		if (id < 1 || id > 4094)
			return bad(e, "vlans: each VLAN id is an integer in 1..4094");
		while (at > 0 && s->vlans[at - 1] > id) {
			s->vlans[at] = s->vlans[at - 1];
			at--;
		}
		if (at > 0 && s->vlans[at - 1] == id)
			return bad(e, "vlans: %lld is given twice", id);
		s->vlans[at] = (__u16)id;
	}
	s->nvlans = (__u8)json_array_size(arr);
	return 0;
}

static int parse_prefix(const json_t *filter, const char *key, __u8 flag, struct tap_session *s, struct req_err *e)
{
	const char *text;
	struct mt_prefix p;
	__u32 *addr = flag == TAP_F_SRC ? s->src : flag == TAP_F_DST ? s->dst : s->net;
	__u8 *mask = (__u8 *)(flag == TAP_F_SRC ? s->src_mask : flag == TAP_F_DST ? s->dst_mask : s->net_mask);
	__u8 family;

	if (get_str(filter, key, false, &text, e))
		return bad(e, "filter.%s: expected a string", key);
	if (!text)
		return 0;
	if (mt_parse_prefix(text, &p))
		return bad(e, "filter.%s: '%s' is not an IPv4 or IPv6 prefix with its host bits zero", key, text);
	family = p.family == AF_INET ? 4 : 6;
	if ((s->flags & TAP_F_ADDRS) && s->family != family)
		return bad(e, "filter: src, dst and net prefixes must be of one address family");
	memcpy(addr, p.addr, family == 4 ? 4 : 16);
	for (unsigned b = 0; b < p.len; b++)
		mask[b / 8] |= (__u8)(0x80 >> (b % 8));
	if (flag == TAP_F_SRC)
		s->src_len = p.len;
	else if (flag == TAP_F_DST)
		s->dst_len = p.len;
	else
		s->net_len = p.len;
	s->family = family;
	s->flags |= flag;
	return 0;
}

static int parse_filter(const json_t *req, struct tap_session *s, struct req_err *e)
{
	static const char *const keys[] = { "src", "dst", "net", "proto", "sport", "dport", "port", NULL };
	static const struct {
		const char *key;
		__u8 flag;
	} ports[] = { { "sport", TAP_F_SPORT }, { "dport", TAP_F_DPORT }, { "port", TAP_F_PORT } };
	__u16 *port[] = { &s->sport, &s->dport, &s->port };
	const json_t *f = json_object_get(req, "filter");
	const json_t *proto;
	long long v;

	if (!f)
		return 0;
	if (!json_is_object(f))
		return bad(e, "filter: expected an object");
	if (check_keys(f, "filter: ", keys, e) || parse_prefix(f, "src", TAP_F_SRC, s, e) ||
	    parse_prefix(f, "dst", TAP_F_DST, s, e) || parse_prefix(f, "net", TAP_F_NET, s, e))
		return -1;
	proto = json_object_get(f, "proto");
	if (json_is_string(proto)) {
		for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
			if (!strcmp(json_string_value(proto), protos[i].name))
				s->proto = protos[i].num;
		if (!s->proto)
			return bad(e, "filter.proto: '%s' is not tcp, udp, icmp, icmpv6, sctp or a number",
				   json_string_value(proto));
		s->flags |= TAP_F_PROTO;
	} else if (proto) {
		if (get_uint(f, "proto", true, 0, 255, 0, &v, e))
			return bad(e, "filter.proto: expected a protocol name or a number in 0..255");
		s->proto = (__u8)v;
		s->flags |= TAP_F_PROTO;
	}
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		if (!json_object_get(f, ports[i].key))
			continue;
		if (get_uint(f, ports[i].key, true, 0, 65535, 0, &v, e))
			return bad(e, "filter.%s: expected a port number in 0..65535", ports[i].key);
		*port[i] = (__u16)v;
		s->flags |= ports[i].flag;
	}
	return 0;
}

static json_t *cmd_set(struct mtd *t, const json_t *req)
{
	static const char *const keys[] = { "cmd", "port", "session", "tunnel", "direction", "vlans",
					    "sample", "snaplen", "filter", NULL };
	struct tap_session s = { 0 };
	struct req_err e = { "" };
	struct mtd_port *p;
	const char *tunnel, *dir;
	long long id, sample, snaplen;
	char err[256];
	int ti = -1;

	if (check_keys(req, "", keys, &e) || get_port(t, req, true, &p, &e) ||
	    get_uint(req, "session", true, 1, 65535, 0, &id, &e) || get_str(req, "tunnel", true, &tunnel, &e) ||
	    get_str(req, "direction", false, &dir, &e) || parse_vlans(req, &s, &e) ||
	    get_uint(req, "sample", false, 1, UINT32_MAX, 1, &sample, &e) ||
	    get_uint(req, "snaplen", false, 0, 65535, 0, &snaplen, &e) || parse_filter(req, &s, &e))
		return error_reply(e.msg);
	ti = mtd_tunnel_find(t, tunnel);
	if (ti < 0)
		return fail_reply("tunnel: no tunnel '%s' on this TAP", tunnel);
	if (snaplen && snaplen < 64)
		return error_reply("snaplen: 0 (whole frames) or 64..65535");
	if (!dir || !strcmp(dir, "both"))
		s.dir = TAP_DIR_RX | TAP_DIR_TX;
	else if (!strcmp(dir, "rx"))
		s.dir = TAP_DIR_RX;
	else if (!strcmp(dir, "tx"))
		s.dir = TAP_DIR_TX;
	else
		return error_reply("direction: rx, tx or both");
	s.id = (__u32)id;
	s.sample = (__u32)sample;
	s.snaplen = (__u32)snaplen;
	if (mtd_session_set(p, &s, (unsigned)ti, err, sizeof(err)))
		return error_reply(err);
	return json_pack("{s:b}", "ok", 1);
}

static json_t *cmd_remove(struct mtd *t, const json_t *req)
{
	static const char *const keys[] = { "cmd", "port", "session", NULL };
	struct req_err e = { "" };
	struct mtd_port *p;
	long long id;

	if (check_keys(req, "", keys, &e) || get_port(t, req, true, &p, &e) ||
	    get_uint(req, "session", true, 1, 65535, 0, &id, &e))
		return error_reply(e.msg);
	if (mtd_session_remove(p, (uint32_t)id))
		return fail_reply("session: port %s has no session %lld", p->name, id);
	return json_pack("{s:b}", "ok", 1);
}

static json_t *prefix_json(const __u32 *addr, __u8 len, __u8 family)
{
	struct mt_prefix p = { .family = family == 4 ? AF_INET : AF_INET6, .len = len };
	char buf[64];

	memcpy(p.addr, addr, family == 4 ? 4 : 16);
	mt_format_prefix(&p, buf, sizeof(buf));
	return json_string(buf);
}

json_t *mtd_session_json(const struct mtd *t, const struct mtd_port *p, unsigned slot)
{
	const struct tap_session *s = &p->s[slot];
	const struct mtd_tunnel *tn = &t->tunnels[p->tunnel[slot]];
	json_t *vlans = json_array(), *filter = json_object();

	for (unsigned i = 0; i < s->nvlans; i++)
		json_array_append_new(vlans, json_integer(s->vlans[i]));
	if (s->flags & TAP_F_SRC)
		json_object_set_new(filter, "src", prefix_json(s->src, s->src_len, s->family));
	if (s->flags & TAP_F_DST)
		json_object_set_new(filter, "dst", prefix_json(s->dst, s->dst_len, s->family));
	if (s->flags & TAP_F_NET)
		json_object_set_new(filter, "net", prefix_json(s->net, s->net_len, s->family));
	if (s->flags & TAP_F_PROTO)
		json_object_set_new(filter, "proto", json_integer(s->proto));
	if (s->flags & TAP_F_SPORT)
		json_object_set_new(filter, "sport", json_integer(s->sport));
	if (s->flags & TAP_F_DPORT)
		json_object_set_new(filter, "dport", json_integer(s->dport));
	if (s->flags & TAP_F_PORT)
		json_object_set_new(filter, "port", json_integer(s->port));
	return json_pack("{s:i, s:s, s:b, s:b, s:s, s:o, s:I, s:I, s:o}", "session", s->id, "tunnel", tn->name,
			 "tunnel_up", tn->up, "active", p->running[slot] == s->id, "direction",
			 s->dir == TAP_DIR_RX ? "rx" : s->dir == TAP_DIR_TX ? "tx" : "both", "vlans", vlans,
			 "sample", (json_int_t)s->sample, "snaplen", (json_int_t)s->snaplen, "filter", filter);
}

json_t *mtd_link_event(const struct mtd_tunnel *tn)
{
	return json_pack("{s:s, s:s, s:b}", "event", "link", "tunnel", tn->name, "up", tn->up);
}

json_t *mtd_session_event(const struct mtd *t, const struct mtd_port *p, uint32_t id, unsigned tunnel, bool active)
{
	return json_pack("{s:s, s:s, s:i, s:s, s:b}", "event", "session", "port", p->name, "session", id, "tunnel",
			 t->tunnels[tunnel].name, "active", active);
}

static json_t *cmd_show(struct mtd *t, const json_t *req)
{
	static const char *const keys[] = { "cmd", NULL };
	struct req_err e = { "" };
	json_t *tunnels = json_array(), *ports = json_array();

	if (check_keys(req, "", keys, &e))
		return error_reply(e.msg);
	for (uint16_t i = 0; i < t->nb_tunnels; i++) {
		const struct mtd_tunnel *tn = &t->tunnels[i];

		json_array_append_new(tunnels, json_pack("{s:s, s:i, s:s, s:b, s:b, s:i, s:b}", "tunnel", tn->name,
							 "port_id", tn->port_id, "ifname", tn->ifname, "up", tn->up,
							 "lsc", tn->lsc, "tx_queues", tn->nb_txq, "shared_txq",
							 tn->shared_txq));
	}
	for (uint16_t i = 0; i < t->nb_ports; i++) {
		const struct mtd_port *p = &t->ports[i];
		json_t *sessions = json_array();

		for (unsigned k = 0; k < TAP_MAX_SESSIONS; k++)
			if (p->s[k].id)
				json_array_append_new(sessions, mtd_session_json(t, p, k));
		json_array_append_new(ports, json_pack("{s:s, s:i, s:s, s:{s:b, s:b}, s:I, s:o}", "port", p->name,
						       "port_id", p->port_id, "ifname", p->ifname, "callbacks", "rx",
						       p->registered[DIR_RX], "tx", p->registered[DIR_TX], "foreign",
						       (json_int_t)__atomic_load_n(&p->foreign, __ATOMIC_RELAXED),
						       "sessions", sessions));
	}
	return json_pack("{s:b, s:s, s:i, s:o, s:o}", "ok", 1, "off_mode",
			 t->off_mode == MTD_OFF_GATE ? "gate" : "unregister", "poll_ms", t->poll_ms, "tunnels", tunnels,
			 "ports", ports);
}

static json_t *counters_json(const struct mtd_port *p, unsigned slot)
{
	json_t *lcores = json_array();
	struct mtd_ctr c;

	mtd_session_counters(p, slot, &c, lcores);
	return json_pack("{s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:o}", "port", p->name, "session", p->s[slot].id, "seen",
			 c.seen, "mirrored", c.mirrored, "filtered", c.filtered, "sampled", c.sampled, "errors", c.errors,
			 "lcores", lcores);
}

static json_t *cmd_stats(struct mtd *t, const json_t *req)
{
	static const char *const keys[] = { "cmd", "port", "session", NULL };
	struct req_err e = { "" };
	struct mtd_port *only;
	json_t *stats;
	long long id;
	bool found = false;

	if (check_keys(req, "", keys, &e) || get_port(t, req, false, &only, &e) ||
	    get_uint(req, "session", false, 1, 65535, 0, &id, &e))
		return error_reply(e.msg);
	if (id && !only)
		return error_reply("session: give the port too");
	stats = json_array();
	for (uint16_t i = 0; i < t->nb_ports; i++) {
		const struct mtd_port *p = &t->ports[i];

		if (only && p != only)
			continue;
		for (unsigned k = 0; k < TAP_MAX_SESSIONS; k++) {
			if (!p->s[k].id || (id && p->s[k].id != id))
				continue;
			json_array_append_new(stats, counters_json(p, k));
			found = true;
		}
	}
	if (id && !found) {
		json_decref(stats);
		return fail_reply("session: port %s has no session %lld", only->name, id);
	}
	return json_pack("{s:b, s:o}", "ok", 1, "stats", stats);
}

json_t *mtd_handle(struct mtd *t, const char *request, bool *watch)
{
	static const char *const keys[] = { "cmd", NULL };
	json_error_t je;
	json_t *req = json_loads(request, JSON_REJECT_DUPLICATES, &je), *reply;
	struct req_err e = { "" };
	const char *cmd;

	*watch = false;
	if (!req)
		return fail_reply("bad JSON: %s", je.text);
	if (!json_is_object(req))
		reply = error_reply("a request is a JSON object with a \"cmd\"");
	else if (get_str(req, "cmd", true, &cmd, &e))
		reply = error_reply(e.msg);
	else if (!strcmp(cmd, "set"))
		reply = cmd_set(t, req);
	else if (!strcmp(cmd, "remove"))
		reply = cmd_remove(t, req);
	else if (!strcmp(cmd, "show"))
		reply = cmd_show(t, req);
	else if (!strcmp(cmd, "stats"))
		reply = cmd_stats(t, req);
	else if (!strcmp(cmd, "watch") && check_keys(req, "", keys, &e))
		reply = error_reply(e.msg);
	else if (!strcmp(cmd, "watch"))
		*watch = true, reply = json_pack("{s:b}", "ok", 1);
	else
		reply = fail_reply("cmd: unknown command '%s' (set, remove, show, stats, watch)", cmd);
	json_decref(req);
	return reply;
}

char *mtd_command(struct mtd *t, const char *request)
{
	bool watch;
	json_t *reply;
	char *out;

	pthread_mutex_lock(&t->lock);
	reply = mtd_handle(t, request, &watch);
	pthread_mutex_unlock(&t->lock);
	if (watch) {
		json_decref(reply);
		reply = error_reply("watch: only on the control socket");
	}
	out = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	return out;
}
