/* mtapctl's options: KEY VALUE pairs in any order, parsed strictly, applied onto a session. */
#include <string.h>
#include <sys/socket.h>

#include "ctl.h"

#define ADDRS_ONE_FAMILY "src, dst and net (host) prefixes must be of one address family"

static const char *const opt_names[] = { "session", "tunnel", "direction", "vlan", "sample", "snaplen",
					   "src", "dst", "proto", "sport", "dport", "net", "host", "port" };


static const struct {
	const char *name;
	__u8 num;
} protos[] = { { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmpv6", 58 }, { "sctp", 132 } };

const char *dir_name(__u8 dir)
{
	return dir == TAP_DIR_RX ? "rx" : dir == TAP_DIR_TX ? "tx" : "both";
}

const char *proto_name(__u8 proto)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].num == proto)
			return protos[i].name;
	return NULL;
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

/* src, dst, net, and host (net with a bare address). */
static int parse_prefix_opt(struct opts *o, unsigned bit, const char *val)
{
	unsigned field = bit == O_SRC ? TAP_F_SRC : bit == O_DST ? TAP_F_DST : TAP_F_NET;
	struct mt_prefix p;
	__u8 family;

	if (!strcmp(val, "any")) {
		o->clear |= field;
		return 0;
	}
	if (bit == O_HOST && strchr(val, '/'))
		return mt_err("host: '%s' is a prefix; host takes an address (or use net)", val);
	if (mt_parse_prefix(val, &p))
		return -1;
	family = p.family == AF_INET ? 4 : 6;
	if ((o->s.flags & TAP_F_ADDRS) && o->s.family != family)
		return mt_err(ADDRS_ONE_FAMILY);
	o->s.family = family;
	o->s.flags |= field;
	if (field == TAP_F_SRC)
		set_prefix(o->s.src, o->s.src_mask, &o->s.src_len, &p);
	else if (field == TAP_F_DST)
		set_prefix(o->s.dst, o->s.dst_mask, &o->s.dst_len, &p);
	else
		set_prefix(o->s.net, o->s.net_mask, &o->s.net_len, &p);
	return 0;
}

/* sport, dport, port. */
static int parse_port_opt(struct opts *o, unsigned bit, const char *val)
{
	static const struct {
		unsigned bit, flag;
		const char *name;
	} ports[] = { { O_SPORT, TAP_F_SPORT, "sport" }, { O_DPORT, TAP_F_DPORT, "dport" }, { O_PORT, TAP_F_PORT, "port" } };
	__u16 *field[] = { &o->s.sport, &o->s.dport, &o->s.port };
	size_t i = 0;
	__u32 v;

	while (ports[i].bit != bit)
		i++;
	if (!strcmp(val, "any")) {
		o->clear |= ports[i].flag;
		return 0;
	}
	if (mt_parse_u32(ports[i].name, val, 0, 65535, &v))
		return -1;
	*field[i] = (__u16)v;
	o->s.flags |= ports[i].flag;
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
	case O_DST:
	case O_NET:
	case O_HOST:
		return parse_prefix_opt(o, bit, val);
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
	default: /* O_SPORT, O_DPORT, O_PORT */
		return parse_port_opt(o, bit, val);
	}
}

/* KEY VALUE pairs. */
int parse_opts(int argc, char **argv, unsigned allowed, struct opts *o)
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
		if ((bit & (O_NET | O_HOST)) && (o->set & (O_NET | O_HOST)))
			return mt_err("net and host set one filter part: give one of them");
		if (i + 1 >= argc)
			return mt_err("option '%s' needs a value", argv[i]);
		if (parse_opt(o, bit, argv[i + 1]))
			return -1;
		o->set |= bit;
	}
	return 0;
}

int apply_opts(struct tap_session *s, const struct opts *o, int tunnel_ifindex)
{
	static const struct {
		unsigned opt, flag;
	} filter_fields[] = { { O_SRC, TAP_F_SRC }, { O_DST, TAP_F_DST }, { O_NET | O_HOST, TAP_F_NET },
			      { O_PROTO, TAP_F_PROTO }, { O_SPORT, TAP_F_SPORT }, { O_DPORT, TAP_F_DPORT },
			      { O_PORT, TAP_F_PORT } };

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
	if ((o->s.flags & TAP_F_ADDRS) && (s->flags & TAP_F_ADDRS & ~o->s.flags) && s->family != o->s.family)
		return mt_err(ADDRS_ONE_FAMILY);
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
	if (o->s.flags & TAP_F_NET) {
		memcpy(s->net, o->s.net, sizeof(s->net));
		memcpy(s->net_mask, o->s.net_mask, sizeof(s->net_mask));
		s->net_len = o->s.net_len;
	}
	if (o->s.flags & TAP_F_ADDRS)
		s->family = o->s.family;
	if (o->s.flags & TAP_F_PROTO)
		s->proto = o->s.proto;
	if (o->s.flags & TAP_F_SPORT)
		s->sport = o->s.sport;
	if (o->s.flags & TAP_F_DPORT)
		s->dport = o->s.dport;
	if (o->s.flags & TAP_F_PORT)
		s->port = o->s.port;
	s->flags |= o->s.flags;
	if (!(s->flags & TAP_F_ADDRS))
		s->family = 0;
	return 0;
}
